"""SMBIOS (DMI) strings as firmware leaves them: an unset field holds a placeholder, not a value.

DMTF DSP0134 strings are free text; a BIOS vendor's template fills the fields a board maker did
not set with its own default ("To Be Filled By O.E.M.", "System Serial Number", "Default
string"). Read over SSH (sysfs, dmidecode) or over SNMP (LibreNMS's DMI extends), such a field
states nothing.
"""

from __future__ import annotations

import re

# the defaults of the common BIOS vendors' templates
_PLACEHOLDERS = re.compile(
    r"(?i)^(?:not specified|not present|to be filled by o\.?e\.?m\.?|default string|"
    r"system (?:serial number|product name|manufacturer)|0[0 ]*|1234567890|0123456789|none)$"
)


def is_placeholder(value: str) -> bool:
    """A BIOS template's placeholder for an unset field."""
    return bool(_PLACEHOLDERS.match(value.strip()))
