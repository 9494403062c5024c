"""Fleet questions over a configuration: which devices, which firmware, who drifts.

    devices_rows(config)    one row per device
    firmware_rows(config)   firmware (OS) versions by vendor / model / family, with counts
    drift_rows(config)      devices of one model (and role) that run a version other than the
                            majority of their group, with the majority version shown
    render_rows(columns, rows, "table" | "json" | "csv")

A group's majority is its most common version; ties go to the highest version (natural order:
``17.9.4a`` > ``17.12.1`` is decided digit by digit, so ``17.12`` wins over ``17.9``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from netsbom.core.errors import ConfigError
from netsbom.core.record import DeviceRecord
from netsbom.topology.configuration import Configuration
from netsbom.topology.diff import format_table

__all__ = [
    "DEVICE_COLUMNS",
    "DRIFT_COLUMNS",
    "FIRMWARE_COLUMNS",
    "devices_rows",
    "drift_rows",
    "firmware_rows",
    "render_rows",
]

Row = dict[str, str | int | None]
DEVICE_COLUMNS = ("device", "vendor", "model", "serial", "os_family", "os_version", "site",
                  "role", "collected_at", "complete", "flags")  # fmt: skip
FIRMWARE_COLUMNS = ("vendor", "model", "os_family", "os_version", "count")
DRIFT_COLUMNS = ("model", "role", "device", "os_version", "majority_version", "majority_count",
                 "group_size")  # fmt: skip
_DIGITS = re.compile(r"(\d+)")


def version_sort_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order of version texts (numbers compared as numbers), for sorting tables."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _DIGITS.split(version) if p)


def devices_rows(config: Configuration) -> list[Row]:
    flagged: dict[str, list[str]] = defaultdict(list)
    for flag in config.flags:
        for device in flag.devices:
            flagged[device].append(flag.kind)
    return [
        {
            "device": r.name,
            "vendor": r.vendor,
            "model": r.model,
            "serial": r.serial,
            "os_family": r.os.family,
            "os_version": r.os.version,
            "site": r.target.label("site"),
            "role": r.target.label("role"),
            "collected_at": r.collected_at,
            "complete": "yes" if r.complete else "no",
            "flags": ",".join(sorted(set(flagged.get(r.name, ())))) or None,
        }
        for r in config.records
    ]


def firmware_rows(config: Configuration) -> list[Row]:
    counts: Counter[tuple[str, str, str, str]] = Counter(
        (r.vendor or "", r.model or "", r.os.family or "", r.os.version or "")
        for r in config.records
    )
    return [
        {
            "vendor": vendor or None,
            "model": model or None,
            "os_family": family or None,
            "os_version": version or None,
            "count": count,
        }
        for (vendor, model, family, version), count in sorted(
            counts.items(), key=lambda item: (*item[0][:3], version_sort_key(item[0][3]))
        )
    ]


def _majority(versions: Counter[str]) -> tuple[str, int]:
    return max(versions.items(), key=lambda item: (item[1], version_sort_key(item[0])))


def drift_rows(config: Configuration) -> list[Row]:
    groups: dict[tuple[str, str], list[DeviceRecord]] = defaultdict(list)
    for record in config.records:
        if record.model and record.os.version:
            groups[(record.model, record.target.label("role") or "")].append(record)
    rows: list[Row] = []
    for (model, role), members in sorted(groups.items()):
        versions = Counter(r.os.version or "" for r in members)
        if len(versions) < 2:
            continue
        majority, majority_count = _majority(versions)
        for record in sorted(members, key=lambda r: r.name):
            if record.os.version != majority:
                rows.append(
                    {
                        "model": model,
                        "role": role or None,
                        "device": record.name,
                        "os_version": record.os.version,
                        "majority_version": majority,
                        "majority_count": majority_count,
                        "group_size": len(members),
                    }
                )
    return rows


def render_rows(columns: Sequence[str], rows: Sequence[Row], fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps(
                [{c: row.get(c) for c in columns} for row in rows], indent=2, ensure_ascii=False
            )
            + "\n"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        return buffer.getvalue()
    if fmt == "table":
        table = [tuple(c.upper() for c in columns)]
        table += [
            tuple("-" if row.get(c) is None else str(row.get(c)) for c in columns) for row in rows
        ]
        return format_table(table)
    raise ConfigError(f"unknown output format {fmt!r} (table, json, csv)")
