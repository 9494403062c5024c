"""Digests of the running image a device reports in its version output (issue 17: hashes
"where a device reports them"), carried by the record, the contract and the SBOM."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from netsbom.agent.platforms import get_platform, parse_outputs
from netsbom.agent.platforms.base import image_digests
from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.model import Hash, walk
from netsbom.core.record import OsInfo, Software, record_from_dict, record_to_dict
from netsbom.proto.convert import from_report, to_report
from netsbom.topology.configuration import build_configuration
from tests.conftest import make_record

# a real Cisco Small Business switch's `show version` (ntc-templates' recording)
SG300 = (
    Path(__file__).parents[2]
    / "data/cli/ntc/version/cisco_s300/show_version/cisco_s300_show_version2.raw"
).read_text()
MD5 = "6f5be217100f34929986f2e93dd2d5e9"


def test_the_active_images_digest_from_a_real_show_version() -> None:
    assert image_digests(SG300) == (("MD5", MD5),)
    other = SG300.replace(f"MD5 Digest: {MD5}", "MD5 Digest: " + "0" * 32)
    first, second = SG300.split("Inactive-image")
    # a different inactive image: still the active one's; no active digest: nothing
    assert image_digests(first + "Inactive-image" + other.split("Inactive-image")[1]) == (
        ("MD5", MD5),
    )
    assert image_digests(first.replace(MD5, "") + "Inactive-image" + second) == ()
    assert image_digests("SHA-512 hash: abc\nMD5: 1234\n") == ()  # lengths that fit no digest
    sha = "a" * 128
    assert image_digests(f"SHA-512 hash: {sha}\n") == (("SHA-512", sha),)


def test_the_generic_driver_reports_it_and_the_sbom_carries_it() -> None:
    outputs = {"show version": SG300}
    partial, provenance = parse_outputs(get_platform("generic"), outputs)
    assert partial.os_version == "2.4.0.94" and partial.os_hashes == (("MD5", MD5),)
    assert any(p.field == "os.hashes" for p in provenance)
    record = replace(
        make_record("sg1"), os=OsInfo("ios", "2.4.0.94", name="x", hashes=partial.os_hashes)
    )
    doc = build_document(build_configuration("lab", "2026-11-20T10:00:00Z", [record]))
    os = next(c for c, _ in walk(doc.components) if c.kind == "os")
    assert os.hashes == (Hash("MD5", MD5),)


def test_new_record_fields_survive_json_and_protobuf() -> None:
    record = replace(
        make_record("edge1"),
        os=OsInfo(
            "ios-xe",
            "17.9.4a",
            copyright="Copyright (c) 1986-2023 by Cisco Systems, Inc.",
            hashes=(("MD5", MD5), ("SHA-512", "b" * 128)),
        ),
        software=(Software("bash", "5.2.26-1.fc39", source="rpm", licence="GPL-3.0-or-later"),),
    )
    assert record_from_dict(record_to_dict(record)) == record
    assert from_report(to_report(record)) == record


def test_a_digest_that_is_none_is_dropped_not_written() -> None:
    """A broken or hostile agent's hash cannot make the document invalid."""
    bad = (("MD5", "xyz"), ("CRC", "1234"), ("SHA-512", "B" * 128))
    record = replace(make_record("sg1"), os=OsInfo("ios", "1.0", hashes=bad))
    doc = build_document(build_configuration("lab", "2026-11-20T10:00:00Z", [record]))
    os = next(c for c, _ in walk(doc.components) if c.kind == "os")
    assert os.hashes == (Hash("SHA-512", "b" * 128),)
    dropped = [v for k, v in os.properties if k == "netsbom:invalid:hash"]
    assert len(dropped) == 2 and not any("xyz" in v for v in dropped)
