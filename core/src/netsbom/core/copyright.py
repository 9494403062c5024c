"""Copyright notices a device prints about its own software (sysDescr, ``show version``).

    copyright_notice("... RELEASE SOFTWARE Copyright (c) 2002-2023 by Cisco Systems, Inc. Compiled")
        -> "Copyright (c) 2002-2023 by Cisco Systems, Inc."

Generic, not per vendor: a notice starts at the word ``Copyright`` (or ``(c)``/``©`` followed by
a year) and ends at the end of its line, at ``All rights reserved`` or at the first full stop
that is not inside a company suffix (``Co. Ltd.``). Distinct notices are joined by a
newline, in the order printed. A pure function: the SSH path applies it to the output that names
the device's OS version, the SBOM builder to the record's sysDescr.
"""

from __future__ import annotations

import re

__all__ = ["copyright_notice"]

_START = re.compile(r"(?:\bcopyright\b|(?:\(c\)|©)\s*(?=(?:19|20)\d\d))", re.IGNORECASE)
# What a notice must contain after its start to be one: a year or a holder's name
_BODY = re.compile(r"[A-Za-z]{2,}|(?:19|20)\d\d")
_STOP = re.compile(r"\ball rights reserved\b|\s{3,}|\t", re.IGNORECASE)
# Company suffixes: a full stop between two of them does not end a notice (``Co. Ltd.``)
_SUFFIXES = frozenset(
    {"inc", "ltd", "co", "corp", "llc", "gmbh", "ag", "sa", "s.a", "ab", "oy", "plc", "bv", "nv"}
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_WORD_AFTER = re.compile(r"\s*([\w.]+)")
_MAX_LENGTH = 200  # a notice is one sentence; longer is text that happens to say "copyright"


def copyright_notice(text: str | None) -> str | None:
    """The device's copyright notices in ``text`` (one per line), or None."""
    if not text:
        return None
    notices: list[str] = []
    for line in text.splitlines():
        match = _START.search(line)
        while match is not None:
            notice, length = _notice(line[match.start() :])
            if notice and notice not in notices:
                notices.append(notice)
            match = _START.search(line, match.start() + max(length, 1))
    return "\n".join(notices) or None


def _notice(rest: str) -> tuple[str | None, int]:
    """The notice at the start of ``rest`` (None if it is not one) and how much it spans."""
    stop = _STOP.search(rest)
    if stop is not None:
        rest = rest[: stop.start()]
    end = len(rest)
    for dot in re.finditer(r"\.(?=\s|$)", rest):
        before = _WORD_BEFORE.search(rest[: dot.start()])
        after = _WORD_AFTER.match(rest, dot.end())
        if not (before and after and _suffix(before.group(1)) and _suffix(after.group(1))):
            end = dot.end()
            break
    notice = " ".join(rest[:end].split()).rstrip(" ,;")
    head = _START.match(notice)
    body = notice[head.end() :] if head else notice
    if len(notice) > _MAX_LENGTH or not _BODY.search(body):
        return None, end
    return notice, end


def _suffix(word: str) -> bool:
    return word.lower().rstrip(".") in _SUFFIXES
