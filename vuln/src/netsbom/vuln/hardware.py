"""Hardware scope of a vendor's statement, judged against a device's models and line cards.

Vendors limit a statement to hardware in three places, all read here:

- CVE JSON 5 ``platforms`` of an ``affected`` entry: ``MX Series``, ``SRX 5000 Series``,
  ``PTX10001-36MR``, ``MX Series with SPC3``, ``QFX5k`` (names that are not hardware, such as
  ``Windows`` or ``64 bit``, are ignored);
- the product name: ``SR OS (7250 IXR, 7450 ESS, 7750 SR, 7950 IXR, VSR)``, ``7705 SAR OS``;
- the description: ``Cisco IOS XR Software for Cisco 8000 Series Routers and Cisco Network
  Convergence System (NCS) 540 Series``, ``Junos OS on SRX 4600 and SRX 5000 Series``, and what
  it says is not affected (``... are not affected``).

A series matches a model by its name and number as vendors build model names (data in
``hardware.yaml``): ``Firepower 2100`` is ``FPR-2130``, ``Catalyst 9300`` is ``C9300-48P``,
``Nexus 9000`` is ``N9K-C93180YC-EX``, ``7750 SR`` is ``7750 SR-1``, but ``ASR 9000`` is not
``ASR-920``. Hardware written in words netsbom cannot map to models is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

_NOT_HARDWARE = re.compile(
    r"^(windows|linux|mac ?os|macos|android|ios|ipados|\d+ ?bit|gen ?\d+|custom|all|any|x86.*|"
    r"arm.*|crpd|cloud.*|virtual.*|n/a|all platforms|hp-ux|hpe nonstop|.*\bagent\b.*)$",
    re.IGNORECASE,
)
_WITH = re.compile(r"\s+(?:with|using)\s+", re.IGNORECASE)
_ITEMS = re.compile(r"\s*(?:,|;|/|\band\b|\bor\b|&)\s*", re.IGNORECASE)
_ABBREVIATION = re.compile(
    r"^(?P<long>.*?)\s*\((?P<short>[A-Za-z][A-Za-z0-9-]{1,9})\)\s*(?P<rest>.*)$"
)
_THOUSANDS = re.compile(r"(\d+)k\b", re.IGNORECASE)
_RUN = re.compile(r"\d+")
_RANGE = re.compile(r"\b([A-Za-z]+)(\d{1,2})\s*-\s*(?:\1)?(\d{1,2})\b")
_CODE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")
_CODES = re.compile(r"[A-Za-z]+\d+[A-Za-z0-9-]*(?:\s+[A-Za-z]+\d+[A-Za-z0-9-]*)+")  # MPC10 MPC11


@cache
def _data() -> dict[str, Any]:
    source = resources.files("netsbom.vuln").joinpath("hardware.yaml")
    data: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    return data


def _spaced(text: str) -> str:
    """Lower case, vendor names dropped from the front, separators as single spaces."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    for vendor in sorted(_data()["vendors"], key=len, reverse=True):
        if words == vendor or words.startswith(vendor + " "):
            words = words[len(vendor) :].strip()
    return words


@dataclass(frozen=True, slots=True)
class Series:
    """One series or model as a vendor wrote it, and how its model names begin."""

    text: str
    words: tuple[str, ...]  # prefixes a model name starts with ("" when it starts with digits)
    digits: str = ""  # significant leading digits of the series number ("21" for 2100)
    width: int = 0  # digits of the series number (4 for 2100)
    tail: str = ""  # letters after the number ("sr" in "7750 SR")
    exact: str = ""  # a full model name ("ptx1000136mr"): a prefix of matching models

    @property
    def key(self) -> tuple[object, ...]:
        """What the series is, whatever the words around it."""
        return (self.words, self.digits, self.width, self.tail, self.exact)

    @property
    def credible(self) -> bool:
        """Whether free text naming it surely names hardware: a known series name, a model
        code, or a number of three digits or more (``8000 Series``)."""
        if self.exact:
            return True
        if self.words == ("",):
            return self.width >= 3
        known = {re.sub(r"[^a-z0-9]", "", w) for k, v in _data()["series"].items() for w in [k, *v]}
        return any(word in known for word in self.words)

    def matches(self, name: str) -> bool:
        """Whether the model ``name`` is of this series (or is this model)."""
        spaced = _spaced(name)
        compact = spaced.replace(" ", "")
        if self.exact:
            return compact.startswith(self.exact)
        for word in self.words:
            if compact.startswith(word) and self._number_after(spaced, word):
                return True
        return False

    def within(self, name: str) -> bool:
        """Whether a part name carries this card: ``MX-SPC3`` and ``SRX5K-SPC3`` carry SPC3."""
        words = _spaced(name).split()
        return any(self.matches(" ".join(words[i:])) for i in range(len(words)))

    def _number_after(self, spaced: str, word: str) -> bool:
        rest = _skip(spaced, len(word))
        if not self.digits:
            return not rest or rest[0].isdigit()
        if not word and not spaced[:1].isdigit():
            return False
        whole = len(self.digits) == self.width  # "MPC1", "9300": this number, not a range of them
        for run in _RUN.finditer(rest):
            value = run.group(0)
            after = rest[run.end() :].replace(" ", "")
            if after[:1] == "k":  # N9K, QFX5K: thousands, the series itself
                value += "000"
            code = re.match(r"[a-z]\d", after) is not None  # 57C3: the number goes on as a code
            if len(value) < self.width and not code:
                continue  # not the model's number (FG-60F against a 6000 series)
            if whole:
                found = value == self.digits
            else:
                found = value.startswith(self.digits) and (len(value) == self.width or code)
            return found and (not self.tail or after.startswith(self.tail))
        return False


def _skip(spaced: str, letters: int) -> str:
    """``spaced`` after its first ``letters`` non-space characters."""
    count = 0
    for index, char in enumerate(spaced):
        if count == letters:
            return spaced[index:].lstrip()
        if char != " ":
            count += 1
    return ""


@lru_cache(maxsize=4096)
def parse_series(text: str, inherited: tuple[str, ...] = (), series: bool = False) -> Series | None:
    """A series or model name, or None when it names no hardware netsbom can place.
    ``inherited``: the words of the previous item in a list ("Firepower 1000, 2100");
    ``series``: the list says "Series", so "2100" is every 21xx model (as "5000" always is)."""
    raw = text.strip().strip(".:").strip()
    if re.search(r"\d\.\d", raw):
        return None  # a release (17.12.1, 22.4R2-S1), not hardware
    if re.search(r"\bseries\b", raw, re.IGNORECASE):
        series = True
        raw = re.split(r"\bseries\b", raw, maxsplit=1, flags=re.IGNORECASE)[0].strip()
    abbreviation = _ABBREVIATION.match(raw)
    if abbreviation:
        raw = f"{abbreviation['short']} {abbreviation['rest']}"
    raw = _THOUSANDS.sub(lambda m: m.group(1) + "000", raw)
    noise = set(_data()["noise"])
    spaced = " ".join(w for w in _spaced(raw).split() if w not in noise)
    if not spaced:
        return None
    alpha = re.match(r"^([a-z][a-z ]*?)\s*(?=\d|$)", spaced)
    alpha_text = alpha.group(1).strip() if alpha else ""
    remainder = spaced[alpha.end() :] if alpha else spaced
    number = re.match(r"^(\d+)", remainder)
    series_map: dict[str, list[str]] = _data()["series"]
    if alpha_text:
        prefixes = series_map.get(alpha_text) or series_map.get(alpha_text.split()[-1])
        words = tuple(dict.fromkeys([alpha_text.replace(" ", ""), *(prefixes or [])]))
        if prefixes is None and not number:
            if re.fullmatch(r"[A-Z]{2,}(?:-[A-Z]{2,})+", raw):  # a card or model code: MS-MPC
                return Series(raw, (), exact=alpha_text.replace(" ", ""))
            return None  # words without a number netsbom does not know as a series
    else:
        words = inherited or ("",)
    if not number:
        return Series(raw, tuple(re.sub(r"[^a-z0-9]", "", w) for w in words))
    digits = number.group(1)
    after = remainder[number.end() :].strip()
    code = _CODE.search(raw)
    if code and re.search(r"\d", code.group(0)):  # a model code: PTX10001-36MR, cBR-8
        return Series(raw, (), exact=re.sub(r"[^a-z0-9]", "", code.group(0).lower()))
    if re.search(r"\d", after):
        return Series(raw, (), exact=(alpha_text + remainder).replace(" ", ""))
    zeros = len(digits) - len(digits.rstrip("0"))
    significant = digits.rstrip("0") if series or zeros >= 3 else digits
    return Series(
        raw,
        tuple(re.sub(r"[^a-z0-9]", "", w) for w in words),
        digits=significant or digits[:1],
        width=len(digits),
        tail=after.replace(" ", ""),
    )


def series_of(text: str, series: bool = False) -> tuple[Series, ...]:
    """The series an item names: itself, or those a word stands for (``Wireless Controllers``)."""
    key = _spaced(text)
    words_map: dict[str, list[str]] = _data()["words"]
    for word, names in sorted(words_map.items(), key=lambda kv: -len(kv[0])):
        if re.fullmatch(rf"{word}s?", key):
            return tuple(s for n in names if (s := parse_series(n)) is not None)
    found = parse_series(text, series=series)
    return (found,) if found is not None else ()


def series_list(text: str) -> tuple[Series, ...]:
    """``Firepower 1000, 2100, 3100, and 4200 Series`` -> four series (numbers inherit the
    name before them); ``MPC1 - MPC9`` -> MPC1 to MPC9."""
    text = _RANGE.sub(_expand, text)
    found: list[Series] = []
    inherited: tuple[str, ...] = ()
    series = bool(re.search(r"\bseries\b", text, re.IGNORECASE))
    items = [
        token
        for item in _ITEMS.split(text)
        for token in (item.split() if _CODES.fullmatch(item.strip()) else [item])
    ]
    for item in items:
        if not item.strip():
            continue
        if inherited and re.match(r"^\s*\d", item):
            single = parse_series(item, inherited, series)
            parsed: tuple[Series, ...] = (single,) if single is not None else ()
        else:
            parsed = series_of(item, series)
        found.extend(parsed)
        if parsed and parsed[-1].words and parsed[-1].words != ("",) and parsed[-1].digits:
            inherited = parsed[-1].words  # "Firepower 1000, 2100": a named series with a number
    return tuple(found)


def _expand(match: re.Match[str]) -> str:
    name, first, last = match.group(1), int(match.group(2)), int(match.group(3))
    if not first < last <= first + 20:
        return match.group(0)
    return ", ".join(f"{name}{n}" for n in range(first, last + 1))


@dataclass(frozen=True, slots=True)
class Platform:
    """Hardware a statement applies to: a chassis series, and line cards it needs on it."""

    text: str
    chassis: tuple[Series, ...]  # empty: any chassis (a statement about line cards only)
    modules: tuple[Series, ...] = ()


def parse_platforms(text: str) -> tuple[Platform, ...]:
    """``MX Series with SPC3`` -> MX chassis needing an SPC3 card; ``SRX Series and MX Series
    with SPC3 and NFX350`` -> SRX, MX with SPC3, NFX350 ("with" binds the chassis just before
    it; chassis named among the cards stand alone). Empty for what names no hardware."""
    text = text.strip()
    if not text or _NOT_HARDWARE.match(text):
        return ()
    parts = _WITH.split(text, maxsplit=1)
    chassis = series_list(parts[0])
    if len(parts) == 1:
        return (Platform(text, chassis),) if chassis else ()
    items = series_list(parts[1])
    cards = tuple(i for i in items if _is_card(i))
    others = tuple(i for i in items if not _is_card(i) and i.credible) if cards else ()
    modules = cards or items
    found: list[Platform] = []
    if len(chassis) > 1:
        found.append(Platform(", ".join(c.text for c in chassis[:-1]), chassis[:-1]))
    if chassis[-1:] or modules:
        last = chassis[-1].text if chassis else ""
        named = f"{last} with {', '.join(m.text for m in modules)}".strip()
        found.append(Platform(named, chassis[-1:], modules))
    if others:
        found.append(Platform(", ".join(o.text for o in others), others))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Judgement:
    """How a device fares under a scope: on it (True), off it (False) or unknown (None)."""

    on: bool | None
    why: str
    needs: str | None = None  # what would decide an unknown


@dataclass(frozen=True, slots=True)
class Scope:
    """The hardware a statement is limited to (``only``) and the hardware it excludes."""

    only: tuple[Platform, ...] = ()
    excluded: tuple[Series, ...] = ()
    source: str = ""  # where the vendor said it: platforms, product name, description
    detail: tuple[Platform, ...] = ()  # description: hardware named more precisely (refine())

    def __bool__(self) -> bool:
        return bool(self.only or self.excluded)

    def refine(self, told: Scope) -> Scope:
        """This scope with a general series (``EX Series``, ``MX Series``) replaced by what the
        description says more precisely (``EX4400, EX4100 or EX4650``; ``MX Series with MPC1 -
        MPC9, LC480, MX80``), and the description's exclusions added."""
        only: list[Platform] = []
        for platform in self.only:
            only.extend(_precise(platform, told.detail) if not platform.modules else [platform])
        return Scope(tuple(only), self.excluded + told.excluded, self.source)

    def judge(self, models: tuple[str, ...], modules: tuple[str, ...] | None) -> Judgement:
        """``modules``: the device's line cards and modules, None when the record lists none."""
        if not models:
            if not self.only:
                return Judgement(True, "")  # exclusions only: the statement stands
            names = ", ".join(p.text for p in self.only)
            return Judgement(
                None, f"only on {names} ({self.source}), and the record has no model", "model"
            )
        for series in self.excluded:
            if any(series.matches(m) for m in models):
                return Judgement(False, f"not on {series.text} ({self.source})")
        if not self.only:
            return Judgement(True, "")
        unknown: list[Platform] = []
        for platform in self.only:
            if platform.chassis and not any(s.matches(m) for s in platform.chassis for m in models):
                continue
            if not platform.modules:
                return Judgement(True, f"on {platform.text} ({self.source})")
            if modules is None:
                unknown.append(platform)
            elif any(s.within(card) for s in platform.modules for card in modules):
                return Judgement(True, f"on {platform.text} ({self.source})")
        if unknown:
            names = ", ".join(p.text for p in unknown)
            return Judgement(
                None, f"only on {names} ({self.source}); the record lists no line cards", "modules"
            )
        names = ", ".join(p.text for p in self.only)
        return Judgement(False, f"only on {names} ({self.source}), not on {', '.join(models)}")


def _precise(platform: Platform, detail: tuple[Platform, ...]) -> list[Platform]:
    general = [c for c in platform.chassis if not c.digits and not c.exact]
    if not general:
        return [platform]
    heads = {c.words[0] for c in general if c.words}

    def named(series: Series) -> bool:
        return bool(series.words) and series.words[0] in heads

    carded = [p for p in detail if p.modules and any(named(c) for c in p.chassis)]
    if carded:
        models = [
            p
            for p in detail
            if not p.modules and all(named(c) and (c.digits or c.exact) for c in p.chassis)
        ]
        return carded + models
    specific = tuple(c for p in detail for c in p.chassis if (c.digits or c.exact) and named(c))
    if specific:
        kept = tuple(c for c in platform.chassis if c not in general)
        return [Platform(platform.text, kept + specific, ())]
    return [platform]


def platforms_scope(platforms: list[str]) -> Scope:
    """The scope of an entry's ``platforms``; an item that names only cards belongs to the
    platform before it (``MX Series with MPC10``, ``MPC11``)."""
    found: list[Platform] = []
    for text in platforms:
        for parsed in parse_platforms(str(text)):
            if found and found[-1].modules and all(_is_card(s) for s in parsed.chassis):
                last = found.pop()
                parsed = Platform(  # noqa: PLW2901 - merged into the platform before it
                    f"{last.text}, {parsed.text}", last.chassis, last.modules + parsed.chassis
                )
            found.append(parsed)
    return Scope(only=tuple(found), source="platforms") if found else Scope()


def _is_card(series: Series) -> bool:
    cards = {re.sub(r"[^a-z0-9]", "", c) for c in _data()["cards"]}
    names = series.words or (series.exact,)
    return any(re.sub(r"\d.*$", "", word) in cards for word in names if word)


# --- descriptions ----------------------------------------------------------------------------

_HARDWARE_END = re.compile(
    r"\s+(?:could|allows?|that|which|when|if|to|where|is|are|has|have|may|might|can|via|due|"
    r"because|running|in\s+(?:the|a)\b)\b|[;:.](?:\s|$)|\n",
    re.IGNORECASE,
)
_NEGATIVE_AFTER = re.compile(
    r"\b(?:does|do)\s+not\s+(?:affect|impact)\b|\bexcept(?:\s+for)?\b|\bexcluding\b",
    re.IGNORECASE,
)
_NEGATIVE_BEFORE = re.compile(
    r"\b(?:is|are)\s+not\s+(?:affected|vulnerable|impacted)\b", re.IGNORECASE
)
_AFFECTS = re.compile(
    r"\b(?:vulnerability|issue)\s+(?:only\s+)?affects\s+(?:only\s+)?(?:the\s+)?(?P<hw>.+)",
    re.IGNORECASE | re.DOTALL,
)
# "MX Series with MPC1 - MPC9, LC480, LC2101, MX10003, and MX80", "SRX 5000 Series using SPC2"
_CARDS = re.compile(
    r"\b(?P<chassis>[A-Z][A-Za-z]{1,9}(?:\s?\d{2,6})?\s+Series)\s*(?:with|using)\s+"
    r"(?P<list>[^.;:\n]+)"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
# "Nexus 3000 Series", "Cisco 8000 Series", "SRX 5000", "MX Series", "PTX10003", "7750 SR"
_MENTION = re.compile(
    r"(?:(?:[A-Z][A-Za-z]+|\([A-Z]{2,6}\))\s+){0,3}(?<![\d.])\d{3,6}(?![.\d])[A-Za-z0-9-]*"
    r"(?:\s+[A-Z]{2,4}\b)?(?:\s+Series\b)?"
    r"|\b[A-Z]{2,4}\d{2,6}(?![.\d])[A-Za-z0-9-]*(?:\s+Series\b)?|\b[A-Z]{2,4}\s+Series\b"
)


def description_scope(description: str, product_pattern: str) -> Scope:
    """Hardware a description limits ``product_pattern`` (a family's CNA product regex) to
    (``<product> Software for|on <hardware>``), and hardware it says is not affected
    (``does not affect <hardware>``, ``<hardware> are not affected``, ``except <hardware>``)."""
    text = description.replace("\u00a0", " ")
    only: list[Platform] = []
    pattern = re.compile(
        rf"(?<![\w-])(?:{product_pattern})(?:\s+software)?\s+(?:for|on|running\s+on)\s+"
        r"(?:the\s+|all\s+|cisco\s+|juniper\s+networks\s+)?(?P<hw>.+)",
        re.IGNORECASE | re.DOTALL,
    )
    matches = [*pattern.finditer(text), *_AFFECTS.finditer(text)]
    for match in matches:
        phrase = _HARDWARE_END.split(match["hw"], maxsplit=1)[0]
        phrase = re.split(r"\s*\(\s*except\b", phrase, flags=re.IGNORECASE)[0]
        for platform in parse_platforms(phrase):
            chassis = tuple(s for s in platform.chassis if s.credible)
            if chassis:
                only.append(Platform(platform.text, chassis, platform.modules))
    detail = list(only)
    for match in _CARDS.finditer(text):
        chassis = series_list(match["chassis"])
        items = series_list(_HARDWARE_END.split(match["list"], maxsplit=1)[0])
        cards = tuple(i for i in items if _is_card(i))
        if chassis and cards:
            named = f"{match['chassis']} with {', '.join(c.text for c in cards)}"
            detail.append(Platform(named, chassis, cards))
            others = tuple(i for i in items if not _is_card(i) and i.credible)
            if others:
                detail.append(Platform(", ".join(o.text for o in others), others))
    excluded: list[Series] = []
    for sentence in _SENTENCE.split(text):
        sides = [sentence[m.end() :] for m in _NEGATIVE_AFTER.finditer(sentence)]
        sides += [sentence[: m.start()] for m in _NEGATIVE_BEFORE.finditer(sentence)]
        for side in sides:
            excluded.extend(_mentions(side))
    return Scope(_distinct(only), tuple(dict.fromkeys(excluded)), "description", _distinct(detail))


def _distinct(platforms: list[Platform]) -> tuple[Platform, ...]:
    seen: dict[tuple[object, ...], Platform] = {}
    for platform in platforms:
        key = tuple(s.key for s in platform.chassis), tuple(s.key for s in platform.modules)
        seen.setdefault(key, platform)
    return tuple(seen.values())


def _mentions(text: str) -> list[Series]:
    """The series and models a free sentence names (only those with a number or a known name)."""
    found: list[Series] = []
    inherited: tuple[str, ...] = ()
    for match in _MENTION.finditer(text):
        parsed = parse_series(match.group(0), inherited)
        if parsed is not None and (parsed.digits or parsed.exact or parsed.words != ("",)):
            if parsed.words and parsed.words != ("",):
                inherited = parsed.words
            found.append(parsed)
    return found


def hardware_platforms(platforms: list[str]) -> list[str]:
    """The entries of a ``platforms`` list that name hardware."""
    return [p for p in platforms if parse_platforms(str(p))]
