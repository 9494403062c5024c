"""Net-SNMP's snmpd, as Debian ships it, on a loopback address: the record is the host's truth.

The host is this machine: snmpd serves its dpkg list (hrSWInstalledTable), its hostname and its
kernel (sysDescr). The record must list every package ``dpkg-query -W`` lists (name, version,
architecture), name the host and its kernel, and be the same over v2c and every SNMPv3
combination (SHA-256/SHA-512 x AES-128/AES-256, and the legacy MD5/DES, SHA-1/AES-128 and
SHA-224/AES-192 older devices speak). Configured as operators and appliance makers
configure it, it names the distribution its ``distro`` extend states, and a maker's firmware
served through ``pass`` over the kernel it runs on.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from netsbom.agent.identify import with_identifiers
from netsbom.agent.inventory import TargetSpec
from netsbom.agent.run import poll_target
from netsbom.core.families import known_family
from netsbom.core.purl import purl_arch
from netsbom.core.record import DeviceRecord, record_to_dict
from tests.harness.host import dpkg_packages, host_truth
from tests.harness.snmpd import Snmpd, V3User, net_snmpd

pytestmark = pytest.mark.integration


def _spec(agent: Snmpd, snmp: dict[str, Any]) -> TargetSpec:
    return TargetSpec.model_validate(
        {"name": "host", "address": agent.address, "deadline": 120,
         "snmp": {"port": agent.port, "timeout": 5, "retries": 1, **snmp}}
    )  # fmt: skip


def _v2c(agent: Snmpd) -> dict[str, Any]:
    return {"version": "2c", "community": "env:NSB_TEST_COMMUNITY"}


def _v3(user: V3User) -> dict[str, Any]:
    return {"version": "3", "user": user.name, "auth_protocol": user.auth,
            "auth_key": "env:NSB_TEST_AUTH", "priv_protocol": user.priv,
            "priv_key": "env:NSB_TEST_PRIV"}  # fmt: skip


@pytest.fixture
def secrets(net_snmp: Snmpd, monkeypatch: pytest.MonkeyPatch) -> Snmpd:
    monkeypatch.setenv("NSB_TEST_COMMUNITY", net_snmp.community)
    monkeypatch.setenv("NSB_TEST_AUTH", net_snmp.auth_key)
    monkeypatch.setenv("NSB_TEST_PRIV", net_snmp.priv_key)
    return net_snmp


def packages(record: DeviceRecord) -> set[tuple[str, str | None, str | None]]:
    return {(s.name, s.version, purl_arch(s.purl)) for s in record.software if s.kind != "kernel"}


async def test_the_record_is_the_hosts_truth(secrets: Snmpd) -> None:
    before = dpkg_packages()
    record = await poll_target(_spec(secrets, _v2c(secrets)), "t")
    truth = host_truth()
    assert record.complete and record.errors == (), record.errors
    assert record.hostname == truth.hostname
    assert record.os.family == "linux" and record.os.version == truth.kernel
    kernels = [s for s in record.software if s.kind == "kernel"]
    assert [(k.name, k.version) for k in kernels] == [("linux-kernel", truth.kernel)]
    assert kernels[0].cpe and kernels[0].cpe.startswith("cpe:2.3:o:linux:linux_kernel:")
    # every package, with its version and architecture (others may install packages meanwhile)
    assert packages(record) in (set(before), set(truth.packages))
    assert all(
        s.purl and s.purl.startswith("pkg:deb/") for s in record.software if s.kind != "kernel"
    )
    assert record.vendor is None  # Net-SNMP is the agent, not the maker of the host


# LibreNMS's host set-up: a script printing the distribution and its release, served as an
# extend under its OID or as a plain extend named "distro" (UCD-SNMP's older `exec` under the OID,
# which this snmpd refuses as deprecated, is read from a real recording: tests/agent/snmp/
# test_corpus.py)
DISTRO_PLACEMENTS = {
    "extend under 2021.7890.1": "extend .1.3.6.1.4.1.2021.7890.1 distro /bin/sh {script}",
    "plain extend": "extend distro /bin/sh {script}",
}


@pytest.mark.parametrize("placement", sorted(DISTRO_PLACEMENTS))
async def test_a_distro_extend_names_the_distribution_and_the_kernel_a_part(
    placement: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "distro.sh"
    script.write_text('. /etc/os-release\necho "$NAME $VERSION_ID"\n')  # "Debian GNU/Linux 12"
    extra = DISTRO_PLACEMENTS[placement].format(script=script) + "\n"
    with net_snmpd(tmp_path / "snmpd", users=(), extra=extra) as agent:
        monkeypatch.setenv("NSB_TEST_COMMUNITY", agent.community)
        record = await poll_target(_spec(agent, _v2c(agent)), "t")
    truth = host_truth()
    assert record.complete, record.errors
    family = known_family(truth.os_release["ID"])
    assert record.os.family == (family.id if family else "linux")  # as the SSH driver says
    assert record.os.version == truth.os_release["VERSION_ID"]
    kernels = [(s.name, s.version) for s in record.software if s.kind == "kernel"]
    assert kernels == [("linux-kernel", truth.kernel)]  # a part of the distribution
    [version] = [p for p in record.provenance if p.field == "os.version"]
    assert str(version.source).startswith(("1.3.6.1.4.1.2021.7890.1.", "1.3.6.1.4.1.8072.1.3.2"))
    if family is not None and family.packages is not None:  # packages of that distribution
        prefix = f"pkg:{family.packages.purl}/{family.packages.namespace}/"
        distro = f"distro={family.id}-{truth.os_release['VERSION_ID']}"
        listed = [s.purl or "" for s in with_identifiers(record).software if s.kind != "kernel"]
        assert listed and all(p.startswith(prefix) and distro in p for p in listed), listed[:3]


async def test_a_distro_extend_whose_command_fails_names_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # snmpd serves the shell's error as the extend's output line: the host stays as its
    # sysDescr describes it, the kernel's Linux
    extra = f"extend distro /bin/sh {tmp_path / 'no-such-script'}\n"
    with net_snmpd(tmp_path / "snmpd", users=(), extra=extra) as agent:
        monkeypatch.setenv("NSB_TEST_COMMUNITY", agent.community)
        record = await poll_target(_spec(agent, _v2c(agent)), "t")
    assert record.complete, record.errors
    assert (record.os.family, record.os.version) == ("linux", host_truth().kernel)


async def test_dmi_extends_whose_command_fails_name_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # LibreNMS's DMI extends on a host where the files cannot be read (product_serial is
    # root's only, snmpd runs as Debian-snmp): the error is served, and is no serial nor maker
    missing = tmp_path / "no-such-dmi"
    extra = "".join(
        f"extend {name} /bin/cat {missing}/{name}\n" for name in ("serial", "manufacturer")
    )
    with net_snmpd(tmp_path / "snmpd", users=(), extra=extra) as agent:
        monkeypatch.setenv("NSB_TEST_COMMUNITY", agent.community)
        record = await poll_target(_spec(agent, _v2c(agent)), "t")
    assert record.complete, record.errors
    assert (record.serial, record.vendor) == (None, None)


async def test_dmi_extends_stating_a_bios_templates_placeholders_name_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a board whose maker left the BIOS template's defaults: SMBIOS says the fields are unset
    placeholders = {"hardware": "System Product Name", "serial": "System Serial Number",
                    "manufacturer": "To Be Filled By O.E.M."}  # fmt: skip
    extra = "".join(f"extend {name} /bin/echo {text}\n" for name, text in placeholders.items())
    with net_snmpd(tmp_path / "snmpd", users=(), extra=extra) as agent:
        monkeypatch.setenv("NSB_TEST_COMMUNITY", agent.community)
        record = await poll_target(_spec(agent, _v2c(agent)), "t")
    assert record.complete, record.errors
    assert (record.model, record.serial, record.vendor) == (None, None, None)


# An appliance vendor's snmpd: the stock agent (Net-SNMP's sysObjectID, the kernel's uname as
# sysDescr) extended with the maker's own MIB through `pass` (snmpd runs the script for each GET
# and GETNEXT under the OID): an enterprise number no knowledge file names
MAKER = "1.3.6.1.4.1.64999"
PASS_SCRIPT = """
import sys
objects = {"%(maker)s.1.1.0": "AB-1200", "%(maker)s.1.2.0": "2.4.1",
           "%(maker)s.1.3.0": "ZX18041234"}
def key(oid): return tuple(int(arc) for arc in oid.strip(".").split("."))
request, asked = sys.argv[1], key(sys.argv[2])
found = [o for o in sorted(objects, key=key)
         if (key(o) == asked if request == "-g" else key(o) > asked)]
if found:
    print("." + found[0]); print("string"); print(objects[found[0]])
"""


async def test_an_appliance_on_the_stock_agent_is_its_makers_with_the_kernel_a_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "maker.py"
    script.write_text(PASS_SCRIPT % {"maker": MAKER})
    extra = f"pass .{MAKER} {sys.executable} {script}\n"
    with net_snmpd(tmp_path / "snmpd", users=(), extra=extra) as agent:
        monkeypatch.setenv("NSB_TEST_COMMUNITY", agent.community)
        record = await poll_target(_spec(agent, _v2c(agent)), "t")
    assert record.complete, record.errors
    # the maker's firmware release is the OS version; the host's kernel is a part of it
    assert (record.os.family, record.os.version) == (None, "2.4.1")
    assert [(s.name, s.version) for s in record.software if s.kind == "kernel"] == [
        ("linux-kernel", host_truth().kernel)
    ]
    assert (record.model, record.serial) == ("AB-1200", "ZX18041234")
    sources = {p.field: str(p.source) for p in record.provenance}
    assert all(sources[f].startswith(MAKER + ".") for f in ("os.version", "model", "serial"))


async def test_every_v3_combination_gives_the_same_record(secrets: Snmpd) -> None:
    reference = _comparable(await poll_target(_spec(secrets, _v2c(secrets)), "t"))
    assert {u.auth for u in secrets.users} == {"md5", "sha", "sha224", "sha256", "sha512"}
    assert {u.priv for u in secrets.users} == {"des", "aes128", "aes192", "aes256"}
    for user in secrets.users:
        record = await poll_target(_spec(secrets, _v3(user)), "t")
        assert record.complete, (user, record.errors)
        assert _comparable(record) == reference, user


async def test_a_wrong_v3_key_is_one_auth_error_without_the_key(
    secrets: Snmpd, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NSB_TEST_AUTH", "not-the-auth-key")
    spec = _spec(secrets, _v3(secrets.users[0]))
    record = await poll_target(spec.model_copy(update={"deadline": 20}), "t")
    assert not record.complete and record.software == ()
    assert record.errors and record.errors[0].kind in ("auth", "unreachable", "timeout")
    text = repr(record_to_dict(record))
    assert "not-the-auth-key" not in text and secrets.priv_key not in text


def _comparable(record: DeviceRecord) -> dict[str, Any]:
    data = record_to_dict(record)
    for volatile in ("report_id", "collected_at"):
        data.pop(volatile)
    data["software"] = sorted(data["software"], key=repr)
    return data
