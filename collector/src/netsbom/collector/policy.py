"""Golden firmware: which OS and module firmware releases each device should run, and who does.

    policy = load_policy(Path("golden.yaml"))
    results = evaluate(policy, config)          # one PolicyResult per device OS and module
    properties = policy_properties(results)     # node id -> [("netsbom:policy:status", ...), ...]

A policy file lists rules (docs/policy.md). A rule selects devices by ``devices`` (node id,
name, hostname or inventory id), ``models``, ``roles`` (the ``role`` label), ``platforms`` (OS
family ids of core/families.yaml) and ``labels`` (every key must hold), names the ``preferred``
release and the ``allowed`` ones (each with an optional ``end_of_support`` date), and may be
limited to a window (``valid_from``, ``valid_until``). Rules with ``applies_to: module`` judge
the firmware of modules (``models`` is then the module's model; the other selectors still
select the device the module is in).

Which rule judges a device is decided as Nautobot's Device Lifecycle Management app decides
which validated software applies: the most specific assignment wins, in the order device →
model + role → model → role → platform → labels; among rules of one level the first in the file
wins. Rules outside their window at the evaluation time are skipped. Versions are compared with
the OS family's grammar (``netsbom.core.versions``: IOS XE ``17.09.04a`` is ``17.9.4a``); module
firmware and families without a grammar are compared as text.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netsbom.core.errors import ConfigError, NetsbomError
from netsbom.core.families import known_family
from netsbom.core.record import Component, DeviceRecord, parse_time
from netsbom.topology.configuration import Configuration

__all__ = [
    "LEVELS",
    "STATUSES",
    "Policy",
    "PolicyResult",
    "Release",
    "Rule",
    "evaluate",
    "load_policy",
    "policy_properties",
    "render_csv",
    "render_json",
    "render_table",
    "summary",
]

Status = Literal["compliant", "non-compliant", "no-rule"]
STATUSES: tuple[Status, ...] = ("compliant", "non-compliant", "no-rule")
LEVELS = ("device", "model+role", "model", "role", "platform", "labels")
MODULE_PREFIX = "module:"  # PolicyResult.component of a module: "module:<component index>"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Release(_Strict):
    """A validated release; past ``end_of_support`` it no longer complies."""

    version: str = Field(min_length=1)
    end_of_support: date | None = None


def _release(value: Any) -> Any:
    return {"version": value} if isinstance(value, str | int | float) else value


def _words(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Rule(_Strict):
    name: str = Field(min_length=1)
    applies_to: Literal["os", "module"] = "os"
    devices: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    labels: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    preferred: Release | None = None
    allowed: tuple[Release, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None

    _split = field_validator("devices", "models", "roles", "platforms", mode="before")(_words)

    @field_validator("labels", mode="before")
    @classmethod
    def _label_values(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {
            str(k): _words(str(v) if isinstance(v, int | float) else v) for k, v in value.items()
        }

    @field_validator("preferred", mode="before")
    @classmethod
    def _preferred(cls, value: Any) -> Any:
        return _release(value)

    @field_validator("allowed", mode="before")
    @classmethod
    def _allowed(cls, value: Any) -> Any:
        return [_release(v) for v in value] if isinstance(value, list) else value

    @field_validator("platforms")
    @classmethod
    def _known_platforms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for name in value:
            entry = known_family(name)
            if entry is None:
                raise ValueError(f"{name!r} is not an OS family id of core/families.yaml")
            out.append(entry.id)
        return tuple(out)

    @model_validator(mode="after")
    def _complete(self) -> Rule:
        if not (self.devices or self.models or self.roles or self.platforms or self.labels):
            raise ValueError("select devices: devices, models, roles, platforms or labels")
        if self.preferred is None and not self.allowed:
            raise ValueError("name a preferred release or allowed releases")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self

    @property
    def level(self) -> int:
        """Precedence (0 wins): device, model+role, model, role, platform, labels."""
        if self.devices:
            return 0
        if self.models and self.roles:
            return 1
        if self.models:
            return 2
        if self.roles:
            return 3
        return 4 if self.platforms else 5

    @property
    def releases(self) -> tuple[Release, ...]:
        return ((self.preferred,) if self.preferred else ()) + self.allowed

    def active(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Policy(_Strict):
    version: Literal[1] = 1
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _unique(self) -> Policy:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"two rules are named {rule.name!r}")
            seen.add(rule.name)
        return self


@dataclass(frozen=True, slots=True)
class PolicyResult:
    """The verdict on one device's OS (``component`` None) or one module's firmware."""

    device: str  # node id in the configuration
    component: str | None  # None: the device's OS; "module:<index>": a module's firmware
    status: Status
    rule: str | None
    preferred: str | None
    reason: str
    name: str  # the device's name
    model: str | None  # the device's model (the module's model is in component_model)
    role: str | None
    platform: str | None  # OS family id
    version: str | None  # what runs: OS version or module firmware
    component_model: str | None = None


def load_policy(path: Path) -> Policy:
    """The policy in ``path`` (YAML), validated; ConfigError names the file, the rule and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read policy {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ConfigError(f"{path}: a policy is a mapping with a list of `rules`")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc, raw)) from None


def _describe(path: Path, exc: ValidationError, raw: dict[str, Any]) -> str:
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    message = str(error["msg"]).removeprefix("Value error, ")
    where = ""
    if len(loc) >= 2 and loc[0] == "rules" and loc[1].isdigit():
        index = int(loc[1])
        entry = raw["rules"][index]
        named = entry.get("name") if isinstance(entry, dict) else None
        where = f" rule {named!r}" if named else f" rule #{index + 1}"
        loc = loc[2:]
    field = f" field {'.'.join(loc)!r}" if loc else ""
    return f"{path}:{where}{field}: {message}"


def evaluate(policy: Policy, config: Configuration, at: str | None = None) -> list[PolicyResult]:
    """One result per device (its OS) and per module with firmware, in the configuration's
    order; rule windows are judged at ``at`` (default: the configuration's time)."""
    day = parse_time(at or config.at).date()
    active = [r for r in policy.rules if r.active(day)]
    os_rules = sorted((r for r in active if r.applies_to == "os"), key=lambda r: r.level)
    module_rules = sorted((r for r in active if r.applies_to == "module"), key=lambda r: r.level)
    out: list[PolicyResult] = []
    for record, node in zip(config.records, config.nodes, strict=True):
        role = record.target.label("role")
        base = {
            "device": node,
            "name": record.name,
            "model": record.model,
            "role": role,
            "platform": record.os.family,
        }
        rule = next((r for r in os_rules if _selects(r, record, node, record.model)), None)
        out.append(_judge(rule, record.os.version, record.os.family, day, base, None, None))
        for component in _modules(record):
            rule = next(
                (r for r in module_rules if _selects(r, record, node, component.model)), None
            )
            version = component.firmware_rev or component.software_rev
            ref = f"{MODULE_PREFIX}{component.index}"
            out.append(_judge(rule, version, None, day, base, ref, component.model))
    return out


def _modules(record: DeviceRecord) -> Iterable[Component]:
    """Components that carry firmware of their own (the chassis carries the device's OS)."""
    for component in record.components:
        if component.cls != "chassis" and (component.firmware_rev or component.software_rev):
            yield component


def _selects(rule: Rule, record: DeviceRecord, node: str, model: str | None) -> bool:
    if rule.devices and not _any_match(
        rule.devices, (node, record.name, record.hostname, record.target.id)
    ):
        return False
    if rule.models and not _any_match(rule.models, (model,)):
        return False
    if rule.roles and record.target.label("role") not in rule.roles:
        return False
    if rule.platforms:
        entry = known_family(record.os.family)
        if entry is None or entry.id not in rule.platforms:
            return False
    labels = dict(record.target.labels)
    return all(labels.get(key) in values for key, values in rule.labels.items())


def _any_match(patterns: Sequence[str], values: Iterable[str | None]) -> bool:
    """Case-insensitive shell patterns (``C9300-*``) against any of the values."""
    present = [v.lower() for v in values if v]
    return any(fnmatch.fnmatchcase(v, p.lower()) for p in patterns for v in present)


def _judge(
    rule: Rule | None,
    version: str | None,
    family: str | None,
    day: date,
    base: dict[str, Any],
    component: str | None,
    component_model: str | None,
) -> PolicyResult:
    def result(status: Status, reason: str) -> PolicyResult:
        return PolicyResult(
            component=component,
            status=status,
            rule=rule.name if rule else None,
            preferred=rule.preferred.version if rule and rule.preferred else None,
            reason=reason,
            version=version,
            component_model=component_model,
            **base,
        )

    if rule is None:
        return result("no-rule", "no rule applies")
    if not version:
        return result("non-compliant", "no version reported")
    release = next((r for r in rule.releases if _same(family, version, r.version)), None)
    if release is None:
        wanted = ", ".join(r.version for r in rule.releases)
        return result("non-compliant", f"{version} is not a validated release ({wanted})")
    if release.end_of_support is not None and day > release.end_of_support:
        return result(
            "non-compliant", f"{version} is out of support since {release.end_of_support}"
        )
    if rule.preferred is not None and release == rule.preferred:
        return result("compliant", f"{version} is the preferred release")
    return result("compliant", f"{version} is an allowed release")


def _same(family: str | None, running: str, validated: str) -> bool:
    """The family's grammar says both name one release; otherwise the texts agree."""
    from netsbom.core.versions import compare, parse_version

    if running.strip().lower() == validated.strip().lower():
        return True
    if family is None or known_family(family) is None:
        return False
    try:
        return compare(parse_version(family, running), parse_version(family, validated)) == 0
    except NetsbomError:  # no grammar for the family, or a text it does not cover
        return False


def policy_properties(results: Iterable[PolicyResult]) -> dict[str, list[tuple[str, str]]]:
    """SBOM properties per node id: ``netsbom:policy:status|rule|preferred|reason`` for the
    device's OS and ``netsbom:policy:module:<index>:status|...`` for each module."""
    out: dict[str, list[tuple[str, str]]] = {}
    for result in results:
        prefix = "netsbom:policy:"
        if result.component is not None:
            prefix += f"{result.component}:"
        props = out.setdefault(result.device, [])
        props.append((f"{prefix}status", result.status))
        if result.rule is not None:
            props.append((f"{prefix}rule", result.rule))
        if result.preferred is not None:
            props.append((f"{prefix}preferred", result.preferred))
        props.append((f"{prefix}reason", result.reason))
    return out


def summary(results: Iterable[PolicyResult]) -> list[dict[str, Any]]:
    """Devices per (model, role) and status, sorted by model then role: ``{"model", "role",
    "compliant", "non-compliant", "no-rule"}``. A device counts once: non-compliant when its OS
    or any module is, else compliant when any of them is judged, else no rule."""
    verdicts: dict[str, tuple[tuple[str, str], set[str]]] = {}
    for result in results:
        key = (result.model or "", result.role or "")
        verdicts.setdefault(result.device, (key, set()))[1].add(result.status)
    counts: dict[tuple[str, str], Counter[str]] = {}
    for key, statuses in verdicts.values():
        status = next(s for s in ("non-compliant", "compliant", "no-rule") if s in statuses)
        counts.setdefault(key, Counter())[status] += 1
    return [
        {"model": model or None, "role": role or None, **{s: counter[s] for s in STATUSES}}
        for (model, role), counter in sorted(counts.items())
    ]


_FIELDS = (
    "device", "name", "component", "component_model", "model", "role", "platform", "version",
    "status", "rule", "preferred", "reason",
)  # fmt: skip


def render_json(results: Sequence[PolicyResult]) -> str:
    body = {"results": [asdict(r) for r in results], "summary": summary(results)}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_csv(results: Sequence[PolicyResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_FIELDS)
    for result in results:
        row = asdict(result)
        writer.writerow(["" if row[f] is None else row[f] for f in _FIELDS])
    return buffer.getvalue()


def render_table(results: Sequence[PolicyResult]) -> str:
    rows = [
        [
            r.name,
            r.component or "os",
            r.status,
            r.version or "-",
            r.preferred or "-",
            r.rule or "-",
            r.reason,
        ]
        for r in results
    ]
    lines = _table(
        ["device", "component", "status", "version", "preferred", "rule", "reason"], rows
    )
    totals = summary(results)
    lines.append("")
    lines += _table(
        ["model", "role", *STATUSES],
        [[t["model"] or "-", t["role"] or "-", *(str(t[s]) for s in STATUSES)] for t in totals],
    )
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    return [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
