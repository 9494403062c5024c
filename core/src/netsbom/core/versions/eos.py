"""Arista EOS: ``4.30.2F``, ``4.25.10M``, ``4.21.14m``, ``4.30.2.1F``.

Train = ``4.30`` (lineage ``eos``). F (feature) and M (maintenance) mark maturity, not order:
``4.25.1F < 4.25.10M``. Position = (maintenance, sub-release).
"""

from __future__ import annotations

import re

from netsbom.core.versions.base import Version, major_minor, matched, number

_EOS = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<maint>\d+))?(?:\.(?P<sub>\d+))?(?P<mark>[FM])?$",
    re.IGNORECASE,
)


def parse(text: str, family: str = "eos") -> Version:
    raw, match = matched(_EOS, text, "an EOS version")
    position = (number(match["maint"]), number(match["sub"]))
    return major_minor(family, raw, match, position, train_only=match["maint"] is None)
