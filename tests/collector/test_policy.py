"""Golden firmware policy: loading, precedence, windows, versions by grammar, the command."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.policy import (
    PolicyResult,
    evaluate,
    load_policy,
    policy_properties,
    summary,
)
from netsbom.collector.store import open_store
from netsbom.core.cli import cli
from netsbom.core.errors import ConfigError, ExitCode
from netsbom.core.record import Component, DeviceRecord, OsInfo, Target
from netsbom.topology.configuration import Configuration, build_configuration
from tests.conftest import make_record

AT = "2026-11-20T10:00:00Z"


def _device(
    name: str, model: str, role: str, version: str, family: str = "ios-xe", **labels: str
) -> DeviceRecord:
    record = make_record(name, version=version)
    target = record.target
    all_labels = {**dict(target.labels), "role": role, **labels}
    return replace(
        record,
        model=model,
        os=OsInfo(family=family, version=version),
        target=Target(target.id, target.address, target.port, target.transport,
                      tuple(sorted(all_labels.items()))),
    )  # fmt: skip


def _config(*records: DeviceRecord) -> Configuration:
    return build_configuration("lab", AT, records)


def _policy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return path


def _by_device(results: list[PolicyResult]) -> dict[str, PolicyResult]:
    return {r.name: r for r in results if r.component is None}


PRECEDENCE = """
version: 1
rules:
  - {name: by-labels, labels: {site: par1}, preferred: "1.0"}
  - {name: by-platform, platforms: [ios-xe], preferred: "2.0"}
  - {name: by-role, roles: [edge], preferred: "3.0"}
  - {name: by-model, models: ["C9300-*"], preferred: "4.0"}
  - {name: by-model-role, models: [C9300-48P], roles: [edge], preferred: "5.0"}
  - {name: by-device, devices: [e1], preferred: "6.0"}
"""


def test_the_most_specific_rule_wins_as_in_nautobot_lifecycle(tmp_path: Path) -> None:
    config = _config(
        _device("e1", "C9300-48P", "edge", "6.0"),  # device
        _device("e2", "C9300-48P", "edge", "5.0"),  # model + role
        _device("e3", "C9300-24T", "edge", "4.0"),  # model (glob), before role
        _device("e4", "ISR4451", "edge", "3.0"),  # role
        _device("e5", "ISR4451", "core", "2.0"),  # platform
        _device("e6", "MX204", "core", "1.0", family="junos"),  # labels
        _device("e7", "MX204", "core", "1.0", family="junos", site="lon1"),  # nothing
    )
    results = _by_device(evaluate(load_policy(_policy(tmp_path, PRECEDENCE)), config))
    assert {n: r.rule for n, r in results.items()} == {
        "e1": "by-device", "e2": "by-model-role", "e3": "by-model", "e4": "by-role",
        "e5": "by-platform", "e6": "by-labels", "e7": None,
    }  # fmt: skip
    assert {n: r.status for n, r in results.items()} == {
        **{f"e{i}": "compliant" for i in range(1, 7)},
        "e7": "no-rule",
    }
    assert results["e2"].preferred == "5.0" and results["e7"].preferred is None


def test_versions_compare_by_the_family_grammar_and_allowed_releases(tmp_path: Path) -> None:
    policy = load_policy(
        _policy(
            tmp_path,
            """
rules:
  - name: campus
    models: [C9300-48P]
    preferred: "17.09.04a"     # Cisco writes 17.09.04a, devices report 17.9.4a
    allowed: ["17.6.5", {version: "17.3.8", end_of_support: 2026-06-30}]
""",
        )
    )
    config = _config(
        _device("a", "C9300-48P", "access", "17.9.4a"),
        _device("b", "C9300-48P", "access", "17.06.05"),
        _device("c", "C9300-48P", "access", "17.3.8"),
        _device("d", "C9300-48P", "access", "17.9.4"),
    )
    results = _by_device(evaluate(policy, config))
    assert results["a"].status == "compliant" and "preferred" in results["a"].reason
    assert results["b"].status == "compliant" and "allowed" in results["b"].reason
    assert results["c"].status == "non-compliant"
    assert results["c"].reason == "17.3.8 is out of support since 2026-06-30"
    assert (
        results["d"].status == "non-compliant" and "not a validated release" in results["d"].reason
    )
    # before its end of support, 17.3.8 still complies
    early = _by_device(evaluate(policy, config, at="2026-06-01T00:00:00Z"))
    assert early["c"].status == "compliant"


def test_rules_outside_their_window_give_way_to_less_specific_ones(tmp_path: Path) -> None:
    policy = load_policy(
        _policy(
            tmp_path,
            """
rules:
  - {name: next, models: [C9300-48P], preferred: "17.12.1", valid_from: 2027-01-01}
  - {name: old, models: [C9300-48P], preferred: "16.12.4", valid_until: 2025-12-31}
  - {name: fallback, roles: [access], preferred: "17.9.4a"}
""",
        )
    )
    config = _config(_device("a", "C9300-48P", "access", "17.9.4a"))
    assert _by_device(evaluate(policy, config))["a"].rule == "fallback"
    later = _by_device(evaluate(policy, config, at="2027-02-01T00:00:00Z"))["a"]
    assert (later.rule, later.status, later.preferred) == ("next", "non-compliant", "17.12.1")


def test_module_firmware_is_judged_by_module_rules(tmp_path: Path) -> None:
    policy = load_policy(
        _policy(
            tmp_path,
            """
rules:
  - {name: os, platforms: [ios-xe], preferred: "17.9.4a"}
  - {name: uplink-fw, applies_to: module, models: [C9300-NM-8X], roles: [access], preferred: "2.1"}
""",
        )
    )
    record = _device("a", "C9300-48P", "access", "17.9.4a")
    modules = (
        Component("1000", "1", "module", "uplink", model="C9300-NM-8X", firmware_rev="2.0"),
        Component("1001", "1", "module", "other", model="X-1", software_rev="9"),
        Component("1002", "1", "port", "Gi1/0/1"),  # nothing to judge
    )
    record = replace(record, components=record.components[:1] + modules)
    results = evaluate(policy, _config(record))
    assert [(r.component, r.status, r.rule) for r in results] == [
        (None, "compliant", "os"),
        ("module:1000", "non-compliant", "uplink-fw"),
        ("module:1001", "no-rule", None),
    ]
    assert results[1].component_model == "C9300-NM-8X" and results[1].version == "2.0"
    properties = policy_properties(results)
    node = results[0].device
    assert list(properties) == [node]
    assert ("netsbom:policy:status", "compliant") in properties[node]
    assert ("netsbom:policy:module:1000:status", "non-compliant") in properties[node]
    assert ("netsbom:policy:module:1000:preferred", "2.1") in properties[node]
    assert summary(results) == [
        {"model": "C9300-48P", "role": "access", "compliant": 0, "non-compliant": 1, "no-rule": 0}
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [{name: a, models: [X], preferred: '1', colour: red}]",
         "rule 'a' field 'colour': Extra inputs are not permitted"),
        ("rules: [{name: a, platforms: [cisco-nope], preferred: '1'}]",
         "rule 'a' field 'platforms': 'cisco-nope' is not an OS family id"),
        ("rules: [{name: a, preferred: '1'}]", "rule 'a': select devices"),
        ("rules: [{models: [X]}]", "rule #1 field 'name'"),
        ("rules: [{name: a, models: [X]}]", "rule 'a': name a preferred release"),
        ("rules: [{name: a, models: [X], preferred: '1', valid_from: 2027-01-01,"
         " valid_until: 2026-01-01}]", "valid_until is before valid_from"),
        ("rules: [{name: a, models: [X], preferred: '1'}, {name: a, roles: [Y], preferred: '2'}]",
         "two rules are named 'a'"),
        ("rules: [{name: a, models: [X], allowed: [{version: '1', eos: 2026-01-01}]}]",
         "field 'allowed.0.eos'"),
        ("rules:\n  - name: [a\n", "line"),
        ("- just a list", "a mapping with a list of `rules`"),
    ],
)  # fmt: skip
def test_a_bad_policy_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = _policy(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_policy(path)
    assert str(error.value).startswith(f"{path}:")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def _store(tmp_path: Path, *records: DeviceRecord) -> str:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    store.write(list(records))
    store.close()
    return url


def test_policy_check_command_formats_and_exit_status(tmp_path: Path) -> None:
    url = _store(
        tmp_path,
        _device("e1", "C9300-48P", "edge", "17.9.4a"),
        _device("e2", "C9300-48P", "edge", "17.6.1"),
        _device("c1", "MX204", "core", "21.4R3-S5", family="junos"),
    )
    policy = _policy(tmp_path, "rules: [{name: edge, roles: [edge], preferred: 17.9.4a}]")
    base = ["policy", "check", "--policy", str(policy), "--db", url, "--network", "lab"]
    runner = CliRunner()
    table = runner.invoke(cli, base)
    assert table.exit_code == ExitCode.PARTIAL, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "device",
        "component",
        "status",
        "version",
        "preferred",
        "rule",
        "reason",
    ]
    assert any(line.split()[:3] == ["e2", "os", "non-compliant"] for line in lines)
    assert any(line.split() == ["C9300-48P", "edge", "1", "1", "0"] for line in lines)
    as_json = json.loads(runner.invoke(cli, [*base, "--format", "json"]).stdout)
    assert {(r["name"], r["status"]) for r in as_json["results"] if r["component"] is None} == {
        ("e1", "compliant"), ("e2", "non-compliant"), ("c1", "no-rule"),
    }  # fmt: skip
    assert {
        "model": "MX204",
        "role": "core",
        "compliant": 0,
        "non-compliant": 0,
        "no-rule": 1,
    } in as_json["summary"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, [*base, "--format", "csv"]).stdout)))
    assert [(row["component"], row["status"]) for row in rows if row["name"] == "e2"] == [
        ("", "non-compliant"),
        ("module:2", "no-rule"),
    ]
    # everything compliant (or without a rule): exit 0
    fine = _policy(tmp_path, "rules: [{name: edge, roles: [edge], allowed: [17.9.4a, 17.6.1]}]")
    ok = runner.invoke(
        cli, ["policy", "check", "--policy", str(fine), "--db", url, "--network", "lab"]
    )
    assert ok.exit_code == 0, ok.output
    # a bad policy is one line, before the store is read
    bad = _policy(tmp_path, "rules: [{name: x}]")
    failed = runner.invoke(
        cli,
        [
            "policy",
            "check",
            "--policy",
            str(bad),
            "--db",
            "sqlite:///nowhere.db",
            "--network",
            "lab",
        ],
    )
    assert failed.exit_code == 1 and failed.output.count("\n") == 1 and "rule 'x'" in failed.output
