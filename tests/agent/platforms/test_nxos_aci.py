"""NX-OS in ACI mode told apart from standalone NX-OS, on real `show version` recordings."""

from __future__ import annotations

from pathlib import Path

from netsbom.agent.platforms.nxos import parse_show_version
from tests.conftest import DATA


def _recordings() -> Path:
    return DATA / "cli" / "ntc" / "version" / "cisco_nxos" / "show_version"


def test_aci_image_makes_the_family_nxos_aci() -> None:
    found = []
    for path in sorted(_recordings().glob("*.raw")):
        text = path.read_text(encoding="utf-8", errors="replace")
        partial = parse_show_version(text)
        aci = "aci-n9000" in text
        assert partial.os_family == ("nxos-aci" if aci else "nxos"), path.name
        found.append(aci)
    assert any(found) and not all(found)  # the corpus has both modes


def test_aci_release_numbers_without_the_image_name() -> None:
    text = "Software\n  NXOS: version 16.0(3b)\nHardware\n  cisco Nexus9000 C93180YC-EX Chassis\n"
    assert parse_show_version(text).os_family == "nxos-aci"
    text = "Software\n  NXOS: version 10.3(4a)\nHardware\n  cisco Nexus9000 C93180YC-EX Chassis\n"
    assert parse_show_version(text).os_family == "nxos"
