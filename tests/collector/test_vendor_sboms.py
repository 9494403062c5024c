"""Vendor product SBOMs: read real ones, attach them to a model and release, find them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.store import open_store
from netsbom.collector.vendor_sboms import (
    attach,
    attachments,
    attachments_for,
    parse_match,
    read_vendor_sbom,
)
from netsbom.core.cli import cli
from netsbom.core.errors import ConfigError
from netsbom.core.record import OsInfo
from netsbom.topology.configuration import build_configuration
from tests.conftest import make_record

DATA = Path(__file__).resolve().parents[1] / "data" / "vendor-sboms"
PYSNMP = DATA / "pysnmp-7.1.30-environment.cdx.json"  # cyclonedx-bom 7.5.0 on a pysnmp environment
CRYPTOGRAPHY = DATA / "cryptography-51.0.1-rust.cdx.json"  # shipped in the cryptography wheel


def test_real_cyclonedx_product_sboms_are_read() -> None:
    pysnmp = read_vendor_sbom(PYSNMP)
    assert (pysnmp.format, pysnmp.spec_version, pysnmp.bom_version) == ("CycloneDX", "1.6", 1)
    assert pysnmp.serial is not None and pysnmp.serial.startswith("urn:uuid:")
    assert pysnmp.bom_link == f"urn:cdx:{pysnmp.serial.removeprefix('urn:uuid:')}/1"
    crypto = read_vendor_sbom(CRYPTOGRAPHY, url="https://pypi.org/project/cryptography/51.0.1/")
    assert (crypto.name, crypto.component_version, crypto.spec_version) == (
        "cryptography-rust", "0.51.1", "1.5",
    )  # fmt: skip
    assert crypto.reference == "https://pypi.org/project/cryptography/51.0.1/"
    assert len(crypto.sha256) == 64 and len(crypto.sha512) == 128
    assert crypto.size == CRYPTOGRAPHY.stat().st_size


def _export(tmp_path: Path, fmt: str) -> Path:
    url = f"sqlite:///{tmp_path / 'export.db'}"
    store = open_store(url)
    store.write([make_record("edge1")])
    store.close()
    out = tmp_path / f"product.{fmt}"
    result = CliRunner().invoke(
        cli, ["sbom", "export", "--db", url, "--network", "lab", "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(
    ("fmt", "kind", "spec"),
    [("cyclonedx-xml", "CycloneDX", "1.6"), ("spdx-json", "SPDX-2", "2.3"),
     ("spdx3-jsonld", "SPDX-3", "3.0.1")],
)  # fmt: skip
def test_other_formats_are_read(tmp_path: Path, fmt: str, kind: str, spec: str) -> None:
    bom = read_vendor_sbom(_export(tmp_path, fmt))
    assert (bom.format, bom.spec_version) == (kind, spec)
    assert bom.serial and bom.name


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not json", "neither JSON nor XML"), (b"[1]", "a JSON object"),
     (b'{"a": 1}', "not a CycloneDX, SPDX 2 or SPDX 3 document"),
     (b"<html/>", "not a CycloneDX document"), (b"<bom", "not well-formed XML")],
)  # fmt: skip
def test_a_file_that_is_not_an_sbom_is_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        read_vendor_sbom(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [("version=1", "needs model="), ("model", "not KEY=VALUE"), ("colour=red", "unknown key"),
     ("model=a,model=b", "given twice"), ("model=a,family=nope", "not an OS family"),
     ("image-sha256=abc", "64 hex digits")],
)  # fmt: skip
def test_bad_matches_are_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_match(text)


def test_attach_and_find_per_device(store_url: str) -> None:
    store = open_store(store_url)
    try:
        pysnmp, crypto = read_vendor_sbom(PYSNMP), read_vendor_sbom(CRYPTOGRAPHY)
        # IOS XE writes 17.09.04a in its release notes, devices report 17.9.4a: one release
        assert attach(store, pysnmp, parse_match("model=C9300-*,version=17.09.04a"))
        assert not attach(store, pysnmp, parse_match("model=C9300-*,version=17.09.04a"))
        assert attach(store, crypto, parse_match("model=C9300-48P,family=ios-xe"), embed=True)
        assert attach(store, crypto, parse_match("image=cat9k_iosxe.17.09.04a.SPA.bin"))
        stored = attachments(store)
        assert [b.match for b in stored] == [
            "model=C9300-*,version=17.09.04a",
            "model=C9300-48P,family=ios-xe",
            "image=cat9k_iosxe.17.09.04a.SPA.bin",
        ]
        assert stored[0].content is None  # not embedded: only the reference and hashes
        assert stored[1].content == CRYPTOGRAPHY.read_bytes()
        current = make_record("sw1")
        image = replace(
            make_record("sw2", version="17.6.5"),
            os=OsInfo(
                family="ios-xe", version="17.6.5", image="flash:cat9k_iosxe.17.09.04a.SPA.bin"
            ),
        )
        other = replace(make_record("r1"), model="ISR4451-X/K9", components=())
        config = build_configuration("lab", "2026-11-20T10:00:00Z", [current, image, other])
        found = attachments_for(config, store)
        by_name = {
            record.name: [b.match for b in found.get(node, [])]
            for record, node in zip(config.records, config.nodes, strict=True)
        }
        assert by_name == {
            "sw1": ["model=C9300-*,version=17.09.04a", "model=C9300-48P,family=ios-xe"],
            "sw2": ["model=C9300-48P,family=ios-xe", "image=cat9k_iosxe.17.09.04a.SPA.bin"],
            "r1": [],
        }
        assert set(found) == {
            n for r, n in zip(config.records, config.nodes, strict=True) if r.name != "r1"
        }
    finally:
        store.close()


def test_attach_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    runner = CliRunner()
    args = ["sbom", "attach", "--db", url, "--vendor-sbom", str(PYSNMP), "--match", "model=X"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("attached: CycloneDX 1.6 ") and "to model=X" in first.output
    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and again.output.startswith("already attached: ")
    bad = runner.invoke(cli, [*args[:-1], "model"])
    assert bad.exit_code == 1 and bad.output.count("\n") == 1 and bad.output.startswith("Error: ")
    not_sbom = tmp_path / "n.json"
    not_sbom.write_text(json.dumps({"hello": "world"}))
    refused = runner.invoke(
        cli, ["sbom", "attach", "--db", url, "--vendor-sbom", str(not_sbom), "--match", "model=X"]
    )
    assert refused.exit_code == 1 and "not a CycloneDX" in refused.output
