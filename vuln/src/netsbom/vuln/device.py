"""The facts of a device record that applicability needs, read once per device."""

from __future__ import annotations

from dataclasses import dataclass

from netsbom.core.record import DeviceRecord
from netsbom.core.versions import Grammar, Version, VersionError, grammar
from netsbom.vuln.cpe import Cpe, CpeError, parse_cpe
from netsbom.vuln.products import PRODUCTS, Product, product_for

_MODULE_CLASSES = frozenset({"module", "cpu", "other"})


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    name: str  # hostname, else target id
    target_id: str
    vendor: str | None
    family: str | None
    version_text: str | None
    models: tuple[str, ...]
    modules: (
        tuple[str, ...] | None
    )  # line cards/modules (model, name, description); None: none listed
    os_cpe: Cpe | None
    hardware_cpe: Cpe | None
    labels: tuple[tuple[str, str], ...]
    product: Product | None
    grammar: Grammar | None
    version: Version | None
    problem: str | None  # why the version cannot be used (then every CVE is undecidable)

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)

    def cpe_keys(self) -> set[tuple[str, str]]:
        keys = set(self.product.cpes) if self.product else set()
        if self.os_cpe is not None:
            keys.add(self.os_cpe.key)
        return keys


def device_facts(record: DeviceRecord) -> DeviceFacts:
    problems: list[str] = []
    os_cpe = _cpe(record.identifiers.os_cpe, "os_cpe", problems)
    hardware_cpe = _cpe(record.identifiers.hardware_cpe, "hardware_cpe", problems)
    family = record.os.family or _family_from_cpe(os_cpe)
    version_text = record.os.version or (
        os_cpe.version if os_cpe and os_cpe.version not in ("*", "-") else None
    )
    models = tuple(
        dict.fromkeys(
            m
            for m in (record.model, *(c.model for c in record.components if c.cls == "chassis"))
            if m
        )
    )
    cards = tuple(
        dict.fromkeys(
            text
            for c in record.components
            if c.cls in _MODULE_CLASSES
            for text in (c.model, c.name, c.description)
            if text
        )
    )
    product = product_for(family)
    family_grammar: Grammar | None = None
    version: Version | None = None
    if family is None:
        problems.append("the record has no os.family")
    elif product is None:
        problems.append(f"OS family {family!r} is not one netsbom knows")
    if version_text is None:
        problems.append("the record has no os.version")
    if product is not None and version_text is not None:
        try:
            family_grammar = grammar(product.family)
            hints = " ".join(filter(None, (record.os.name, record.model, record.os.build)))
            version = family_grammar.version(family_grammar.device_text(version_text, hints))
        except VersionError as exc:
            problems.append(str(exc))
    return DeviceFacts(
        name=record.name,
        target_id=record.target.id,
        vendor=record.vendor,
        family=family,
        version_text=version_text,
        models=models,
        modules=cards or None,
        os_cpe=os_cpe,
        hardware_cpe=hardware_cpe,
        labels=record.target.labels,
        product=product,
        grammar=family_grammar,
        version=version,
        problem="; ".join(problems) or None,
    )


def _cpe(text: str | None, what: str, problems: list[str]) -> Cpe | None:
    if not text:
        return None
    try:
        return parse_cpe(text)
    except CpeError as exc:
        problems.append(f"{what}: {exc}")
        return None


def _family_from_cpe(cpe: Cpe | None) -> str | None:
    if cpe is None:
        return None
    for product in PRODUCTS.values():
        if cpe.key in product.cpes:
            return product.family
    return None
