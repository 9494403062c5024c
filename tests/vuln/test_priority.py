"""KEV / EPSS join and SSVC decisions (CISA coordinator, CERT/CC deployer)."""

from __future__ import annotations

from typing import Any

import pytest

from netsbom.vuln import ssvc
from netsbom.vuln.assess import Assessment, assess
from netsbom.vuln.feeds import Feeds
from netsbom.vuln.report import by_priority, priority_rows, render_table

from .conftest import record


def test_tables_are_complete() -> None:
    assert len(ssvc.CISA_TABLE) == 36
    assert len(ssvc.DEPLOYER_TABLE) == 72


def test_kev_and_epss_join_on_real_records(feeds: Feeds) -> None:
    kev = feeds.kev["CVE-2023-20198"]
    results = {a.cve: a for a in assess([record("ios-xe", "17.9.4")], feeds)}
    item = results["CVE-2023-20198"]
    assert item.kev is True and item.kev_due_date == kev.due_date
    assert item.epss == feeds.epss["CVE-2023-20198"].score
    assert isinstance(item.epss, float) and item.epss_percentile is not None
    assert item.ssvc["Exploitation"] == "active"  # KEV means active exploitation
    not_in_kev = results["CVE-2024-20510"]
    assert not_in_kev.kev is False and not_in_kev.epss is None


def test_ssvc_uses_vulnrichment_decision_points(feeds: Feeds) -> None:
    cve = feeds.cves["CVE-2024-20510"]
    assert cve.ssvc  # CISA ADP gave Exploitation, Automatable, Technical Impact
    decided = ssvc.decide(cve.ssvc, False, {})
    for point in ("Exploitation", "Automatable", "Technical Impact"):
        assert decided[point] == cve.ssvc[point]
        assert point not in decided["assumed"]
    assert decided["Mission & Well-being"] == "medium"  # default for infrastructure
    assert "deployer_decision" not in decided  # exposure unknown


def test_coordinator_decisions() -> None:
    active = {"Exploitation": "active", "Automatable": "yes", "Technical Impact": "total"}
    assert ssvc.decide(active, False, {})["decision"] == "Act"
    low = {"mission": "minimal", "wellbeing": "minimal"}
    assert ssvc.decide(active, False, low)["decision"] == "Attend"
    none = {"Exploitation": "none", "Automatable": "no", "Technical Impact": "partial"}
    assert ssvc.decide(none, False, {})["decision"] == "Track"
    poc = {"Exploitation": "poc", "Automatable": "no", "Technical Impact": "total"}
    assert ssvc.decide(poc, False, {})["decision"] == "Track*"
    assert ssvc.decide(poc, True, {"mission": "essential"})["decision"] == "Act"  # KEV: active


def test_deployer_decisions_from_exposure_labels() -> None:
    points = {"Exploitation": "active", "Automatable": "yes", "Technical Impact": "total"}
    internet = ssvc.decide(points, False, {"exposure": "internet"})
    assert internet["System Exposure"] == "open"
    assert internet["deployer_decision"] == "Out-of-Cycle"  # human impact medium
    critical = ssvc.decide(points, False, {"exposure": "internet", "human_impact": "high"})
    assert critical["deployer_decision"] == "Immediate"
    internal = ssvc.decide(
        {"Exploitation": "none", "Automatable": "no"},
        False,
        {"exposure": "internal", "mission": "minimal", "wellbeing": "minimal"},
    )
    assert internal["deployer_decision"] == "Defer"
    assert "Technical Impact" in internal["assumed"]


def test_alike_devices_are_judged_once_and_each_keeps_its_own_labels(
    feeds: Feeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netsbom.vuln import assess as assess_module

    calls: list[str] = []
    real = assess_module.applicability

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1].name)
        return real(*args, **kwargs)

    monkeypatch.setattr(assess_module, "applicability", counting)
    records = [
        record("ios-xe", "17.9.4", name="a", labels={"exposure": "internet"}),
        record("ios-xe", "17.9.4", name="b", labels={"exposure": "internal"}),
        record("ios-xe", "17.12.3", name="c"),
    ]
    results = list(assess(records, feeds))
    cves = len(set(feeds.cves) | set(feeds.kev))
    assert len(results) == 3 * cves
    assert len(calls) == 2 * cves and set(calls) == {"a", "c"}  # b is judged as a was
    a = {r.cve: r for r in results if r.device == "a"}
    b = {r.cve: r for r in results if r.device == "b"}
    assert all((a[c].affected, a[c].reason) == (b[c].affected, b[c].reason) for c in a)
    assert any(a[c].ssvc != b[c].ssvc for c in a)  # exposure differs: SSVC is per device


# --- exposure from the topology ------------------------------------------------------------


class _Exposure:
    def __init__(self, level: str, reason: str) -> None:
        self.level = level
        self.reason = reason


def test_topology_exposure_feeds_the_deployer_tree_and_the_label_wins() -> None:
    points = {"Exploitation": "active", "Automatable": "no", "Technical Impact": "total"}
    edge = _Exposure("open", "edge-r1 is internet-facing")
    derived = ssvc.decide(points, False, {}, edge)
    assert derived["System Exposure"] == "open"
    assert ssvc.system_exposure({}, edge) == ("open", "edge-r1 is internet-facing")
    assert derived["deployer_decision"] == "Out-of-Cycle"
    small = ssvc.decide(points, False, {}, _Exposure("small", "neighbours all inside"))
    assert small["System Exposure"] == "small" and small["deployer_decision"] == "Scheduled"
    labelled = ssvc.decide(points, False, {"exposure": "internal"}, _Exposure("open", "x"))
    assert labelled["System Exposure"] == "small"
    assert ssvc.system_exposure({"exposure": "internal"}, edge) == (
        "small",
        "label exposure=internal",
    )


def test_assess_gives_each_device_its_own_exposure(feeds: Feeds) -> None:
    records = [record("ios-xe", "17.9.4", name="a"), record("ios-xe", "17.9.4", name="b")]
    found = list(assess(records, feeds, exposure={"a": _Exposure("open", "a faces the internet")}))
    a = next(x for x in found if x.device == "a")
    b = next(x for x in found if x.device == "b" and x.cve == a.cve)
    assert a.ssvc["System Exposure"] == "open" and a.exposure_reason == "a faces the internet"
    assert "System Exposure" not in b.ssvc and b.exposure_reason is None


# --- priority order ------------------------------------------------------------------------


def _item(name: str, **fields: Any) -> Assessment:
    base: dict[str, Any] = {
        "device": name,
        "target_id": name,
        "cve": "CVE-2024-0001",
        "os_version": "1",
        "affected": True,
        "reason": "r",
        "sources": ("cna:x",),
        "basis": None,
        "kev": False,
        "kev_due_date": None,
        "epss": None,
        "epss_percentile": None,
        "ssvc": {"decision": "Track"},
        "needs": None,
    }
    base.update(fields)
    return Assessment(**base)


def test_priority_kev_by_due_date_then_decision_then_epss() -> None:
    items = [
        _item("track-high-epss", epss=0.9),
        _item(
            "act-undecidable",
            affected=None,
            needs="the device's hardware model",
            ssvc={"decision": "Act"},
        ),
        _item("kev-late", kev=True, kev_due_date="2024-06-01", ssvc={"decision": "Track"}),
        _item("kev-early", kev=True, kev_due_date="2023-10-01", ssvc={"decision": "Attend"}),
        _item("attend-low-epss", epss=0.01, ssvc={"decision": "Attend"}),
        _item("attend-high-epss", epss=0.5, ssvc={"decision": "Attend"}),
        _item("track-star", ssvc={"decision": "Track*"}),
        _item("not-affected-kev", affected=False, kev=True, kev_due_date="2020-01-01"),
        _item("track-no-epss"),
    ]
    order = [a.device for a in by_priority(items)]
    assert order == [
        "kev-early",
        "kev-late",
        "act-undecidable",
        "attend-high-epss",
        "attend-low-epss",
        "track-star",
        "track-high-epss",
        "track-no-epss",
        "not-affected-kev",
    ]
    rows = priority_rows(items)
    assert [r["rank"] for r in rows] == list(range(1, 10))
    assert rows[2]["needs"] == "the device's hardware model" and rows[2]["affected"] is None
    table = render_table(items)
    assert "needs the device's hardware model" in table
    assert table.splitlines()[1].split()[1] == "kev-early"
