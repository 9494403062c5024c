"""Golden-firmware compliance for the Firmware page: the one place the console uses
:mod:`netsbom.collector.policy` (``load_policy(path)``, ``evaluate(policy, config)``).

    policy = load(path)                      # ConfigError when the policy module is missing too
    by_node = device_compliance(policy, config)
    by_node["edge1"] == {"status": "non-compliant", "results": [...]}

A device's status is ``non-compliant`` when any of its results is, else ``compliant`` when any
is, else ``no-rule``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from netsbom.core.errors import ConfigError
from netsbom.topology.configuration import Configuration

_ORDER = ("non-compliant", "compliant", "no-rule")


def load(path: Path) -> Any:
    try:
        from netsbom.collector.policy import (  # type: ignore[import-not-found,unused-ignore]
            load_policy,
        )
    except ImportError:
        raise ConfigError("--policy needs netsbom.collector.policy (not installed)") from None
    return load_policy(path)


def device_compliance(policy: Any, config: Configuration) -> dict[str, dict[str, Any]]:
    """node id -> {"status", "results": [{component, status, rule, preferred}]}."""
    from netsbom.collector.policy import (  # type: ignore[import-not-found,unused-ignore]
        evaluate,
    )

    results: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in evaluate(policy, config):
        results[result.device].append(
            {
                "component": result.component,
                "status": result.status,
                "rule": result.rule,
                "preferred": result.preferred,
            }
        )
    out: dict[str, dict[str, Any]] = {}
    for node, items in results.items():
        statuses = {item["status"] for item in items}
        status = next((s for s in _ORDER if s in statuses), "no-rule")
        out[node] = {"status": status, "results": items}
    return out
