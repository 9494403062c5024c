"""NVD 2.0 ``configurations`` evaluated for one device, with three-valued logic.

Each configuration is a list of nodes joined by its ``operator`` (AND/OR) and ``negate``; each
node joins its ``cpeMatch`` entries the same way. A ``cpeMatch`` of the device's OS is judged by
version (ranges with the family grammar, exact CPE versions with update fields); a ``vulnerable:
false`` ``h:`` CPE is judged by the device's hardware CPE or model. Unknown is ``None`` and
propagates: ``AND`` with a False is False, ``OR`` with a True is True, otherwise None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netsbom.core.versions import VersionError, order
from netsbom.vuln.cpe import Cpe, CpeError, hardware_matches, parse_cpe
from netsbom.vuln.device import DeviceFacts
from netsbom.vuln.ranges import Statement, within
from netsbom.vuln.verdict import (
    BASIS_HARDWARE,
    BASIS_PRODUCT,
    BASIS_VERSION,
    NEEDS_MODEL,
    NEEDS_VERSION_DATA,
    Verdict,
)

SOURCE = "nvd"


def mentions(configurations: Sequence[Mapping[str, Any]], device: DeviceFacts) -> bool:
    keys = device.cpe_keys()
    for match in _matches(configurations):
        try:
            if parse_cpe(str(match.get("criteria"))).key in keys:
                return True
        except CpeError:
            continue
    return False


def _matches(configurations: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [
        m
        for c in configurations
        for n in c.get("nodes") or ()
        for m in n.get("cpeMatch") or ()
        if isinstance(m, dict)
    ]


def assess(configurations: Sequence[Mapping[str, Any]], device: DeviceFacts) -> Verdict:
    """NVD's answer; call only when :func:`mentions` is true."""
    judge = _Judge(device, hardware_known=None)
    results = [judge.configuration(c) for c in configurations]
    if any(r is True for r in results):
        return Verdict(True, f"NVD: {'; '.join(judge.hits) or 'configuration matches'}", SOURCE)
    if any(r is None for r in results):
        needs = NEEDS_MODEL if judge.model_missing else NEEDS_VERSION_DATA
        return Verdict(
            None, f"NVD: cannot decide ({'; '.join(judge.unknowns[:3])})", SOURCE, needs=needs
        )
    # Not affected: would it be with any hardware? Then the hardware is the reason.
    relaxed = _Judge(device, hardware_known=True)
    if any(relaxed.configuration(c) is not False for c in configurations):
        hardware = ", ".join(sorted(judge.hardware_missed)[:6]) or "other hardware"
        return Verdict(
            False, f"NVD: {device.version} matches, but only on {hardware}", SOURCE, BASIS_HARDWARE
        )
    if judge.version_checked:
        return Verdict(
            False,
            f"NVD: {device.version} is outside every listed range or version",
            SOURCE,
            BASIS_VERSION,
        )
    return Verdict(False, "NVD: no configuration names this product", SOURCE, BASIS_PRODUCT)


def hardware_scope(
    configurations: Sequence[Mapping[str, Any]], device: DeviceFacts
) -> Verdict | None:
    """What NVD says about the device's hardware alone, every version taken as matching: False
    (basis hardware) when each configuration naming the OS needs other hardware, None when one
    needs hardware and the record has no model; no verdict when NVD sets no limit it fails."""
    judge = _Judge(device, hardware_known=None, version_known=True)
    results = [judge.configuration(c) for c in configurations if _names_os(c, device)]
    if not results or any(r is True for r in results) or not judge.hardware_seen:
        return None
    if any(r is None for r in results):
        return Verdict(
            None,
            f"NVD: only on some hardware ({'; '.join(judge.unknowns[:2])})",
            SOURCE,
            needs=NEEDS_MODEL,
        )
    hardware = ", ".join(sorted(judge.hardware_missed)[:6]) or "other hardware"
    return Verdict(False, f"NVD: only on {hardware}", SOURCE, BASIS_HARDWARE)


def _names_os(configuration: Mapping[str, Any], device: DeviceFacts) -> bool:
    keys = device.cpe_keys()
    for node in configuration.get("nodes") or ():
        for match in node.get("cpeMatch") or ():
            try:
                if isinstance(match, dict) and parse_cpe(str(match.get("criteria"))).key in keys:
                    return True
            except CpeError:
                continue
    return False


class _Judge:
    def __init__(
        self, device: DeviceFacts, hardware_known: bool | None, version_known: bool = False
    ) -> None:
        self.device = device
        self.force_hardware = hardware_known
        self.force_version = version_known
        self.hardware_seen = False
        self.model_missing = False
        self.hits: list[str] = []
        self.unknowns: list[str] = []
        self.hardware_missed: set[str] = set()
        self.version_checked = False

    def configuration(self, configuration: Mapping[str, Any]) -> bool | None:
        nodes = [self.node(n) for n in configuration.get("nodes") or ()]
        result = _join(str(configuration.get("operator") or "OR"), nodes)
        return _negate(result) if configuration.get("negate") else result

    def node(self, node: Mapping[str, Any]) -> bool | None:
        results = [self.match(m) for m in node.get("cpeMatch") or () if isinstance(m, dict)]
        result = _join(str(node.get("operator") or "OR"), results)
        return _negate(result) if node.get("negate") else result

    def match(self, match: Mapping[str, Any]) -> bool | None:
        try:
            cpe = parse_cpe(str(match.get("criteria")))
        except CpeError as exc:
            self.unknowns.append(str(exc))
            return None
        if cpe.key in self.device.cpe_keys():
            return self._os(cpe, match)
        if cpe.part == "h":
            return self._hardware(cpe)
        return False  # another product

    def _hardware(self, cpe: Cpe) -> bool | None:
        product = self.device.product
        if product is not None and cpe.key in product.appliance_cpes:
            return True
        self.hardware_seen = True
        if self.force_hardware is not None:
            return self.force_hardware
        if hardware_matches(cpe, self.device.models, self.device.hardware_cpe):
            self.hits.append(f"hardware {cpe.product}")
            return True
        if not self.device.models and self.device.hardware_cpe is None:
            self.unknowns.append(f"needs hardware {cpe.product}; the record has no model")
            self.model_missing = True
            return None
        self.hardware_missed.add(cpe.product)
        return False

    def _os(self, cpe: Cpe, match: Mapping[str, Any]) -> bool | None:
        if self.force_version:
            return True
        device = self.device
        assert device.version is not None and device.grammar is not None
        grammar = device.grammar
        self.version_checked = True
        try:
            if cpe.version == "-":
                self.unknowns.append(f"{cpe} names no version")
                return None
            if cpe.version != "*":
                return self._exact(cpe)
            start_text = match.get("versionStartIncluding") or match.get("versionStartExcluding")
            start = grammar.version(str(start_text)) if start_text else None
            end_ex = match.get("versionEndExcluding")
            end_in = match.get("versionEndIncluding")
            statement = Statement(
                "affected",
                "nvd range",
                start=start,
                fixes=(grammar.version(str(end_ex)),) if end_ex else (),
                last=grammar.version(str(end_in)) if end_in else None,
            )
        except VersionError as exc:
            self.unknowns.append(str(exc))
            return None
        inside = within(statement, device.version)
        if (
            inside
            and match.get("versionStartExcluding")
            and start is not None
            and order(device.version, start) == 0
        ):
            inside = False
        if inside is None:
            self.unknowns.append(
                f"{device.version} cannot be ordered against "
                f"{start_text or '0'}..{end_ex or end_in}"
            )
        elif inside:
            bounds = f"from {start_text} " if start_text else ""
            end = f"before {end_ex}" if end_ex else f"up to {end_in}" if end_in else "all versions"
            self.hits.append(f"{device.version} in {cpe.product} {bounds}{end}")
        return inside

    def _exact(self, cpe: Cpe) -> bool | None:
        device = self.device
        assert device.version is not None and device.grammar is not None
        update = "" if cpe.update in ("*", "-") else cpe.update
        listed = device.grammar.version(device.grammar.cpe_text(cpe.version, update))
        if cpe.update == "*" and not listed.train_only and listed.branch_len is not None:
            same = listed.train == device.version.train and listed.branch == device.version.branch
        elif cpe.update == "*" and listed.train_only:
            same = listed.train == device.version.train
        elif listed.train != device.version.train:
            same = False
        else:
            found = order(device.version, listed)
            if found is None:
                self.unknowns.append(f"{device.version} states less than {cpe}")
                return None
            same = found == 0
        if same:
            self.hits.append(f"{device.version} listed as {cpe}")
        return same


def _join(operator: str, results: list[bool | None]) -> bool | None:
    if not results:
        return None
    if operator.upper() == "AND":
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value
