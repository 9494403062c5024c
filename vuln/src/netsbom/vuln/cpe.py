"""CPE 2.3 formatted strings: parse, unescape, compare the parts netsbom needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from netsbom.core.errors import NetsbomError


class CpeError(NetsbomError):
    """A CPE string that does not parse (the CVE or device is then undecidable)."""


_FIELDS = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)
_SPLIT = re.compile(r"(?<!\\):")
_ESCAPED = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class Cpe:
    part: str  # a, o, h
    vendor: str
    product: str
    version: str = "*"
    update: str = "*"
    target_hw: str = "*"

    @property
    def key(self) -> tuple[str, str]:
        return (self.vendor, self.product)

    @property
    def any_version(self) -> bool:
        return self.version == "*"

    def __str__(self) -> str:
        return f"cpe:2.3:{self.part}:{self.vendor}:{self.product}:{self.version}:{self.update}"


@lru_cache(maxsize=1 << 16)  # feeds repeat the same names for every device assessed
def parse_cpe(text: str) -> Cpe:
    if not text.startswith("cpe:2.3:"):
        raise CpeError(f"not a CPE 2.3 string: {text!r}")
    parts = _SPLIT.split(text[len("cpe:2.3:") :])
    if len(parts) != len(_FIELDS) or parts[0] not in ("a", "o", "h"):
        raise CpeError(f"not a CPE 2.3 string: {text!r}")
    values = dict(zip(_FIELDS, (_unescape(p) for p in parts), strict=True))
    if not values["vendor"] or not values["product"]:
        raise CpeError(f"CPE without vendor or product: {text!r}")
    return Cpe(
        part=values["part"],
        vendor=values["vendor"].lower(),
        product=values["product"].lower(),
        version=values["version"],
        update=values["update"],
        target_hw=values["target_hw"],
    )


def _unescape(value: str) -> str:
    return _ESCAPED.sub(r"\1", value) if "\\" in value else value


def normalise_model(text: str) -> str:
    """``ASR-9006``, ``asr_9006`` and ``ASR 9006`` all become ``asr9006``."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def hardware_matches(cpe: Cpe, models: tuple[str, ...], hardware_cpe: Cpe | None) -> bool:
    """Whether the device's hardware is the ``h:`` CPE: by the record's hardware CPE when it has
    one, else by model name (``ASA5515-K9`` is ``asa_5515-x``'s family only if the names agree)."""
    if hardware_cpe is not None and hardware_cpe.key == cpe.key:
        return True
    wanted = normalise_model(cpe.product)
    for model in models:
        have = normalise_model(model)
        if have == wanted:
            return True
        # "ASA5505-K9" is the ASA 5505: the CPE name followed by an orderable suffix
        if have.startswith(wanted) and _boundary(model, wanted):
            return True
    return False


def _boundary(model: str, wanted: str) -> bool:
    """True when ``wanted`` ends at a separator of ``model`` (ASA5505|-K9, not EX2200|C)."""
    count = 0
    for index, char in enumerate(model.lower()):
        if char.isalnum():
            count += 1
        if count == len(wanted):
            rest = model[index + 1 :]
            return not rest or not rest[0].isalnum()
    return False
