"""Golden snapshots of the exports: every format of the sample campus, of a small fleet made of
the lab's device profiles, and of the campus with VEX, compared byte for byte with
tests/data/golden/. Volatile fields are frozen (the tool version); times come from the data.

Refresh after an intended change, then review the diff like code::

    NETSBOM_REFRESH_GOLDEN=1 .venv/bin/pytest -q tests/collector/sbom/test_golden.py
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from pathlib import Path
from typing import Any

import pytest

from netsbom.collector.export import FORMATS, write_document
from netsbom.collector.sbom.build import build_document
from netsbom.collector.sbom.model import Document
from netsbom.topology.configuration import build_configuration
from tests.conftest import VULN_DATA

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "golden"
REFRESH = os.environ.get("NETSBOM_REFRESH_GOLDEN") == "1"
SUFFIX = {
    "cyclonedx-json": "cdx.json",
    "cyclonedx-xml": "cdx.xml",
    "spdx-json": "spdx.json",
    "spdx3-jsonld": "spdx3.jsonld",
}
CASES = ("campus", "fleet", "campus-vex")


@pytest.fixture(scope="module")
def documents(lab: Any) -> dict[str, Document]:
    from netsbom.lab.fleet import synthetic_fleet
    from netsbom.vuln.assess import assess
    from netsbom.vuln.feeds import load_feeds

    campus = build_configuration(lab.network, lab.at, lab.campus())
    fleet = build_configuration("lab-fleet", lab.at, synthetic_fleet(6, links=8))
    assessments = list(assess(campus.records, load_feeds(VULN_DATA)))
    built = {
        "campus": build_document(campus),
        "fleet": build_document(fleet),
        "campus-vex": build_document(campus, assessments),
    }
    return {name: dataclasses.replace(doc, tool_version="0.0.0") for name, doc in built.items()}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_export_matches_its_golden_file(
    documents: dict[str, Document], case: str, fmt: str
) -> None:
    if REFRESH and os.environ.get("CI"):
        pytest.fail("NETSBOM_REFRESH_GOLDEN is for developers, never for CI")
    data = write_document(documents[case], fmt)
    path = GOLDEN / f"{case}.{SUFFIX[fmt]}"
    if REFRESH:
        path.write_bytes(data)
    assert path.exists(), f"{path} missing: run with NETSBOM_REFRESH_GOLDEN=1"
    expected = path.read_bytes()
    if data != expected:
        diff = difflib.unified_diff(
            expected.decode().splitlines(), data.decode().splitlines(), "golden", "now", n=1
        )
        pytest.fail(
            f"{path.name} differs (NETSBOM_REFRESH_GOLDEN=1 to accept):\n"
            + "\n".join(list(diff)[:40])
        )


def test_campus_vex_golden_has_vulnerabilities() -> None:
    """The VEX case is not an empty assessment by accident."""
    text = (GOLDEN / "campus-vex.cdx.json").read_text()
    assert '"vulnerabilities"' in text and '"analysis"' in text
