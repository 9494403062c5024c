"""Concluded licences and copyright texts of SBOM components, each with where it comes from.

SPDX defines the *concluded* licence as the SBOM author's conclusion and the copyright text as
what the package states. netsbom states one only where it has grounds, and says which
(``netsbom:licence_source`` / ``netsbom:copyright_source``), first found wins:

``operator``
    the auditor's conclusions: ``sbom export --licences FILE`` (:func:`load_licence_rules`),
    rules matching kind / vendor / family / model / name globs, first match wins;
``device``
    the copyright notice the device printed about its OS (``show version``, sysDescr);
``package-manager``
    the licence a package manager declares (rpm's License tag), when it is a valid SPDX
    expression (the raw text otherwise stays a ``netsbom:licence:declared`` property);
``registry``
    the terms under which the component's supplier distributes its software
    (``core/families.yaml`` ``terms``: a ``LicenseRef-`` to the published EULA, the holder);
``hardware``
    ``NONE`` for hardware (a chassis, a module): SPDX's "no licence / no copyright notice
    present" (SPDX 2.3 clauses 7.13 and 7.17, SPDX 3.0.1 ``NoneLicense``).

Anything else stays NOASSERTION: nothing here guesses.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from netsbom.collector.sbom.model import CustomLicence
from netsbom.core.errors import ExportError
from netsbom.core.families import VendorTerms, vendor_terms

__all__ = [
    "NONE",
    "Conclusion",
    "Facts",
    "LicenceRules",
    "Licensing",
    "load_licence_rules",
    "registry_conclusion",
    "spdx_expression",
]

NONE = "NONE"  # SPDX: the author concludes there is no licence / no copyright notice
Kind = Literal["network", "device", "os", "module", "firmware", "package"]
_LICENCE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.\-]+")


@dataclass(frozen=True, slots=True)
class Facts:
    """What rules match: the component's kind and name, the device's vendor, OS family and
    model (a module's own model for modules and their firmware)."""

    kind: str
    name: str
    vendor: str | None = None
    family: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class Conclusion:
    licence: str | None = None  # an SPDX licence expression, or NONE
    licence_source: str | None = None
    copyright: str | None = None  # the notice text(s), or NONE
    copyright_source: str | None = None

    def over(self, other: Conclusion) -> Conclusion:
        """This conclusion, its gaps filled from ``other``."""
        if self.licence is not None and self.copyright is not None:
            return self
        licence = self if self.licence is not None else other
        notice = self if self.copyright is not None else other
        return Conclusion(
            licence.licence, licence.licence_source, notice.copyright, notice.copyright_source
        )

    def properties(self) -> list[tuple[str, str | None]]:
        return [
            ("netsbom:licence_source", self.licence_source),
            ("netsbom:copyright_source", self.copyright_source),
        ]


HARDWARE = Conclusion(NONE, "hardware", NONE, "hardware")


def registry_conclusion(terms: VendorTerms | None) -> Conclusion:
    if terms is None:
        return Conclusion()
    return Conclusion(terms.licence, "registry", terms.copyright, "registry")


def spdx_expression(text: str) -> str:
    """``text`` as a canonical SPDX licence expression (ids of the SPDX licence list in their
    case, ``LicenseRef-`` custom ids, AND / OR / WITH, parentheses): ``gpl-2.0+ and mit`` ->
    ``GPL-2.0-or-later AND MIT``; ``NONE`` stays. ValueError says why it is not one."""
    if text.strip() == NONE:
        return NONE
    from license_expression import (  # type: ignore[import-untyped]
        ExpressionError,
        get_spdx_licensing,
    )

    licensing = get_spdx_licensing()
    try:
        parsed = licensing.parse(text, validate=False, strict=True)
    except (ExpressionError, AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"not a licence expression ({exc})") from None
    if parsed is None:
        raise ValueError("empty licence expression")
    known = licensing.known_symbols
    unknown = [
        key
        for key in licensing.license_keys(parsed)
        if key not in known and not _LICENCE_REF.fullmatch(key)
    ]
    if unknown:
        names = ", ".join(unknown)
        raise ValueError(f"not on the SPDX licence list: {names} (a custom one: LicenseRef-...)")
    return str(parsed.render("{symbol.key}"))


# --- the operator's rules ------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Match(_Strict):
    kind: Kind | None = None
    vendor: str | None = None
    family: str | None = None
    model: str | None = None
    name: str | None = None

    def matches(self, facts: Facts) -> bool:
        for pattern, value in (
            (self.kind, facts.kind),
            (self.vendor, facts.vendor),
            (self.family, facts.family),
            (self.model, facts.model),
            (self.name, facts.name),
        ):
            if pattern is not None and not (
                value is not None and fnmatch.fnmatchcase(value.lower(), pattern.lower())
            ):
                return False
        return True


class _Rule(_Strict):
    match: _Match
    licence: str | None = Field(default=None, min_length=1)
    copyright: str | None = Field(default=None, min_length=1)

    @field_validator("licence")
    @classmethod
    def _expression(cls, value: str | None) -> str | None:
        return spdx_expression(value) if value is not None else None


class _Custom(_Strict):
    id: str = Field(pattern=r"^LicenseRef-[A-Za-z0-9.\-]+$")
    name: str = Field(min_length=1)
    url: str | None = Field(default=None, pattern=r"^https?://")
    text: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _described(self) -> _Custom:
        if not (self.url or self.text):
            raise ValueError(f"{self.id}: give its text or the url of its text")
        return self


class LicenceRules(_Strict):
    """An operator's conclusions (``--licences FILE``)."""

    licences: tuple[_Custom, ...] = ()  # the custom licences the rules name
    rules: tuple[_Rule, ...] = ()

    def conclusion(self, facts: Facts) -> Conclusion:
        for rule in self.rules:
            if rule.match.matches(facts):
                return Conclusion(
                    rule.licence,
                    "operator" if rule.licence else None,
                    rule.copyright,
                    "operator" if rule.copyright else None,
                )
        return Conclusion()

    def custom(self) -> dict[str, CustomLicence]:
        return {
            c.id: CustomLicence(c.id, c.name, c.text or f"{c.name}: {c.url}", c.url)
            for c in self.licences
        }


def load_licence_rules(path: Path) -> LicenceRules:
    """The rules in ``path`` (YAML), validated: an invalid expression, a ``LicenseRef-`` no
    entry of ``licences`` (or of the registry) defines, an unknown key is an ExportError naming
    the file and the rule."""
    from netsbom.core.errors import ConfigError
    from netsbom.core.yamlfile import read_yaml

    try:
        raw = read_yaml(path, "licence rules")
    except ConfigError as exc:
        raise ExportError(str(exc)) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ExportError(f"{path}: licence rules are a mapping with a list of `rules`")
    try:
        rules = LicenceRules.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ExportError(f"{path}: {where}: {message}") from None
    defined = set(rules.custom()) | _registry_ids()
    for number, rule in enumerate(rules.rules):
        missing = sorted(set(_LICENCE_REF.findall(rule.licence or "")) - defined)
        if missing:
            raise ExportError(
                f"{path}: rules.{number}.licence: {', '.join(missing)} is not defined"
                " (add it to `licences` with a name and a url or text)"
            )
    return rules


def _registry_ids() -> set[str]:
    from netsbom.core.families import registry_terms

    return {terms.licence for terms in registry_terms()}


# --- concluding ----------------------------------------------------------------------------------


class Licensing:
    """Concludes per component (operator rules over what was found) and remembers the custom
    licences the document then has to define."""

    def __init__(self, rules: LicenceRules | None = None) -> None:
        self.rules = rules
        self._known: dict[str, CustomLicence] = rules.custom() if rules else {}
        self._used: dict[str, CustomLicence] = {}
        self._seen: set[str] = set()  # licence expressions whose custom licences are noted
        self._terms: dict[str | None, Conclusion] = {}

    def conclude(self, facts: Facts, found: Conclusion = Conclusion()) -> Conclusion:
        result = self.rules.conclusion(facts).over(found) if self.rules else found
        if result.licence is not None and result.licence not in self._seen:
            self._seen.add(result.licence)
            for ref in _LICENCE_REF.findall(result.licence):
                if ref not in self._used:
                    self._used[ref] = self._known.get(ref) or _registry_licence(ref)
        return result

    def supplier_terms(self, supplier: str | None) -> Conclusion:
        """The registry's terms of the supplier's software: licence and copyright holder."""
        if supplier not in self._terms:
            terms = vendor_terms(supplier)
            if terms is not None:
                self._known.setdefault(terms.licence, _custom(terms))
            self._terms[supplier] = registry_conclusion(terms)
        return self._terms[supplier]

    def custom_licences(self) -> tuple[CustomLicence, ...]:
        return tuple(self._used[key] for key in sorted(self._used))


def _custom(terms: VendorTerms) -> CustomLicence:
    return CustomLicence(
        terms.licence,
        terms.name,
        f"{terms.name}, as published by the vendor at {terms.url} (the software's third-party"
        " open-source parts are under the licences of the vendor's notices for the release)",
        terms.url,
    )


def _registry_licence(ref: str) -> CustomLicence:
    from netsbom.core.families import registry_terms

    for terms in registry_terms():
        if terms.licence == ref:
            return _custom(terms)
    raise ExportError(f"{ref} is used but defined nowhere")  # load_licence_rules prevents it
