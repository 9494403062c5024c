"""Texts that stand where a value was never set: one list of them, for every reader.

- A device's own output says "N/A", "unknown" or "-" for a field it does not know
  (:func:`states_nothing`: what CLI parsers turn into None).
- A BIOS vendor's template fills the SMBIOS (DMTF DSP0134) fields a board maker did not set with
  its default, "To Be Filled By O.E.M.", "System Serial Number", "Default string"
  (:func:`is_bios_default`), read over SSH (sysfs, dmidecode) or SNMP (LibreNMS's DMI extends).
- A serial number that is one of those, one character repeated (``000000000000``, ``XXXXXX``)
  or a counting run (``12345678``) names no unit (:func:`is_placeholder_serial`): it is kept as
  the device states it, but never identifies a device.
"""

from __future__ import annotations

import re

# what a device prints for a field it does not know
_NO_VALUE = frozenset(
    {"", "n/a", "na", "none", "unknown", "not available", "not advertised", "-", "null"}
)
# the defaults of the common BIOS vendors' templates
_BIOS_DEFAULT = re.compile(
    r"(?i)^(?:not specified|not present|to be filled by o\.?e\.?m\.?|default string|"
    r"system (?:serial number|product name|manufacturer)|0[0 ]*|1234567890|0123456789|none)$"
)
# one character repeated, a serial's label written as its value, a counting run
_NOT_A_SERIAL = re.compile(r"(?i)(?:(.)\1*|not applicable|serial ?no|123456789?0?)")


def states_nothing(text: str) -> bool:
    """``N/A``, ``unknown``, ``-`` ... (case ignored, ``text`` stripped by the caller)."""
    return text.casefold() in _NO_VALUE


def is_bios_default(text: str) -> bool:
    """A BIOS template's placeholder for an unset SMBIOS field."""
    return bool(_BIOS_DEFAULT.match(text.strip()))


def is_placeholder_serial(text: str) -> bool:
    """A serial that names no unit: nothing stated, a BIOS default, one character repeated or
    a counting run."""
    text = text.strip()
    return states_nothing(text) or is_bios_default(text) or bool(_NOT_A_SERIAL.fullmatch(text))
