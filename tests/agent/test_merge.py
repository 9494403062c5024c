"""One record from SNMP's and SSH's views of a device."""

from __future__ import annotations

from dataclasses import replace

from netsbom.agent.identify import kernel_software
from netsbom.agent.merge import merge_records
from netsbom.core.purl import package_purl
from netsbom.core.record import OsInfo, Software, Target
from tests.conftest import make_record


def test_the_merged_record_names_both_transports_and_keeps_the_snmp_kernel() -> None:
    libc = Software("libc6", "2.36-9", source="hrSWInstalled",
                    purl=package_purl("deb", "libc6", "2.36-9", arch="amd64"))  # fmt: skip
    snmp = replace(
        make_record("web1"),
        os=OsInfo(family="linux", version="6.1.0-18-amd64", name="Linux"),
        software=(kernel_software("6.1.0-18-amd64", "sysDescr"), libc),
    )
    ssh = replace(
        make_record("web1"),
        target=Target("web1", "127.0.1.1", 22, "ssh"),
        os=OsInfo(family="debian", version="12", name="Debian GNU/Linux"),
        software=(replace(libc, source="dpkg"),),  # no uname -r answer
    )
    merged = merge_records(snmp, ssh)
    assert merged.target.transport == "snmp+ssh"
    assert merged.os.family == "debian" and merged.os.version == "12"
    assert [(s.name, s.kind, s.source) for s in merged.software] == [
        ("libc6", "os-package", "dpkg"),  # once: SSH's
        ("linux-kernel", "kernel", "sysDescr"),  # SNMP's kernel is not dropped
    ]
    both = merge_records(
        snmp, replace(ssh, software=(kernel_software("6.1.0-18-amd64", "uname -r"),))
    )
    assert [(s.name, s.source) for s in both.software if s.kind == "kernel"] == [
        ("linux-kernel", "uname -r")
    ]
