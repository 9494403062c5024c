"""Identifiers that come from outside and go into files, paths and SBOMs: checked here, once.

- ids (report ids, agent ids): 1-64 letters, digits, ``-``, ``_``, ``.`` or ``:``, not ``.`` or
  ``..`` — safe as a file name, a path component and a database key;
- package URLs: parsed by packageurl-python (the purl reference implementation) and made only of
  URI characters, so they stay valid as ``xs:anyURI`` (CycloneDX XML) and in SPDX
  ``externalRefs``;
- CPE 2.3 formatted strings: the grammar of NISTIR 7695 §6.2 as the CPE 2.3 dictionary schema
  writes it (what SPDX 2.3 ``cpe23Type`` and CycloneDX ``cpe`` expect).

Each ``*_problem`` function returns None for a valid value, else a short reason (never the value
itself, which may be long); ingest and export both call them.
"""

from __future__ import annotations

import functools
import re

__all__ = ["cpe23_problem", "id_problem", "is_valid_cpe23", "is_valid_purl", "purl_problem"]

ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")

# NISTIR 7695 §6.2.1 (cpe23Type in cpe-dictionary_2.3.xsd): part, then vendor, product, version,
# update, edition, language, sw_edition, target_sw, target_hw, other.
_AVSTRING = (
    r"""(((\?*|\*?)([a-zA-Z0-9\-._]|(\\[\\*?!"#$%&'()+,/:;<=>@\[\]^`{|}~]))+(\?*|\*?))|[*\-])"""
)
_LANGUAGE = r"(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[*\-])"
CPE23 = re.compile(rf"cpe:2\.3:[aho*\-](:{_AVSTRING}){{5}}(:{_LANGUAGE})(:{_AVSTRING}){{4}}")

# RFC 3986 characters (unreserved, reserved) and well-formed percent-encodings.
_URI = re.compile(r"([A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")
MAX_IDENTIFIER = 2048


def id_problem(text: str, what: str = "id") -> str | None:
    """Why ``text`` is not a valid report or agent id, or None."""
    if not ID.fullmatch(text) or text in (".", ".."):
        return f"{what} must be 1-64 letters, digits, '-', '_', '.' or ':' (not '.' or '..')"
    return None


@functools.lru_cache(maxsize=65536)  # fleets repeat the same packages on every device
def purl_problem(text: str) -> str | None:
    """Why ``text`` is not a usable package URL, or None."""
    from packageurl import PackageURL

    if len(text) > MAX_IDENTIFIER:
        return f"longer than {MAX_IDENTIFIER} characters"
    if not _URI.fullmatch(text):
        return "characters that are not allowed in a URI (encode them as %XX)"
    try:
        PackageURL.from_string(text)
    except ValueError as exc:
        return str(exc).split(":", 1)[0].rstrip(".")
    return None


@functools.lru_cache(maxsize=65536)
def cpe23_problem(text: str) -> str | None:
    """Why ``text`` is not a CPE 2.3 formatted string, or None."""
    if len(text) > MAX_IDENTIFIER:
        return f"longer than {MAX_IDENTIFIER} characters"
    if not CPE23.fullmatch(text):
        return "not a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:... 13 parts)"
    return None


def is_valid_purl(text: str) -> bool:
    return purl_problem(text) is None


def is_valid_cpe23(text: str) -> bool:
    return cpe23_problem(text) is None
