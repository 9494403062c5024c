"""Identifiers from agents are checked at export (issue 15 point 4): an invalid purl or CPE
leaves its field, a ``netsbom:invalid:<field>`` property says why, and every format stays
valid (CycloneDX XML ``xs:anyURI``, SPDX 2.3 ``cpe23Type``)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from netsbom.collector.export import render_sbom
from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.model import walk
from netsbom.collector.sbom.validate import validate_cyclonedx_json, validate_cyclonedx_xml
from netsbom.core.record import Identifiers, Software
from netsbom.topology.configuration import build_configuration

BAD_PURL = "pkg:generic/cisco/ios xe@17.9.4a"  # a space: not a URI
BAD_CPE = "cpe:2.3:o:cisco:ios xe:17.9.4a"  # too few parts, a space


def test_invalid_identifiers_are_dropped_with_a_reason(
    lab: Any, tmp_path: Path, spdx2_problems: Any, spdx3_problems: Any
) -> None:
    cisco = lab.cisco_c9300()
    hostile = replace(
        cisco,
        identifiers=Identifiers(os_cpe=BAD_CPE, hardware_cpe=BAD_CPE, purl=BAD_PURL),
        software=(
            Software("guestshell", "1.2", purl=BAD_PURL, cpe=BAD_CPE),
            Software("ok", "1.0", purl="pkg:generic/cisco/ok@1.0"),
        ),
    )
    config = build_configuration(lab.network, lab.at, [hostile, lab.arista_7050()])
    doc = build_document(config)
    by_name = {c.name: c for c, _ in walk(doc.components)}
    device = by_name["sw1.par1.example.net"]
    os = next(c for c in device.children if c.kind == "os")
    guestshell = by_name["guestshell"]
    for component in (device, os, guestshell):
        assert component.cpe is None
        assert component.prop("netsbom:invalid:cpe", "").startswith("dropped: ")
    assert os.purl is None and guestshell.purl is None
    assert os.prop("netsbom:invalid:purl", "").startswith("dropped: ")
    assert by_name["ok"].purl == "pkg:generic/cisco/ok@1.0"  # valid ones stay
    assert by_name["leaf1"].children[0].cpe == "cpe:2.3:o:arista:eos:4.30.2f:*:*:*:*:*:*:*"

    validate_cyclonedx_json(render_sbom(config, "cyclonedx-json"))
    validate_cyclonedx_xml(render_sbom(config, "cyclonedx-xml"))
    assert spdx2_problems(render_sbom(config, "spdx-json"), tmp_path) == []
    spdx3 = render_sbom(config, "spdx3-jsonld")
    assert spdx3_problems(spdx3) == []
    text = json.dumps([render_sbom(config, f).decode() for f in ("cyclonedx-json", "spdx-json")])
    assert "ios xe" not in text  # the bad value itself goes nowhere
