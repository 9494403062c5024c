"""The people's view: assessments in the order to act on them, as a table, JSON or console rows.

Order (:attr:`Assessment.priority`): CISA KEV first, earliest due date first; then the SSVC
decision (Act, Attend, Track*, Track); then EPSS; pairs that cannot be decided sit among the
affected ones by the same order, with what would decide them; pairs not affected come last.

    by_priority(assessments)      -> sorted list
    priority_rows(assessments)    -> plain dicts for the web console (rank 1 = most urgent)
    render_table(assessments)     -> fixed-width text
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netsbom.vuln.assess import Assessment

_COLUMNS = ("PRIORITY", "DEVICE", "CVE", "AFFECTED", "KEV DUE", "EPSS", "REASON")
_AFFECTED = {True: "yes", False: "no", None: "unknown"}


def by_priority(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The assessments, most urgent first."""
    return sorted(assessments, key=lambda a: a.priority)


def decision_text(item: Assessment) -> str:
    """``Act`` or ``Act/Out-of-Cycle`` (coordinator / deployer decision)."""
    decision = str(item.ssvc.get("decision", ""))
    deployer = item.ssvc.get("deployer_decision")
    return f"{decision}/{deployer}" if deployer else decision


def explanation(item: Assessment) -> str:
    """The reason, led by what would decide it when the pair cannot be decided."""
    if item.affected is None and item.needs:
        return f"needs {item.needs}: {item.reason}"
    return item.reason


def priority_rows(assessments: Iterable[Assessment]) -> list[dict[str, Any]]:
    """One JSON-ready row per assessment, most urgent first (what the web console lists).

    Keys: rank, device, target, cve, affected, kev, kev_due_date, decision, deployer_decision,
    epss, epss_percentile, system_exposure, exposure_reason, reason, needs, basis."""
    return [
        {
            "rank": rank,
            "device": item.device,
            "target": item.target_id,
            "cve": item.cve,
            "affected": item.affected,
            "kev": item.kev,
            "kev_due_date": item.kev_due_date,
            "decision": item.ssvc.get("decision"),
            "deployer_decision": item.ssvc.get("deployer_decision"),
            "epss": item.epss,
            "epss_percentile": item.epss_percentile,
            "system_exposure": item.ssvc.get("System Exposure"),
            "exposure_reason": item.exposure_reason,
            "reason": item.reason,
            "needs": item.needs,
            "basis": item.basis,
        }
        for rank, item in enumerate(by_priority(assessments), start=1)
    ]


def render_table(assessments: Iterable[Assessment], reason_width: int = 110) -> str:
    """A fixed-width table, most urgent first (PRIORITY: the SSVC decision)."""
    rows = [_COLUMNS]
    for item in by_priority(assessments):
        rows.append(
            (
                decision_text(item),
                item.device,
                item.cve,
                _AFFECTED[item.affected],
                item.kev_due_date or ("yes" if item.kev else ""),
                "" if item.epss is None else f"{item.epss:.3f}",
                _clip(explanation(item), reason_width),
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
