"""Errors of the vulnerability assessment (all under :class:`netsbom.core.errors.NetsbomError`).

    NetsbomError
    └── VulnError          a feeds directory or records file that cannot be used at all
        └── FeedError      one feed file that does not parse (its CVE becomes undecidable)

Version strings and CPEs that do not parse raise ``VersionError`` / ``CpeError`` (also
NetsbomError); the assessment turns each into an undecidable result with the reason.
"""

from __future__ import annotations

from netsbom.core.errors import NetsbomError


class VulnError(NetsbomError):
    pass


class FeedError(VulnError):
    pass
