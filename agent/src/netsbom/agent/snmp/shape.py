"""The last resort for an OS version, a model or a serial: the one scalar of the device maker's
enterprise subtree that has the shape.

Small devices (UPSes, PDUs, rectifiers, optical amplifiers, appliances) often state their firmware
release, model and serial number only in scalars of their vendor's private MIB, a MIB netsbom does
not have. Documented conventions still point at them: an SMIv2 scalar's instance is its OID
followed by ``.0`` (RFC 2578); a release is written as a dotted version, maybe after one letter
naming its train (``2.9.4``, ``v6.0.3-build0058``, ``V1.10(AAWC.1)``, ``R80.20``), or stated
as a sysDescr states one (``Release 2.11``, ``Net Vision 8 v8.00``); a product is
named by an id of letters and digits (``BC2000``, ``EDS-G512E-T``), one to three words; a serial
number is one word of letters and digits (``S100Z16017355``, ``ND1932-0257``) that names one
unit, so it is none of the texts that name the product or the device (sysDescr, sysName,
sysLocation, sysContact, the model and version found elsewhere).

So, when no other source states a version, model or serial (or only the sysDescr grammar guesses
the model), the maker's enterprise subtree is read
(:func:`netsbom.agent.snmp.parse.device_enterprise`), and if it was read to its end within
``oids.ENTERPRISE_ROWS`` objects and exactly one distinct text of the shape sits in its scalars,
that is the value, with a low confidence and its OID as provenance. A serial number enumerates
units, so it carries a long sequence number a product id never has (``ZY18120520``,
``S204135008819``): among several serial-shaped texts, the one such is the serial, and only such a
one is taken from a table of one row (that row may describe a part of the device: a modem, a power
supply), unless the row also holds the device's model (for a serial) or serial (for a model): then
it is the device's own row. Likewise a group of scalars or a table's row where one names the
device's model (a box group: ``Acme QFX5100-48S-6Q Switch`` beside ``TA3716123456``; a PDU's unit
row) gives its one numbered serial, even when the subtree is too large to read whole
(:func:`group_serial`). Texts that differ only by a trailing number (``Analog Input 1``,
``Analog Input 2``) name instances, and digits-only texts filling a group are counters. Two
candidates (firmware and boot loader, a model and a serial), a subtree too large to read whole,
an address, a date, a reading or quantity (``9600RPM``), an instance's name (``Humidity1``), a
software statement (``SFOS 17.5.5 MR-5``) or an id with a long number or a hex run as a model:
no value, as none is better than a wrong one.
Nothing here knows a vendor.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Sequence

from netsbom.agent.snmp.fingerprint import knowledge_base
from netsbom.agent.snmp.sysdescr import is_host_name, is_quantity, stated_version
from netsbom.agent.snmp.view import Oid, SnmpView, to_text

_VERSION = re.compile(r"^[A-Za-z]?\d+(?:\.\d+){1,5}(?!\.?\d)[A-Za-z0-9()._+-]*$")
_OID_TEXT = re.compile(r"^(?:1\.3\.6\.1|0\.0)\.")  # an OID written as text: "1.3.6.1.4.1.9"
# a release with its build, revision or release number, date stamp or tag: "V6.2  build
# 20080519", "3.0.6 Build 20200805 Rel.55968", "1.12.0 rev 54574", "9.7.2.0 build 20 (US)",
# "v7.2.6,build1575,230926 (GA.F)", "v6.0.11(GA), build285, 2022.03.28", a maintenance release
# ("18.0.1 MR-1-Build396"), and the build's date
# as RFC 5322 writes it ("1.0.7, Mon, 04 Dec 2017 10:31:09") or C's __DATE__ __TIME__ ("Dec  4
# 2017 10:31:09")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_BUILD_DATE = (
    rf"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s+\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}})"
    r"\s+\d{4}(?:\s+\d\d:\d\d(?::\d\d)?)?"
)
_QUALIFIED = re.compile(
    r"^(?P<release>[^\s,]+?),?"
    r"(?:(?:\s+|,\s*)(?:(?i:build|rev|rel|release|mr)[ .:-]?\w[\w.-]*|\d{6,8}|\d{4}[.-]\d\d[.-]\d\d"
    rf"|{_BUILD_DATE})|\s*\([\w.-]+\))+$"
)
# a date: "2020-05-26", "2020.05.26", as Europe writes it ("12.02.2008"), or a CIM datetime
# (DMTF DSP0004: yyyymmddHHMMSS.mmmmmm and the offset from UTC in minutes,
# "20181211131605.000000+000")
_DATE = re.compile(
    r"^(?:19|20)\d\d[.-](?:0[1-9]|1[0-2])[.-](?:0[1-9]|[12]\d|3[01])$|^\d{14}\.\d{6}[+-]\d{3}$"
    r"|^(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)\d\d$"
)
# a date stamp, maybe with its time: "20200805", "20231114093012": not a unit's number
_DATE_STAMP = re.compile(
    r"^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d)?)?$"
)
_LETTER_RELEASE = re.compile(r"\d[a-z]$")  # "2.0a", "1.2b": a release's letter, not a unit
_DECIMAL = re.compile(r"^\d+\.\d+$")  # "54.50": a release, or a reading (a temperature)
_MAX_LENGTH = 40
_MAX_QUALIFIED = 128  # a release with its build, date and tags
_SERIAL = re.compile(r"^(?=(?:.*\d){2})[A-Za-z0-9][A-Za-z0-9-]{5,31}$")
# a product id: letters and digits, 3 to 32 characters, up to two more words ("Smart-UPS X 750")
_PRODUCT = re.compile(
    r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._/+-]{2,31}(?: [A-Za-z0-9._/+-]+){0,2}$"
)
_LONG_NUMBER = re.compile(r"\d{7,}")  # a serial's sequence or a counter's digits, not a product's
_LONG_WORD = re.compile(r"[A-Za-z0-9]{21,}")  # "416791G106T2010SEP230036": a code, not a name
_HEX_RUN = re.compile(r"[0-9A-Fa-f]{12}|^(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$")  # MAC, id
_INSTANCE = re.compile(r"^[A-Z]?[a-z]{4,}[ _-]?\d+$")  # "Humidity1", "Outlet 12": one of many
_READING = re.compile(r"\s-\s|\d/\d")  # "01/2021 - 92.9kWh": a reading or a date
# a release after a word with no digit or a separator ("SFOS 17.5.5 MR-5",
# "SECURE/SNMP/TELNET/WEB/V3.59", "SonicOS 7.0.1-R1456", "EP.v1.6.0"): a software statement; a
# product id followed by its revision ("T1600G-28TS 3.0") is still a product
_RELEASE_TOKEN = re.compile(r"(?:^|[/_(.]|\b[A-Za-z]+\s+)[vV]?\d+(?:\.\d+)+(?=$|[\s/)-])")
# "firmware" or "software" as a word of its own (between separators, underscores too): the
# text names the image a product runs, not the product
_SOFTWARE_WORD = re.compile(r"(?i)(?:^|[\W_])(?:firmware|software)(?:$|[\W_])")
# a mail address or a URL; with a host's DNS name, a network name: the group holding one holds
# network settings
_MAIL_OR_URL = re.compile(r"^[^@\s]+@[\w-]+(?:\.[\w-]+)+$|^[a-z]+://", re.IGNORECASE)
_MIN_NAME = 6  # a known text this long found inside a candidate makes it a name, not a serial
_ONE_CHARACTER = re.compile(r"^(.)\1*$")  # "000000", "FFFFFFFF": no serial written
_NUMBERS = re.compile(r"^\d+(?:-\d+){2,}$")  # "1-847-634-6700", "2020-05-26": not a unit's id
_DURATION = re.compile(r"^\d+\s*(?:s|ms|sec)$")  # "23265269s": an uptime, not a unit's id
_TRAILING_NUMBER = re.compile(r"^(?P<head>.*[A-Za-z][ _-]?)(?P<number>\d+)\s*$")
_STEM = re.compile(r"^[\s_/(-]")  # what may follow a product id inside a longer text


def release(text: str) -> str | None:
    """The release a version-shaped text states (itself, or the release before its build)."""
    if is_version_shaped(text):
        return text
    if len(text) > _MAX_QUALIFIED:  # no release and build are this long; bounds the regex's work
        return None
    qualified = _QUALIFIED.match(text)
    if qualified and is_version_shaped(qualified["release"]):
        return qualified["release"]
    return None


def is_version_shaped(text: str) -> bool:
    """A dotted release, not a date, a quantity (``3.3V``, ``2.4GHz``; a release may end in one
    small letter, ``2.0a``) or an address of a private, loopback or link-local range."""
    if len(text) > _MAX_LENGTH or not _VERSION.match(text) or _DATE.match(text):
        return False
    if _OID_TEXT.match(text):
        return False
    if is_quantity(text) and not _LETTER_RELEASE.search(text):
        return False
    return not _local_address(text)


def _address(text: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def _names_a_network_setting(text: str) -> bool:
    return _local_address(text) or _is_network_name(text)


def _is_network_name(text: str) -> bool:
    """A mail address, a URL or a host's DNS name."""
    stripped = text.strip()
    return _MAIL_OR_URL.match(stripped) is not None or is_host_name(stripped)


def _local_address(text: str) -> bool:
    address = _address(text)
    return address is not None and (
        address.is_private or address.is_loopback or address.is_link_local
    )


def _is_scalar(suffix: Oid) -> bool:
    """An instance ``<object>.0`` whose object's own arc is not 0 (a table row indexed ``0.0``)."""
    return len(suffix) >= 2 and suffix[-1] == 0 and suffix[-2] != 0


def is_serial_shaped(text: str) -> bool:
    """One word of 6 to 32 letters, digits and hyphens with two digits or more; not a release, a
    date or date stamp, a phone number, a quantity or duration (``4014192kB``, ``23265269s``) or
    one character repeated."""
    return bool(
        _SERIAL.match(text)
        and not _ONE_CHARACTER.match(text)
        and not _DATE_STAMP.match(text)
        and not _NUMBERS.match(text)
        and not is_quantity(text)
        and not _DURATION.match(text)
        and not is_version_shaped(text)
    )


def _numbered(text: str, _: Collection[str]) -> bool:
    return is_numbered(text)


def is_numbered(text: str) -> bool:
    """Carries a long number (seven digits or more): a unit's sequence number, never a product's."""
    return bool(_LONG_NUMBER.search(text))


def is_product_shaped(text: str) -> bool:
    """A product id: letters and digits, no long number, hex run, release, instance's name,
    reading or network name (a host's DNS name, ``time1.example.com``; a mail address; a URL),
    and no text that calls itself firmware or software (``ACME_F2_Firmware_v05_29``: the image
    it runs, not the product)."""
    return bool(
        _PRODUCT.match(text)
        and not _LONG_NUMBER.search(text)
        and not _LONG_WORD.search(text)
        and not _HEX_RUN.search(text)
        and not _INSTANCE.match(text)
        and not _READING.search(text)
        and not is_quantity(text)
        and not _RELEASE_TOKEN.search(text)
        and release(text) is None
        and not _is_network_name(text)
        and not _SOFTWARE_WORD.search(text)
    )


def enterprise_version(view: SnmpView, arc: Oid | None) -> tuple[str, Oid] | None:
    """(version, its OID): the only release under ``arc``, written alone in a scalar or in the
    column of a table of one row (``<column>.1``: a system's or its one unit's release), or
    stated in a scalar in one of the sysDescr grammar's documented shapes (``Release 2.11``,
    ``PDU System v1.05 (SN 1113016920004)``: :func:`~netsbom.agent.snmp.sysdescr.stated_version`),
    if ``arc`` was read whole; else None. Decimal numbers (``54.50``), when the subtree writes
    more than one, are readings written as text (temperatures, voltages), not releases. A dotted
    quad beside an address of a private range, a mail address, a URL or a host name (in the same
    group or column: network settings) is an address too, not a release; the group's other
    texts are read as any others."""
    if arc is None or arc not in view.whole:
        return None
    texts = _texts(view, arc)
    groups = {suffix[:-2] for suffix, text in texts.items() if _names_a_network_setting(text)}
    addresses = {
        suffix for suffix, text in texts.items() if suffix[:-2] in groups and _address(text)
    }
    decimals = {suffix for suffix, text in texts.items() if _DECIMAL.match(text)}
    readings = decimals if len(decimals) > 1 else set()

    def read(text: str) -> str | None:
        return release(text) or stated_version(text)

    def bare(_: Oid, text: str) -> bool:  # a table's row is read only for a release alone
        return release(text) is not None

    return _only(view, arc, read, single_rows=bare, skip=addresses | readings)


def enterprise_model(
    view: SnmpView,
    arc: Oid | None,
    names: Iterable[str | None],
    serial: str | None,
    maker: str | None = None,
    version: str | None = None,
) -> tuple[str, Oid] | None:
    """(model, its OID): the only product-shaped scalar value under ``arc`` that is neither the
    serial found elsewhere nor in one of the device's ``names`` (sysName, sysLocation,
    sysContact, a ``uname`` sysDescr's host name), if ``arc`` was read whole; else None. A text
    holding the ``version`` found (six characters or more) names the product only by what it
    joins the release to (``FP231G-v7.4-build0771``: ``FP231G``); a text stating a model under
    its label gives it (``model=M5400``). Of several, the only one that
    starts with the first word of the ``maker``'s name (``Check Point 23900``), else the one all
    the others start with (:func:`_stem`). A table of one row counts if its row holds the
    ``serial`` (it describes the device); texts numbered as instances (:func:`_instances`) are
    none."""
    known = [text.casefold() for text in names if text]  # a model is in none of them
    release_found = version.casefold() if version and len(version) >= _MIN_NAME else None

    def product(text: str) -> str | None:
        folded = text.casefold()
        if release_found and release_found in folded:
            # "FP231G-v7.4-build0771": a product id joined to the release found names the
            # product; "V210R220" only states the release V210R220
            head = text[: folded.index(release_found)].rstrip(" -_vV")
            return product(head) if head and head != text else None
        if not is_product_shaped(text) and (stated := _labelled(text, "model")):
            text, folded = stated, stated.casefold()
        if not is_product_shaped(text) or any(folded in name for name in known):
            return None
        return None if serial and folded == serial.casefold() else text

    first = (maker or "").split()[:1]  # the first word of the maker's name

    def named(text: str, _: Collection[str]) -> bool:  # "Check Point 3200": maker, then product
        return bool(first) and text.casefold().startswith(first[0].casefold() + " ")

    if arc is None or arc not in view.whole:
        return None
    texts = _texts(view, arc)
    rows = _rows_naming(texts, serial)

    def in_a_row(suffix: Oid, _: str) -> bool:  # the row describes the device: its product
        return _row(suffix) in rows

    return _only(
        view, arc, product, single_rows=in_a_row, prefer=(named, _stem), skip=_instances(texts)
    )


def _texts(view: SnmpView, arc: Oid) -> dict[Oid, str]:
    """suffix -> the text under ``arc`` there, stripped, if it is a text and not empty."""
    return {
        suffix: text
        for suffix, value in view.subtree(arc)
        if suffix and isinstance(value, bytes) and (text := (to_text(value) or "").strip())
    }


def _row(suffix: Oid) -> tuple[Oid, int]:
    """(table entry, row index) of a one-arc-indexed table cell ``<entry>.<column>.<index>``."""
    return suffix[:-2], suffix[-1]


def _rows_naming(texts: dict[Oid, str], text: str | None) -> set[tuple[Oid, int]]:
    """The rows (:func:`_row`) holding ``text`` (case ignored): the rows that describe the
    device, when ``text`` is its model or serial."""
    folded = text.casefold() if text else None
    return {_row(suffix) for suffix, other in texts.items() if other.casefold() == folded}


def _stem(text: str, texts: Collection[str]) -> bool:
    """The text every other one starts with, then a separator: ``TCW241`` beside
    ``TCW241 SNMP Agent`` and ``TCW241-v1.252`` names the product the others describe."""
    return all(
        other == text or (other.startswith(text) and _STEM.match(other[len(text) :]))
        for other in texts
    )


def _instances(texts: dict[Oid, str]) -> set[Oid]:
    """Texts that differ only by their trailing number (``Analog Input 1``, ``Analog Input 2``;
    ``Outlet-A1``): each names one of many instances, not the product."""
    numbers: dict[str, set[str]] = defaultdict(set)
    heads: dict[Oid, str] = {}
    for suffix, text in texts.items():
        if match := _TRAILING_NUMBER.match(text):
            numbers[match["head"]].add(match["number"])
            heads[suffix] = match["head"]
    return {suffix for suffix, head in heads.items() if len(numbers[head]) > 1}


def _counters(texts: dict[Oid, str]) -> set[Oid]:
    """Texts of digits only, three or more in a group (``<group>.<object>.0``) holding no other
    text: counters written as text (a disk's sizes), not serials."""
    digits = Counter(suffix[:-2] for suffix, text in texts.items() if text.isdigit())
    words = Counter(suffix[:-2] for suffix, text in texts.items() if not text.isdigit())
    return {
        suffix
        for suffix, text in texts.items()
        if text.isdigit() and digits[suffix[:-2]] >= 3 and not words[suffix[:-2]]
    }


def enterprise_serial(
    view: SnmpView, arc: Oid | None, known: Iterable[str | None], model: str | None = None
) -> tuple[str, Oid] | None:
    """(serial, its OID): the only serial-shaped scalar value under ``arc`` that is in none of the
    ``known`` texts naming the product or the device (nor holds one of them: a product name with
    a suffix), if ``arc`` was read whole; else None. Among several, the only numbered one
    (:func:`is_numbered`). In the column of a table of one row, only a numbered one, or any
    serial-shaped one if the row also names the device's ``model`` (it describes the device, not
    a modem or a power supply in it). Counters written as text (:func:`_counters`) are none."""
    names = [text.casefold() for text in known if text]

    def unit_id(text: str) -> str | None:
        if not is_serial_shaped(text) and (stated := _labelled(text, "serial")):
            text = stated  # "PDU System v1.05 (SN 1113016920004)"
        folded = text.casefold()
        if not is_serial_shaped(text) or any(
            folded in name or (len(name) >= _MIN_NAME and name in folded) for name in names
        ):
            return None
        return text

    if arc is None or arc not in view.whole:
        return None
    texts = _texts(view, arc)
    rows = _rows_naming(texts, model)

    def in_a_row(suffix: Oid, text: str) -> bool:  # a unit's number, or the device's row
        return is_numbered(text) or _row(suffix) in rows

    return _only(
        view, arc, unit_id, single_rows=in_a_row, prefer=(_numbered,), skip=_counters(texts)
    )


def _labelled(text: str, field: str) -> str | None:
    """The ``field`` a text states under its label (``SN 1113016920004``, ``model=M5400``), as
    the generic sysDescr patterns read it (``standard.yaml``'s fallback)."""
    return knowledge_base().fallback(text).get(field)


_MIN_MODEL_KEY = 5  # "MX80" would match inside "MX800"


def _key(text: str) -> str:
    """Letters and digits only, case folded: ``QFX5100-48S-6Q`` and ``QFX510048S6Q`` agree."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def group_serial(
    view: SnmpView, arc: Oid | None, model: str | None, known: Iterable[str | None]
) -> tuple[str, Oid] | None:
    """(serial, its OID): the one numbered serial-shaped text (``test43`` beside the model is
    a name) in the device's own groups of scalars or rows under ``arc`` (``<group>.<object>.0``,
    ``<entry>.<column>.<index>``): those where a text names the device's ``model`` (compared by
    letters and digits only: ``Acme QFX5100-48S-6Q Switch`` beside ``TA3716123456``; a unit
    table's row ``PX3-5493U-K2`` beside its serial), read whole or not: a box group describes the
    device as a table's row describes a unit. Of several, the shallowest (the box near the top of
    the MIB; a member table's row indexed 0 looks like a group further down). Texts of the
    ``known`` names are none."""
    key = _key(model or "")
    if arc is None or len(key) < _MIN_MODEL_KEY:
        return None
    names = [text.casefold() for text in known if text]
    texts = _texts(view, arc)
    groups = {_row(suffix) for suffix, text in texts.items() if key in _key(text)}
    found: dict[str, Oid] = {}
    for suffix, text in texts.items():
        if (
            _row(suffix) in groups
            and is_serial_shaped(text)
            and is_numbered(text)
            and key not in _key(text)
            and not any(text.casefold() in name for name in names)
        ):
            found.setdefault(text, (*arc, *suffix))
    if found:
        top = min(len(oid) for oid in found.values())
        found = {text: oid for text, oid in found.items() if len(oid) == top}
    if len(found) != 1:
        return None
    [(serial, oid)] = found.items()
    return serial, oid


def _filled(value: object) -> bool:
    """Not an empty text (a table's row that states nothing in this column)."""
    return not isinstance(value, bytes) or bool((to_text(value) or "").strip())


def _only(
    view: SnmpView,
    arc: Oid | None,
    read: Callable[[str], str | None],
    *,
    single_rows: Callable[[Oid, str], bool] = lambda _suffix, _text: False,
    prefer: Sequence[Callable[[str, Collection[str]], bool]] = (),
    skip: Container[Oid] = (),
) -> tuple[str, Oid] | None:
    """The one distinct value ``read`` finds in the scalars under ``arc`` (and in the columns of
    tables of one row, or whose other rows are empty, if ``single_rows`` holds for the cell's
    suffix and text), if ``arc`` was read whole; of several, the one read from the only text the
    first deciding rule of ``prefer`` holds for (each rule sees the text and all the candidates'
    texts)."""
    if arc is None or arc not in view.whole:
        return None
    rows = list(view.subtree(arc))
    cells = Counter(suffix[:-1] for suffix, _ in rows)  # of each object (or column)
    filled = Counter(suffix[:-1] for suffix, value in rows if _filled(value))
    found: dict[str, tuple[Oid, str]] = {}  # value -> (its OID, the text it was read from)
    for suffix, value in rows:
        column = suffix[:-1]
        alone = filled[column] == 1  # beside ".0", ".1" makes a column with a row 0
        scalar = alone and _is_scalar(suffix)
        # a table of one row, or a column whose other rows are empty: one unit states it
        single = alone and (suffix[-1:] == (1,) or cells[column] > 1)
        if not (scalar or single) or not isinstance(value, bytes) or suffix in skip:
            continue
        text = (to_text(value) or "").strip()
        value_read = read(text) if text else None
        if value_read and (scalar or single_rows(suffix, text)):
            found.setdefault(value_read, ((*arc, *suffix), text))
    texts = [text for _, text in found.values()]
    for rule in prefer if len(found) > 1 else ():
        kept = {value: source for value, source in found.items() if rule(source[1], texts)}
        if len(kept) == 1:
            found = kept
            break
    if len(found) != 1:
        return None
    [(only, (oid, _))] = found.items()
    return only, oid
