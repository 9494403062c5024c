"""The registration-MIB facts netsbom ships: sysObjectID -> product name, identity scalars.

``../shared/mibs`` (netdisco-mibs' registration MIBs of about 50 vendors) is scanned by
:mod:`netsbom.agent.snmp.mibs`; what that scan concludes (each registered product's OID, name and
display name; each identity scalar's OID, field and name) is written here as a compact table,
``agent/fingerprints/registrations.tsv.gz`` — facts, not the MIB files, which stay out of the
repository. The agent uses it when no MIB folder of the operator's answers, so a poll without
``--mibs`` still names products. Regenerate after the MIB folder changes::

    python -m netsbom.agent.snmp.mibtable ../shared/mibs           # write
    python -m netsbom.agent.snmp.mibtable ../shared/mibs --check   # compare, exit 1 on a change

Lines: ``P<TAB>arcs<TAB>module<TAB>name<TAB>short`` and ``I<TAB>arcs<TAB>module<TAB>name<TAB>
field``, arcs below ``1.3.6.1.4.1``, sorted; gzip without a timestamp, so the bytes are stable.

IANA's registry of private enterprise numbers ships the same way, as
``agent/fingerprints/enterprises.tsv.gz`` (``number<TAB>organisation``, the names cleaned by
:func:`netsbom.agent.snmp.mibs.parse_enterprises`): the maker of a device no vendor file knows.
The registry is public; its source is IANA's ``enterprise-numbers`` file or Wireshark's copy of
it (``/usr/share/wireshark/enterprises.tsv`` of Debian's ``libwireshark-data``)::

    python -m netsbom.agent.snmp.mibtable ../shared/mibs --enterprises FILE           # write both
    python -m netsbom.agent.snmp.mibtable ../shared/mibs --enterprises FILE --check   # compare
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, cast

from netsbom.agent.snmp.mibs import (
    ENTERPRISES,
    IDENTITY_NAMES,
    IdentityObject,
    MibIndex,
    Product,
    identity_field,
    load,
    order_identity,
    parse_enterprises,
)
from netsbom.agent.snmp.view import Oid

TABLE = Path(__file__).resolve().parent.parent / "fingerprints" / "registrations.tsv.gz"
ENTERPRISE_TABLE = TABLE.with_name("enterprises.tsv.gz")
SOURCE = "netsbom registrations table"


def lines(index: MibIndex) -> list[str]:
    """The table's lines for what ``index`` knows (enterprise OIDs only)."""
    found: list[str] = []
    for oid in index.names:
        if oid[: len(ENTERPRISES)] != ENTERPRISES or len(oid) <= len(ENTERPRISES):
            continue
        product = index.product(oid)
        if product is not None:
            found.append(f"P\t{_arcs(oid)}\t{product.module}\t{product.name}\t{product.short}")
    for items in index.identity.values():
        for item in items:
            found.append(f"I\t{_arcs(item.oid)}\t{item.module}\t{item.name}\t{item.field}")
    return sorted(set(found))


def encode(table_lines: list[str]) -> bytes:
    return gzip.compress(("\n".join(table_lines) + "\n").encode(), mtime=0)


def _arcs(oid: Oid) -> str:
    return ".".join(str(arc) for arc in oid[len(ENTERPRISES) :])


@dataclass(frozen=True)
class Table:
    """The shipped facts, answering like a :class:`MibIndex` for products and identity scalars."""

    products: dict[Oid, Product]
    identity: dict[int, list[IdentityObject]]

    def product(self, oid: Oid) -> Product | None:
        return self.products.get(oid)

    def identity_objects(self, sys_oid: Oid) -> tuple[IdentityObject, ...]:
        if len(sys_oid) <= len(ENTERPRISES) or sys_oid[: len(ENTERPRISES)] != ENTERPRISES:
            return ()
        return order_identity(self.identity.get(sys_oid[len(ENTERPRISES)], []), sys_oid)


def parse(data: bytes) -> Table:
    products: dict[Oid, Product] = {}
    identity: dict[int, list[IdentityObject]] = defaultdict(list)
    for line in gzip.decompress(data).decode().splitlines():
        kind, arcs, module, name, last = line.split("\t")
        oid = (*ENTERPRISES, *(int(arc) for arc in arcs.split(".")))
        if kind == "P":
            products[oid] = Product(name=name, short=last, module=module)
        elif kind == "I" and last in IDENTITY_NAMES and identity_field(name) in (None, last):
            # the name says the field, or (None) the object's DESCRIPTION did when scanned
            field = cast(Literal["serial", "version", "model"], last)
            identity[oid[len(ENTERPRISES)]].append(IdentityObject(field, oid, name, module))
    return Table(products, dict(identity))


@cache
def bundled() -> Table:
    """The table shipped with netsbom (empty if it is missing)."""
    try:
        return parse(TABLE.read_bytes())
    except (OSError, ValueError, EOFError):
        return Table({}, {})


def enterprise_lines(organizations: dict[int, str]) -> list[str]:
    """The enterprise table's lines, by number."""
    return [f"{number}\t{name}" for number, name in sorted(organizations.items())]


@cache
def organizations() -> dict[int, str]:
    """Private enterprise number -> organisation, from the table shipped with netsbom."""
    try:
        return parse_enterprises(gzip.decompress(ENTERPRISE_TABLE.read_bytes()).decode())
    except (OSError, ValueError, EOFError):
        return {}


def _write_or_check(path: Path, wanted: list[str], check: bool) -> int:
    if check:  # the content, not the bytes (zlib builds may compress differently)
        current = gzip.decompress(path.read_bytes()).decode() if path.exists() else ""
        if current.splitlines() != wanted:
            print(f"Error: {path} is out of date: regenerate it", file=sys.stderr)
            return 1
        return 0
    data = encode(wanted)
    path.write_bytes(data)
    print(f"wrote {path} ({len(data)} bytes, {len(wanted)} lines)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mibs", type=Path, help="the MIB folder (../shared/mibs)")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument(
        "--enterprises",
        type=Path,
        metavar="FILE",
        help="IANA's enterprise-numbers file or Wireshark's enterprises.tsv: also write (or "
        "check) the shipped enterprise table",
    )
    args = parser.parse_args(argv)
    if not args.mibs.is_dir():
        print(f"Error: no MIB folder at {args.mibs}", file=sys.stderr)
        return 2
    status = _write_or_check(TABLE, lines(load([args.mibs])), args.check)
    if args.enterprises is not None:
        try:
            text = args.enterprises.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"Error: cannot read {args.enterprises}: {exc}", file=sys.stderr)
            return 2
        found = parse_enterprises(text)
        if not found:
            print(f"Error: no enterprise numbers in {args.enterprises}", file=sys.stderr)
            return 2
        status = max(status, _write_or_check(ENTERPRISE_TABLE, enterprise_lines(found),
                                             args.check))  # fmt: skip
    return status


if __name__ == "__main__":
    sys.exit(main())
