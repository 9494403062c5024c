"""OpenSSH's sshd, as Debian ships it, on a loopback port: this host polled as a ``linux`` target.

The record must be the host's truth (os-release, kernel, every dpkg package with its version and
architecture), carry no error for what a healthy Debian host lacks (SONiC's CLI, rpm, DMI in a
container), and host keys must be checked: strict refuses an unknown key, tofu pins it, a
changed key is refused naming both keys' SHA256 fingerprints as OpenSSH prints them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.ssh.poll import poll_ssh
from netsbom.core.cpe import os_cpe
from netsbom.core.purl import purl_arch
from netsbom.core.record import DeviceRecord
from tests.harness.host import dpkg_packages, host_truth
from tests.harness.sshd import Sshd, openssh

pytestmark = pytest.mark.integration


def linux_target(server: Sshd, known_hosts: Path, policy: str = "tofu", **ssh: Any) -> TargetSpec:
    return TargetSpec.model_validate(
        {"name": "this-host", "address": server.address, "deadline": 120,
         "ssh": {"port": server.port, "username": server.user, "key_file": str(server.user_key),
                 "platform": "linux", "known_hosts": str(known_hosts),
                 "host_key_policy": policy, "connect_timeout": 10, "command_timeout": 60,
                 **ssh}}
    )  # fmt: skip


def packages(record: DeviceRecord) -> set[tuple[str, str | None, str | None]]:
    return {(s.name, s.version, purl_arch(s.purl)) for s in record.software if s.kind != "kernel"}


async def test_the_record_is_the_hosts_truth(openssh_server: Sshd, tmp_path: Path) -> None:
    before = dpkg_packages()
    record = await poll_ssh(linux_target(openssh_server, tmp_path / "known_hosts"), agent_id="t")
    truth = host_truth()
    release = truth.os_release
    assert record.complete and record.errors == (), record.errors  # probe misses are no errors
    assert record.hostname == truth.hostname
    assert record.os.family == release["ID"]  # the distribution, from the registry
    assert record.os.version == release["VERSION_ID"] and record.os.name == release["NAME"]
    assert record.identifiers.os_cpe == os_cpe(release["ID"], release["VERSION_ID"])
    if release["ID"] == "debian":
        assert record.identifiers.os_cpe == (
            f"cpe:2.3:o:debian:debian_linux:{release['VERSION_ID']}:*:*:*:*:*:*:*"
        )
    kernel = [s for s in record.software if s.kind == "kernel"]
    assert [(k.name, k.version, k.source) for k in kernel] == [
        ("linux-kernel", truth.kernel, "uname -r")
    ]
    assert kernel[0].cpe and kernel[0].cpe.startswith("cpe:2.3:o:linux:linux_kernel:")
    assert packages(record) in (set(before), set(truth.packages))
    distro = f"distro={release['ID']}-{release['VERSION_ID']}"
    for package in record.software:
        if package.kind != "kernel":
            assert package.purl and package.purl.startswith(f"pkg:deb/{release['ID']}/")
            assert distro in package.purl and "arch=" in package.purl, package.purl
    assert record.vendor != ""  # a maker from DMI, or None: never an empty name


async def test_strict_refuses_an_unknown_key_and_tofu_pins_it(
    openssh_server: Sshd, tmp_path: Path
) -> None:
    known = tmp_path / "known_hosts"
    missing = await poll_ssh(linux_target(openssh_server, known, "strict"), agent_id="t")
    assert not missing.complete and missing.errors[0].kind == "auth"
    assert "does not exist" in missing.errors[0].message

    known.write_text("")
    unknown = await poll_ssh(linux_target(openssh_server, known, "strict"), agent_id="t")
    assert not unknown.complete and unknown.errors[0].kind == "auth"
    assert "unknown" in unknown.errors[0].message and unknown.software == ()

    pinned = await poll_ssh(linux_target(openssh_server, known, "tofu"), agent_id="t")
    assert pinned.complete, pinned.errors
    entry = known.read_text().split()
    assert entry[0] == f"[{openssh_server.address}]:{openssh_server.port}"
    assert f"{entry[1]} {entry[2]}" == " ".join(
        openssh_server.host_key.with_suffix(".pub").read_text().split()[:2]
    )
    strict = await poll_ssh(linux_target(openssh_server, known, "strict"), agent_id="t")
    assert strict.complete, strict.errors


async def test_a_changed_host_key_is_refused_with_sha256_fingerprints(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    with openssh(tmp_path / "before") as before:
        first = await poll_ssh(linux_target(before, known), agent_id="t")
        assert first.complete, first.errors
        old_fingerprint = before.fingerprint
    # the same address and port, another host key (a reinstalled box, or someone in between)
    with openssh(tmp_path / "after", port=before.port, user_key=before.user_key) as after:
        for policy in ("tofu", "strict"):
            refused = await poll_ssh(linux_target(after, known, policy), agent_id="t")
            assert not refused.complete and refused.software == ()
            error = refused.errors[0]
            assert error.kind == "auth" and "CHANGED" in error.message, error
            assert old_fingerprint in error.message and after.fingerprint in error.message
            assert old_fingerprint.startswith("SHA256:") and old_fingerprint != after.fingerprint
    assert len(known.read_text().splitlines()) == 1  # the pinned key is never replaced
