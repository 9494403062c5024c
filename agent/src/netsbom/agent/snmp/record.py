"""Write what the agent read from a device as an snmpsim ``.snmprec`` recording.

The recording holds exactly the varbinds of one poll (the same plan: standard subtrees, vendor
objects' first instances), so replaying it gives the record the live poll gave. Values keep the
type the device answered with when known (``view.tags``); text that is not plain printable ASCII
is written hex-encoded (``4x``), so any byte survives.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from netsbom.agent.snmp.view import IpAddress, ObjectId, SnmpView, dotted
from netsbom.core.errors import ConfigError

if TYPE_CHECKING:
    from netsbom.agent.inventory import SnmpSettings

_PLAIN = set(range(0x20, 0x7F)) - {ord("|")}
_INTEGER_TAGS = {2, 65, 66, 67, 70}


def snmprec_lines(view: SnmpView) -> list[str]:
    lines: list[str] = []
    for oid in sorted(view.values):
        value = view.values[oid]
        tag = view.tags.get(oid)
        if value is None:
            lines.append(f"{dotted(oid)}|5|")
        elif isinstance(value, IpAddress):
            lines.append(f"{dotted(oid)}|64|{value}")
        elif isinstance(value, ObjectId):
            lines.append(f"{dotted(oid)}|6|{value.dotted()}")
        elif isinstance(value, int):
            lines.append(f"{dotted(oid)}|{tag if tag in _INTEGER_TAGS else 2}|{value}")
        else:
            bytes_tag = 68 if tag == 68 else 4
            if value and all(byte in _PLAIN for byte in value) and value.strip() == value:
                lines.append(f"{dotted(oid)}|{bytes_tag}|{value.decode('ascii')}")
            else:
                lines.append(f"{dotted(oid)}|{bytes_tag}x|{value.hex()}")
    return lines


def write_snmprec(view: SnmpView, path: Path) -> int:
    """Write the recording atomically; returns the number of varbinds written."""
    lines = snmprec_lines(view)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("".join(line + "\n" for line in lines), encoding="ascii")
    temporary.replace(path)
    return len(lines)


def record_device(
    address: str, settings: SnmpSettings, out: Path, *, deadline: float
) -> tuple[int, list[str]]:
    """Poll one device and write what was read to ``out``; returns (varbinds, error lines).

    Raises ConfigError when nothing at all was read (no file is written then)."""
    from netsbom.agent.snmp.walk import collect

    view = asyncio.run(collect(address, settings, deadline=deadline))
    if not view.values:
        reasons = "; ".join(e.message for e in view.errors) or "no answer"
        raise ConfigError(f"{address}: nothing recorded ({reasons})")
    count = write_snmprec(view, out)
    errors = [f"error [{e.kind}] {e.source or ''} {e.message}" for e in view.errors]
    return count, errors
