"""How companies write their legal form after their name: "Juniper Networks, Inc.", "Acme GmbH",
"Acme Co., Ltd." One list serves the IANA registry's names, the makers a sysDescr names and the
makers' names NVD leaves out of a hardware CPE."""

from __future__ import annotations

import re

# a legal form, its dots optional ("S.A", "SA"; "Inc." as "Inc"); case as companies write it
LEGAL_FORM = (
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Ltd|Limited|LLC|GmbH|AG|S\.?A|B\.?V|Pty|PLC|Oy|AB"
    r"|AS|SRL|S\.?p\.?A|K\.?K)\.?"
)
_ONE_FORM = re.compile(LEGAL_FORM, re.IGNORECASE)


def is_legal_form(word: str) -> bool:
    """``Inc.``, ``ltd``, ``GmbH,``: a legal form alone (a trailing comma ignored)."""
    return _ONE_FORM.fullmatch(word.rstrip(",")) is not None
