"""One record per device whatever mix of SNMP, SSH, gNMI and NETCONF answered."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from netsbom.agent.gnmi.poll import replay_gnmi
from netsbom.agent.identify import kernel_software
from netsbom.agent.inventory import TargetSpec
from netsbom.agent.merge import merge_records
from netsbom.agent.netconf.poll import replay_netconf
from netsbom.agent.run import poll_target
from netsbom.core.purl import package_purl
from netsbom.core.record import Component, ErrorInfo, OsInfo, Software, Target
from tests.agent.gnmi.gnmi_target import gnmi_target
from tests.agent.netconf.test_netconf import netconf_server  # noqa: F401 (a fixture)
from tests.conftest import DATA, make_record


def test_the_most_specific_source_wins_each_field_and_says_where_from() -> None:
    snmp = replace(make_record("r1", version="7.9"), description="Cisco IOS XR Software, 7.9",
                   sys_object_id="1.3.6.1.4.1.9.1.3033", hostname="r1-snmp")  # fmt: skip
    gnmi = replay_gnmi(DATA / "gnmi" / "cisco-iosxr.gnmi.json")
    netconf = replay_netconf(DATA / "netconf" / "iosxr-openconfig")
    netconf = replace(netconf, errors=(ErrorInfo("unsupported", "no such RPC", "x"),))
    merged = merge_records(snmp, None, gnmi=gnmi, netconf=netconf)
    sources = {p.field: (p.method, p.source) for p in merged.provenance}
    # NETCONF (the device's YANG data) before gNMI before the CLI before SNMP
    assert merged.os.version == "7.9.2"
    assert sources["os.version"] == ("netconf", "get openconfig-platform:components")
    assert merged.serial == "FOC2419R0DX" and sources["serial"][0] == "netconf"
    # what only SNMP knows stays SNMP's; a field nobody else has falls back to it
    assert merged.sys_object_id == "1.3.6.1.4.1.9.1.3033" and merged.hostname == "r1-snmp"
    assert sources["description"][0] == "snmp"
    # components from the source listing the most (gNMI: the line card and the route processor)
    assert {c.name for c in merged.components} >= {"0/0/CPU0", "0/RP0/CPU0", "0/0/0/0"}
    assert [e.message for e in merged.errors] == [
        "gnmi: Requested element(s) not found: 'system/state'",  # tagged once
        "netconf: no such RPC",
    ]
    assert merged.target == replace(snmp.target, transport="snmp+gnmi+netconf")
    assert merged.report_id == snmp.report_id


def test_components_of_others_enrich_the_chosen_list() -> None:
    snmp = make_record("r1")
    richer = replace(
        snmp,
        components=(*snmp.components, Component(index="9", cls="fan", name="Fan 1")),
    )
    gnmi = replace(
        snmp,
        components=(Component(index="Switch 1", cls="chassis", serial="FOC2233X0AB",
                              model="C9300-48P", firmware_rev="17.6.1r"),),
    )  # fmt: skip
    merged = merge_records(richer, None, gnmi=gnmi)
    assert len(merged.components) == 3
    assert merged.components[0].firmware_rev == "17.6.1r"  # matched by serial


def test_a_single_source_is_itself() -> None:
    record = make_record("only")
    assert merge_records(None, None, gnmi=record) is record
    with pytest.raises(ValueError, match="at least one"):
        merge_records()


@pytest.mark.integration
async def test_one_target_polled_over_gnmi_and_netconf_is_one_record(
    netconf_server: tuple[int, Path, Path],  # noqa: F811
) -> None:
    """A real NETCONF server (netconfd: it states the Linux kernel it runs on) and a gNMI target
    (recorded /components of an EOS switch) on one loopback address, polled as one target."""
    import platform

    port, key, known = netconf_server
    recording = json.loads((DATA / "gnmi" / "arista-eos.gnmi.json").read_text())
    async with gnmi_target(recording) as (gnmi_port, _log):
        spec = TargetSpec.model_validate({
            "name": "both", "address": "127.0.0.1", "deadline": 40,
            "gnmi": {"port": gnmi_port, "insecure": True},
            "netconf": {"port": port, "username": "root", "key_file": str(key),
                        "known_hosts": str(known)},
        })  # fmt: skip
        record = await poll_target(spec, "a1")
    assert record.complete, record.errors
    sources = {p.field: p.method for p in record.provenance}
    assert record.os.version == platform.release() and sources["os.version"] == "netconf"
    assert record.serial == "JPE16283030" and sources["serial"] == "gnmi"
    assert len(record.components) == 6 and sources["components"] == "gnmi"
    assert record.target.transport == "gnmi+netconf"  # one record from both


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
