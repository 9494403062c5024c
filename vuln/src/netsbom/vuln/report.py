"""The people's view: assessments as a fixed-width table, highest priority first."""

from __future__ import annotations

from collections.abc import Iterable

from netsbom.vuln.assess import Assessment

_COLUMNS = ("PRIORITY", "DEVICE", "CVE", "AFFECTED", "KEV DUE", "EPSS", "REASON")
_AFFECTED = {True: "yes", False: "no", None: "unknown"}


def sort_by_priority(assessments: Iterable[Assessment]) -> list[Assessment]:
    items = list(assessments)
    items.sort(key=lambda a: (a.device, a.cve))
    items.sort(key=lambda a: a.priority, reverse=True)
    return items


def render_table(assessments: Iterable[Assessment], reason_width: int = 90) -> str:
    rows = [_COLUMNS]
    for item in sort_by_priority(assessments):
        decision = str(item.ssvc.get("decision", ""))
        deployer = item.ssvc.get("deployer_decision")
        rows.append(
            (
                f"{decision}/{deployer}" if deployer else decision,
                item.device,
                item.cve,
                _AFFECTED[item.affected],
                item.kev_due_date or ("yes" if item.kev else ""),
                "" if item.epss is None else f"{item.epss:.3f}",
                _clip(item.reason, reason_width),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
