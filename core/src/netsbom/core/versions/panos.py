"""Palo Alto PAN-OS: ``10.2.4``, ``10.2.4-h2`` (hotfix), ``10.2`` (a whole train).

Train = ``10.2`` (lineage ``panos``). Position = (maintenance, hotfix); the branch is the
maintenance release, so "fixed in 10.1.11-h1 and 10.1.12" covers 10.1.11-h3 and 10.1.13.
NVD writes hotfixes in the CPE update field (``pan-os:11.0.2:h4``).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, VersionError, major_minor, matched, number

_PANOS = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<maint>\d+))?(?:[-.]?h(?P<hotfix>\d+))?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "panos") -> Version:
    raw, match = matched(_PANOS, text, "a PAN-OS version")
    position = (number(match["maint"]), number(match["hotfix"]))
    return major_minor(
        family, raw, match, position, train_only=match["maint"] is None, branch_len=1
    )


def cpe_text(version: str, update: str) -> str:
    return f"{version}-{update}" if update.lower().startswith("h") else version


def cpe_fields(text: str) -> tuple[str, str]:
    """NVD writes hotfixes in the update field, ``-`` for none: ``10.2.2-h2`` -> (``10.2.2``,
    ``h2``)."""
    match = _PANOS.match(text.strip())
    if not match or match["maint"] is None:
        raise VersionError(f"not a PAN-OS release: {text!r}")
    base = f"{match['major']}.{match['minor']}.{match['maint']}"
    return base, f"h{match['hotfix']}" if match["hotfix"] else "-"
