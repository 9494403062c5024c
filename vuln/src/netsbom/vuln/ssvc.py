"""SSVC decisions: CISA's coordinator tree and CERT/CC's deployer tree, as data.

Tables: CISA Coordinator 2.0.3 and Deployer Patch Application Priority 1.0.0, transcribed from
CERT/CC's SSVC decision tables (``ssvc.decision_tables.cisa.cisa_coordinate_dt`` and
``ssvc.decision_tables.ssvc.deployer_dt``). Keys are the decision points' value keys.

Inputs:
- Exploitation, Automatable, Technical Impact: CISA's Vulnrichment ADP; a KEV entry means
  Exploitation ``active``. Missing values are assumed (``none`` / ``yes`` / ``total``: the
  cautious side except for exploitation, which needs evidence) and listed in ``assumed``.
- Mission & Well-being (CISA): inventory labels ``mission`` (minimal|support|essential, or
  low|medium|high) and ``wellbeing`` (minimal|material|irreversible, or low|medium|high);
  default support + material (network infrastructure) = medium.
- System Exposure (deployer): label ``exposure`` internet|controlled|internal -> open|controlled|
  small; else the exposure derived from the topology (:mod:`netsbom.topology.exposure`: external
  neighbours, internet-facing labels, management reachable from untrusted zones); the path that
  makes it so is the assessment's ``exposure_reason`` (:func:`system_exposure`). Without either
  the deployer tree is not evaluated.
- Human Impact (deployer): label ``human_impact`` (low|medium|high|very_high), else from Mission
  & Well-being (essential + irreversible = very high).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

# Exploitation Automatable TechnicalImpact MissionWellbeing -> decision
_CISA = """
N N P L T  | N N P M T  | N N P H T  | N N T L T  | N N T M T  | N N T H T*
N Y P L T  | N Y P M T  | N Y P H AT | N Y T L T  | N Y T M T  | N Y T H AT
P N P L T  | P N P M T  | P N P H T* | P N T L T  | P N T M T* | P N T H AT
P Y P L T  | P Y P M T  | P Y P H AT | P Y T L T  | P Y T M T* | P Y T H AT
A N P L T  | A N P M T  | A N P H AT | A N T L T  | A N T M AT | A N T H AC
A Y P L AT | A Y P M AT | A Y P H AC | A Y T L AT | A Y T M AC | A Y T H AC
"""
# Exploitation SystemExposure Automatable HumanImpact -> decision
_DEPLOYER = """
N S N L D | N S N M D | N S N H S | N S N VH S | N S Y L D | N S Y M S | N S Y H S | N S Y VH S
N C N L D | N C N M S | N C N H S | N C N VH S | N C Y L S | N C Y M S | N C Y H S | N C Y VH S
N O N L D | N O N M S | N O N H S | N O N VH S | N O Y L S | N O Y M S | N O Y H S | N O Y VH O
P S N L D | P S N M S | P S N H S | P S N VH S | P S Y L S | P S Y M S | P S Y H S | P S Y VH S
P C N L D | P C N M S | P C N H S | P C N VH S | P C Y L S | P C Y M S | P C Y H S | P C Y VH O
P O N L S | P O N M S | P O N H S | P O N VH O | P O Y L S | P O Y M S | P O Y H O | P O Y VH O
A S N L S | A S N M S | A S N H O | A S N VH O | A S Y L S | A S Y M O | A S Y H O | A S Y VH O
A C N L S | A C N M S | A C N H O | A C N VH O | A C Y L O | A C Y M O | A C Y H O | A C Y VH O
A O N L S | A O N M O | A O N H O | A O N VH I | A O Y L O | A O Y M O | A O Y H I | A O Y VH I
"""
CISA_DECISIONS = {"T": "Track", "T*": "Track*", "AT": "Attend", "AC": "Act"}
DEPLOYER_DECISIONS = {"D": "Defer", "S": "Scheduled", "O": "Out-of-Cycle", "I": "Immediate"}
# Decision ranks for sorting: higher first.
RANK = {
    "Act": 4,
    "Attend": 3,
    "Track*": 2,
    "Track": 1,
    "Immediate": 4,
    "Out-of-Cycle": 3,
    "Scheduled": 2,
    "Defer": 1,
}


def _table(text: str) -> dict[tuple[str, ...], str]:
    rows = [row.split() for line in text.strip().splitlines() for row in line.split("|")]
    return {tuple(row[:-1]): row[-1] for row in rows}


CISA_TABLE = _table(_CISA)
DEPLOYER_TABLE = _table(_DEPLOYER)

_EXPLOITATION = {"none": "N", "poc": "P", "public poc": "P", "active": "A"}
_YES_NO = {"yes": "Y", "no": "N"}
_TECHNICAL = {"partial": "P", "total": "T"}
_MISSION = {"minimal": 0, "low": 0, "support": 1, "medium": 1, "essential": 2, "high": 2}
_WELLBEING = {"minimal": 0, "low": 0, "material": 1, "medium": 1, "irreversible": 2, "high": 2}
_EXPOSURE = {
    "internet": ("O", "open"),
    "controlled": ("C", "controlled"),
    "internal": ("S", "small"),
}
_LEVELS = {"open": "O", "controlled": "C", "small": "S"}
_HUMAN = {"low": "L", "medium": "M", "high": "H", "very_high": "VH", "very high": "VH"}
_MW_NAMES = {"L": "low", "M": "medium", "H": "high"}
_HUMAN_NAMES = {"L": "low", "M": "medium", "H": "high", "VH": "very high"}


class ExposureLike(Protocol):
    """A device's System Exposure (open|controlled|small) and the path that makes it so."""

    @property
    def level(self) -> str: ...

    @property
    def reason(self) -> str: ...


def decide(
    adp: Mapping[str, str],
    in_kev: bool,
    labels: Mapping[str, str],
    exposure: ExposureLike | None = None,
) -> dict[str, Any]:
    """The ``ssvc`` object of an assessment line: decision, decision points, assumptions.
    ``exposure``: derived from the topology; the label ``exposure`` overrides it. The result
    depends on the exposure's level only (its reason: :func:`system_exposure`)."""
    assumed: list[str] = []
    exploitation = _value(adp.get("Exploitation"), _EXPLOITATION)
    if in_kev:
        exploitation = "A"
    elif exploitation is None:
        exploitation = "N"
        assumed.append("Exploitation")
    automatable = _value(adp.get("Automatable"), _YES_NO)
    if automatable is None:
        automatable = "Y"
        assumed.append("Automatable")
    technical = _value(adp.get("Technical Impact"), _TECHNICAL)
    if technical is None:
        technical = "T"
        assumed.append("Technical Impact")
    mission = _MISSION.get((labels.get("mission") or "").lower())
    wellbeing = _WELLBEING.get((labels.get("wellbeing") or "").lower())
    if mission is None:
        assumed.append("Mission Prevalence")
    if wellbeing is None:
        assumed.append("Public Well-being Impact")
    mw = _mission_wellbeing(
        1 if mission is None else mission, 1 if wellbeing is None else wellbeing
    )
    result: dict[str, Any] = {
        "decision": CISA_DECISIONS[CISA_TABLE[(exploitation, automatable, technical, mw)]],
        "role": "CISA Coordinator 2.0.3",
        "Exploitation": {"N": "none", "P": "poc", "A": "active"}[exploitation],
        "Automatable": {"Y": "yes", "N": "no"}[automatable],
        "Technical Impact": {"P": "partial", "T": "total"}[technical],
        "Mission & Well-being": _MW_NAMES[mw],
    }
    system = _exposure_key(labels, exposure)
    if system is not None:
        human = _HUMAN.get((labels.get("human_impact") or "").lower().replace("-", "_"))
        if human is None:
            human = "VH" if mission == 2 and wellbeing == 2 else mw
        key = (exploitation, system[0], automatable, human)
        result["deployer_decision"] = DEPLOYER_DECISIONS[DEPLOYER_TABLE[key]]
        result["System Exposure"] = system[1]
        result["Human Impact"] = _HUMAN_NAMES[human]
    result["assumed"] = assumed
    return result


def system_exposure(
    labels: Mapping[str, str], exposure: ExposureLike | None
) -> tuple[str, str] | None:
    """(System Exposure, why): the label ``exposure`` first, then the topology's exposure."""
    label = (labels.get("exposure") or "").lower()
    if label in _EXPOSURE:
        return _EXPOSURE[label][1], f"label exposure={label}"
    if exposure is not None and exposure.level in _LEVELS:
        return exposure.level, exposure.reason
    return None


def _exposure_key(
    labels: Mapping[str, str], exposure: ExposureLike | None
) -> tuple[str, str] | None:
    found = system_exposure(labels, exposure)
    return None if found is None else (_LEVELS[found[0]], found[0])


def _value(raw: str | None, table: Mapping[str, str]) -> str | None:
    return table.get((raw or "").strip().lower())


def _mission_wellbeing(mission: int, wellbeing: int) -> str:
    """CISA: essential mission or irreversible well-being -> high; all minimal -> low."""
    if mission == 2 or wellbeing == 2:
        return "H"
    if mission == 0 and wellbeing == 0:
        return "L"
    return "M"
