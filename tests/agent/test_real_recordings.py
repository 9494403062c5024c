"""Replays of real programs recorded with ``netsbom agent record`` (tests/data/real/SOURCE.md):
Debian's Net-SNMP snmpd and OpenSSH on one host, and lldpd's neighbours as ``lldpctl`` prints
them. They run everywhere; the live tests beside them (tests/agent/snmp/test_net_snmp.py,
tests/agent/ssh/test_openssh.py, tests/topology/test_lldpd_lab.py) made them.
"""

from __future__ import annotations

from netsbom.agent.identify import with_identifiers
from netsbom.agent.merge import merge_records
from netsbom.agent.platforms.linux import parse_lldpctl
from netsbom.agent.snmp.poll import replay_snmp
from netsbom.agent.ssh.poll import replay_ssh
from netsbom.core.purl import purl_arch
from netsbom.core.record import DeviceRecord
from tests.conftest import REAL_DATA

HOST = REAL_DATA / "host"


def packages(record: DeviceRecord) -> set[tuple[str, str | None, str | None]]:
    return {(s.name, s.version, purl_arch(s.purl)) for s in record.software if s.kind != "kernel"}


def kernel(record: DeviceRecord) -> list[tuple[str, str | None, str | None]]:
    return [(s.name, s.version, s.cpe) for s in record.software if s.kind == "kernel"]


def test_net_snmp_and_openssh_on_one_host_say_the_same() -> None:
    """Two real sources of one truth: hrSWInstalledTable is the dpkg list ``dpkg-query`` gives."""
    snmp = replay_snmp(HOST / "snmp" / "host.snmprec.bz2")
    ssh = replay_ssh(HOST / "ssh" / "host")
    assert snmp.complete and snmp.errors == (), snmp.errors
    assert ssh.complete and ssh.errors == (), ssh.errors  # SONiC, rpm, DMI, lldpd: probes
    assert len(packages(ssh)) > 100 and packages(snmp) == packages(ssh)
    assert all(arch for _, _, arch in packages(snmp))  # name_version_arch keeps the arch
    # Essential packages are "operatingSystem" in hrSWInstalledType: packages all the same
    assert (
        {s.kind for s in snmp.software}
        == {s.kind for s in ssh.software}
        == {"os-package", "kernel"}
    )
    assert snmp.hostname == ssh.hostname
    assert kernel(snmp) == kernel(ssh) and len(kernel(ssh)) == 1
    assert snmp.os.family == "linux" and snmp.os.version == kernel(ssh)[0][1]
    assert ssh.os.family == "debian" and ssh.identifiers.os_cpe == (
        f"cpe:2.3:o:debian:debian_linux:{ssh.os.version}:*:*:*:*:*:*:*"
    )
    assert snmp.vendor is None and ssh.vendor is None  # no maker known: None, never ""


def test_the_merged_record_lists_each_package_once_with_the_distribution() -> None:
    snmp = replay_snmp(HOST / "snmp" / "host.snmprec.bz2")
    ssh = replay_ssh(HOST / "ssh" / "host")
    merged = with_identifiers(merge_records(snmp, ssh))
    assert merged.target.transport == "snmp+ssh"
    assert len(merged.software) == len(ssh.software)  # not SNMP's list on top of SSH's
    assert kernel(merged) == kernel(ssh)
    assert merged.os.family == "debian" and merged.sys_object_id == snmp.sys_object_id
    distro = f"distro=debian-{merged.os.version}"
    for package in merged.software:
        if package.kind != "kernel":
            assert package.purl and package.purl.startswith("pkg:deb/debian/"), package
            assert distro in package.purl and "arch=" in package.purl


def test_lldpctl_text_and_json_of_one_lldpd_agree() -> None:
    for device in ("r1", "r2", "r3", "r4"):
        folder = REAL_DATA / "lldp-lab" / "ssh" / device
        text = parse_lldpctl((folder / "lldpctl.txt").read_text()).neighbors
        json_form = parse_lldpctl((folder / "lldpctl_-f_json.txt").read_text()).neighbors
        assert text and len(text) == len(json_form)
        key = {(n.local_port, n.remote_name, n.remote_port, n.remote_chassis_id) for n in text}
        assert key == {
            (n.local_port, n.remote_name, n.remote_port, n.remote_chassis_id) for n in json_form
        }
        # lldpd's port id is a MAC: the port's name is its description
        assert all(n.remote_port and n.remote_port.startswith("eth") for n in text)


def test_the_hosts_sbom_carries_no_error_and_names_the_kernel() -> None:
    """What a healthy Debian host lacks (SONiC's CLI, rpm, DMI) never reaches the SBOM."""
    import json

    from netsbom.collector.sbom.cyclonedx import to_cyclonedx
    from netsbom.topology.configuration import build_configuration

    merged = with_identifiers(
        merge_records(
            replay_snmp(HOST / "snmp" / "host.snmprec.bz2"), replay_ssh(HOST / "ssh" / "host")
        )
    )
    text = json.dumps(to_cyclonedx(build_configuration("hosts", "2030-01-01T00:00:00Z", [merged])))
    assert "netsbom:errors" not in text and "unsupported" not in text
    assert "cpe:2.3:o:linux:linux_kernel:" in text
    assert "cpe:2.3:o:debian:debian_linux:" in text and "pkg:deb/debian/" in text
