"""Deployment configuration and its fingerprint."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from netsbom.core.errors import ExportError
from netsbom.core.record import (
    Component,
    DeviceRecord,
    ErrorInfo,
    Identifiers,
    Neighbor,
    OsInfo,
    Provenance,
    Software,
    Target,
)
from netsbom.topology.configuration import (
    build_configuration,
    canonical_form,
    fingerprint,
    normalize_timestamp,
)

AT = "2026-11-26T08:00:00Z"


def sw1() -> DeviceRecord:
    return DeviceRecord(
        target=Target(
            id="par1-sw1",
            address="10.10.0.11",
            port=161,
            transport="snmp",
            labels=(("network", "paris-campus"), ("site", "par1")),
        ),
        agent_id="agent-par1",
        collected_at="2026-11-26T07:58:12Z",
        report_id="3f6c1b8e-2d7a-4b61-9a0e-6f1b2c3d4e5f",
        hostname="sw1.par1.example.net",
        vendor="Cisco",
        model="C9300-48P",
        serial="FOC2231X0AB",
        chassis_id="70:1f:53:aa:00:01",
        os=OsInfo(family="ios-xe", version="17.9.4a", name="Cisco IOS XE Software"),
        components=(
            Component(
                index="1000",
                cls="chassis",
                name="Switch 1",
                model="C9300-48P",
                serial="FOC2231X0AB",
                hardware_rev="V02",
                firmware_rev="17.6.1r[FC2]",
                software_rev="17.09.04a",
            ),
            Component(
                index="1040",
                parent="1000",
                cls="module",
                name="Switch 1 - FRU Uplink Module 1",
                model="C9300-NM-8X",
                serial="FOC22334LMN",
                hardware_rev="V01",
            ),
        ),
        software=(
            Software(name="cat9k_iosxe", version="17.09.04a", kind="image", source="ios-xe"),
        ),
        neighbors=(
            Neighbor(
                protocol="lldp",
                local_port="Te1/1/1",
                remote_name="core1.example.net",
                remote_port="xe-0/1/0",
                remote_chassis_id="b0:33:a6:12:34:00",
            ),
        ),
        identifiers=Identifiers(
            os_cpe="cpe:2.3:o:cisco:ios_xe:17.9.4a:*:*:*:*:*:*:*",
            hardware_cpe="cpe:2.3:h:cisco:catalyst_9300-48p:-:*:*:*:*:*:*:*",
        ),
        provenance=(Provenance(field="os.version", method="snmp", source="1.3.6.1.2.1.1.1.0"),),
    )


def core1() -> DeviceRecord:
    return DeviceRecord(
        target=Target(id="par1-core1", address="10.10.0.1", port=22, transport="ssh"),
        agent_id="agent-par1",
        collected_at="2026-11-26T07:58:40Z",
        report_id="8d0f4a6c-9b1e-4f2a-8c3d-1e2f3a4b5c6d",
        hostname="core1",
        vendor="Juniper Networks",
        model="MX204",
        serial="BH1234AA0012",
        chassis_id="b0:33:a6:12:34:00",
        os=OsInfo(family="junos", version="21.4R3-S5", name="Junos OS"),
        neighbors=(
            Neighbor(
                protocol="lldp",
                local_port="xe-0/1/0",
                remote_name="sw1.par1.example.net",
                remote_port="Te1/1/1",
            ),
        ),
    )


def test_records_are_sorted_by_name_and_links_derived() -> None:
    config = build_configuration("paris-campus", AT, [sw1(), core1()])

    assert [r.name for r in config.records] == ["core1", "sw1.par1.example.net"]
    assert len(config.links) == 1
    assert not config.links[0].one_sided
    assert config.at == AT
    assert config.network == "paris-campus"


def test_fingerprint_is_a_sha256_hex() -> None:
    value = fingerprint(build_configuration("paris-campus", AT, [sw1(), core1()]))
    assert len(value) == 64
    int(value, 16)


def test_fingerprint_is_of_the_bytes_json_dumps_writes() -> None:
    """The fingerprint's JSON (orjson) is byte for byte the standard library's compact, sorted
    JSON, hostile strings included: fingerprints taken before stay comparable."""
    import hashlib
    import json

    from netsbom.topology.configuration import canonical_form

    odd = dataclasses.replace(
        sw1(), hostname='sw1 \u2603 \U0001f600\t\x00\x1f\x7f"\\/ \u2028', serial="Zürich"
    )
    config = build_configuration("paris-campus", AT, [odd, core1()])
    text = json.dumps(
        canonical_form(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert fingerprint(config) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_fingerprint_ignores_how_and_when_it_was_observed() -> None:
    base = fingerprint(build_configuration("paris-campus", AT, [sw1(), core1()]))
    repolled = dataclasses.replace(
        sw1(),
        report_id="0b5e2f1a-7c3d-4e9f-a1b2-c3d4e5f60718",
        collected_at="2026-11-27T07:58:12Z",
        agent_id="agent-par1-b",
        provenance=(Provenance(field="os.version", method="ssh", source="show version"),),
        errors=(ErrorInfo(kind="timeout", message="hrSWInstalled walk timed out"),),
        complete=False,
    )

    assert (
        fingerprint(
            build_configuration("paris-campus", "2026-11-27T08:00:00Z", [core1(), repolled])
        )
        == base
    )


def test_fingerprint_ignores_record_and_collection_order() -> None:
    record = sw1()
    shuffled = dataclasses.replace(
        record,
        components=tuple(reversed(record.components)),
        software=tuple(reversed(record.software)),
    )
    assert fingerprint(build_configuration("n", AT, [record, core1()])) == fingerprint(
        build_configuration("n", AT, [core1(), shuffled])
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda r: dataclasses.replace(r, os=dataclasses.replace(r.os, version="17.9.5")),
        lambda r: dataclasses.replace(
            r,
            components=(
                dataclasses.replace(r.components[0], firmware_rev="17.12.1r"),
                *r.components[1:],
            ),
        ),
        lambda r: dataclasses.replace(r, software=()),
        lambda r: dataclasses.replace(r, serial="FOC9999Z0ZZ"),
        lambda r: dataclasses.replace(r, neighbors=()),  # the link becomes one-sided
    ],
    ids=["os-version", "firmware-rev", "software", "serial", "link"],
)
def test_fingerprint_changes_with_the_configuration(
    change: Callable[[DeviceRecord], DeviceRecord],
) -> None:
    base = fingerprint(build_configuration("n", AT, [sw1(), core1()]))
    assert fingerprint(build_configuration("n", AT, [change(sw1()), core1()])) != base


def test_canonical_form_leaves_out_observation_details() -> None:
    text = repr(canonical_form(build_configuration("n", AT, [sw1(), core1()])))
    for volatile in ("report_id", "collected_at", "agent_id", "provenance", "3f6c1b8e", "07:58:12"):
        assert volatile not in text


def test_timestamps_are_normalised_to_utc_seconds() -> None:
    assert normalize_timestamp("2026-11-26T09:00:00.250+01:00") == "2026-11-26T08:00:00Z"
    assert build_configuration("n", "2026-11-26T08:00:00+00:00", []).at == AT


@pytest.mark.parametrize("value", ["2026-11-26T08:00:00", "yesterday", ""])
def test_bad_timestamps_are_refused(value: str) -> None:
    with pytest.raises(ExportError):
        build_configuration("n", value, [])


def test_a_network_name_is_required() -> None:
    with pytest.raises(ExportError):
        build_configuration(" ", AT, [])
