"""The generic grammar of sysDescr strings, for devices no vendor rule knows.

Embedded devices tend to write ``<model>[, ]<version>[, <platform>]`` ("US-24-250W, 5.43.18.12487,
Linux 3.6.5", "SiteBoss 530 2.10.540 STD", "VSP-8404 (5.1.1.1)", "GS1900-8"). These rules read
that shape; they are the last resort after vendor rules, vendor objects and standard MIBs, and their
provenance says so with a low confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from netsbom.core.companies import is_legal_form

# (ASCII: a release is written in ASCII; "8.3.2.0\xdaCopyright" is a release, a separator the
# agent's charset mangled, then a copyright)
_VERSION = re.compile(r"^[vV]?\d+(?:[._]\d+)+[\w.()+-]*$|^[vV]\d+[\w.]*$", re.ASCII)
_STOP_WORDS = {
    "version", "ver", "ver.", "release", "running", "software", "firmware", "revision", "rev",
    "rev.", "build", "copyright", "(c)", "hw:", "sw:", "fw:", "on", "with", "by", "-", "for",
}  # fmt: skip
_KERNELS = r"(?:Linux|FreeBSD|OpenBSD|NetBSD|SunOS|Darwin)"
_OPERATING_SYSTEMS = re.compile(rf"^(?:(?:{_KERNELS}|Windows|Microsoft|VMware)\b|Hardware:)")
# a kernel's `uname -a` line: its release is the kernel's, read by the OS rules
_UNAME = re.compile(rf"^{_KERNELS}\s+(?P<host>\S+)\s+\d")
# a kernel and its release in a clause of their own, then the appliance it runs: "Linux
# 2.6.21.5-lvl7-dev, Acme Small Business AP121 (AP121-E-K9), Version 1.0.2.3"
_KERNEL_CLAUSE = re.compile(rf"^{_KERNELS}\s+v?\d[^\s,]*,\s*(?P<rest>\S.*)$", re.DOTALL)
_HAS_DIGIT_AND_LETTER = re.compile(r"(?=.*\d)(?=.*[A-Za-z])")
_HYPHENATED = re.compile(r"^[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9+]+)+$")
# words of a product's description that name no product: a count of ports or slots ("24-Port",
# "8-port", "4-Slot"), radio chains ("4x4"), a link's speed ("8Gb", "52Mbps"), plain words joined
# by hyphens ("Out-of-band")
_NOT_AN_ID = re.compile(
    r"^(?:\d+-?(?i:ports?|slots?|bays?|channels?)\+?|\d+x\d+|\d+[GMK]b(?:ps|E)?"
    r"|[A-Za-z]+(?:-[A-Za-z]+)*-[a-z]{2,}(?:-[A-Za-z]+)*)$"
)
MAX_WORDS = 5
_V_MODEL = re.compile(r"^[vV]\d{3,}[A-Za-z]*$")  # "V3000", "V5812G": a model, not a version
_IEEE_802 = re.compile(r"^802\.\d+[a-z]{0,3}$")  # "802.11n", "802.3af": a standard it speaks
_NAME = re.compile(r"^[A-Z][A-Za-z]{2,}$")
# a model number; one with a leading zero numbers an instance ("Data Center 01 Temp Sensor")
_MODEL_NUMBER = re.compile(r"^[1-9]\d{1,4}[A-Za-z]{0,3}$")
# an upper-case product id with a hyphen, letters and digits: "S5810-48TS-P", "INETPOE-4GP2GF"
_PRODUCT_ID = re.compile(r"^(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+$")
_DESIGNATOR = re.compile(r"^[A-Z]{2,5}$")  # a trailing product line: "MS", "CTM"
_GENERIC_WORDS = {"agent", "snmp", "system", "controller", "device", "server", "host", "unknown"}
_DOTTED_QUAD = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


# Where devices name their hardware in words, in order of trust (documented shapes):
_MODEL_SHAPES = tuple(
    re.compile(pattern)
    for pattern in (
        # "Model: X", "Hardware Model:X", "PID:HP LaserJet M130", "Prod: X" (labels)
        r"(?i)\b(?:hardware\s+model|model|pid|prod(?:uct)?)\s*[:=]\s*(?P<model>[A-Za-z0-9][^,;\n]*?)"
        r"\s*(?=[,;\n]|$)",
        # "... running on an Acme Networks AB-1200", "OS for ab5812_54x", "AcmeOS 6.40.5 (stable)
        # on RB952Ui": the platform an OS runs on
        r"(?:\b(?:running on|for)|(?:\d[\w.-]*|\))\s+on)\s+(?:an?\s+)?"
        r"(?P<model>[A-Za-z][^,;\n]*?\d[^,;\n]*?)\s*$",
        # "AcmeOS (X440-24p) version 15.5": the platform in parentheses after the OS's name
        r"^\S+\s+\((?P<model>[A-Za-z][\w-]*\d[\w()-]*)\)\s+version\b",
        # "Acme TZ 570 (AcmeOS 7.0.1)", "MyPower S3220 version 6.6": a model before its OS
        r"^(?:[A-Z][A-Za-z]+\s+)(?P<model>[A-Z]{1,3}\s?\d{2,5}[A-Za-z]?)\s+(?:\(|version\b)",
        # "Acme 10G Core Routing Switch(N18010) By Acme Networks": a description, the product
        # id in parentheses, then its maker
        r"\((?P<model>[A-Z][A-Z0-9/-]*\d[A-Z0-9/-]*)\)\s+[Bb]y\s+[A-Z]",
    )
)


# what a model-shaped word can be and a product name is not: an OS's name ("Cumulus-Linux",
# "AcmeOS"), a `git describe` of a build ("4-10-g036b52a"), a number without a letter ("Model: 3"),
# a hexadecimal number written in small letters ("1d34": an id or a checksum, no product's name)
_NOT_A_MODEL = re.compile(
    r"(?i)^(?:[\w.-]*(?:[-_ ]linux|os|bsd)|\d+-\d+-g[0-9a-f]{7,}|[^a-z]*)$"
    r"|^(?-i:\d[0-9a-f]*[a-f][0-9a-f]*)$"
)


_GLUED_LABEL = re.compile(r"^[A-Za-z]{1,12}:(?P<value>[^:\s]+)$")  # "MD:PX3-5493U-K2", "HW:6"
# an OS's name, the software, not the box: "NOS", "ExtremeXOS", "NX-OS"
_OS_NAME = re.compile(r"^[A-Z][A-Za-z]*-?OS$")
# a trademark's sign is no part of a product's name: "BDCOM(tm) S5612", "Acme(R)"
_TRADEMARK = re.compile(r"\((?:tm|TM|r|R)\)|[\u00ae\u2122]")
_HOST_NAME = re.compile(r"^(?:[\w-]+\.){2,}[A-Za-z]{2,}$")  # "fw1.example.lan"
_UNIT_NUMBER = re.compile(r"^#\d+$")  # "#027676": a unit's number after its product's name
# words a product name never holds: a label ("SoftW:", " : "), a unit's sequence number or a counter
# (seven digits or more), a CPU architecture of a `uname` line ("NS-BSD SERIAL i386")
_NOT_IN_A_MODEL = re.compile(
    r"(?i)^(?:\S*:|\d{7,}|i[3-6]86|x86_64|amd64|aarch64|arm(?:v\d\w*|64)?|mips\w*|ppc\w*"
    r"|sparc\w*)$"
)


def model_from_descr(descr: str | None) -> str | None:
    """The product name a device writes before its version, if sysDescr has that shape: the
    first of the grammar's readings that names a product (``Model:3`` names none; the name
    before the release may)."""
    return next(filter(None, map(_product_name, _model_readings(descr))), None)


def _product_name(model: str) -> str | None:
    """``model`` as a product name, without a trademark's sign or an OS's name before its id,
    nor what follows one (a unit's number, a release's ``v``, a label glued to its value, an OS's
    name); None if it names no product."""
    words_written = [_TRADEMARK.sub("", word) for word in model.lstrip("=:;,.-_* ").split()]
    # a host's DNS name ("OPNsense.example.lan") names the device, not its product
    written = _without_os_names([w for w in words_written if not is_host_name(w)])
    words = _before_labels(written)
    if not words or (len(words) < len(written) and not any(c.isdigit() for c in "".join(words))):
        return None  # "N-TRON Switch e8:80:60": what is left before the MAC names no product
    unit = next((i for i, word in enumerate(words) if _UNIT_NUMBER.match(word)), None)
    if unit:  # "E3METER IPS 1290 #027676": the product, then the unit's number
        words = words[:unit]
    if words[-1] in ("v", "V") and len(words) > 1:  # "CS121 v 5.36.17": the release's "v"
        words = words[:-1]
    model = " ".join(words)
    if (
        _NOT_A_MODEL.match(model)
        or '"' in model  # 'BUFFALO "TeraStation" "TS3410R Ver.4.00': quoted words, cut
        or any(_NOT_IN_A_MODEL.match(word) for word in words)
    ):
        return None  # "hz40_277 Omni:  1.02.02": words ending in a label name no product
    return model


def _without_os_names(words: list[str]) -> list[str]:
    """``words`` without an OS's name before the product id (``Acme NX-OS AB9000 C1234-FX2``:
    the software it runs); after the id, an OS's name ends the product's name
    (:func:`_before_labels`)."""
    kept: list[str] = []
    past_id = False  # a word with a digit was kept: the product's id
    for word in filter(None, words):
        if past_id or not _OS_NAME.match(word):  # before the id: the software the product runs
            kept.append(word)
            past_id = past_id or any(c.isdigit() for c in word)
    return kept or words


def _before_labels(words: list[str]) -> list[str]:
    """The words before a label glued to its value (``HW:0x10``, ``S/N=000076``) or a MAC
    address, or an OS's name (``V5812G NOS 6.07p1``); the value of a first word's label
    (``MD:PX3-5493U-K2``)."""
    kept: list[str] = []
    for word in words:
        glued = _GLUED_LABEL.match(word)
        if glued and not kept:
            kept.append(glued["value"])
        elif glued or ":" in word.rstrip(":") or "=" in word or (kept and _OS_NAME.match(word)):
            break
        else:
            kept.append(word)
    return kept


def _model_readings(descr: str | None) -> Iterator[str]:
    """What the documented shapes read as the model, in order of trust; then the grammar's
    guess (:func:`_guessed_model`)."""
    # quotes escaped by the agent restored; a kernel's clause before the appliance's skipped
    descr = without_kernel_clause(descr.replace('\\"', '"')) if descr else descr
    if not descr or _OPERATING_SYSTEMS.match(descr.strip().strip('"')):
        return
    text = descr.strip().strip('"')
    for shape in _MODEL_SHAPES:
        for line in text.splitlines()[:3]:
            match = shape.search(line.strip())
            if match and len(match.group("model")) <= 48:
                yield match.group("model").strip()
    if guess := _guessed_model(descr):
        yield guess


def _guessed_model(descr: str) -> str | None:
    first_line = next(iter(descr.strip().strip('"').splitlines()), "")  # '"' alone: none
    segments = [s for s in re.split(r"[,;]", first_line)[:3] if s.strip()]
    for segment in segments:
        words, released = _leading_words(segment)
        if not words:
            continue
        if released and len(words) <= MAX_WORDS:  # "Apex Lynx-2.0.2": a name, then its release
            return " ".join(words)
        ids = [i for i, w in enumerate(words) if (_HAS_DIGIT_AND_LETTER.match(w) or
               _HYPHENATED.match(w)) and not _NOT_AN_ID.match(w)]  # fmt: skip
        if ids and len(words) <= MAX_WORDS:  # "AB-3528 Fast Ethernet Switch": what it is, cut
            return " ".join(_without_kind(words))
        if ids and ids[0] < MAX_WORDS:  # "SG350X-48 48-Port Gigabit Stackable Managed Switch"
            return " ".join(words[: ids[0] + 1])
        # "SiteBoss 530 2.10.540", "Netman 204", "PowerConnect 6248": a name and a model number
        for i in range(min(len(words), MAX_WORDS) - 1):
            if _NAME.match(words[i]) and _MODEL_NUMBER.match(words[i + 1]):
                return " ".join(words[: i + 2])
    # a product id anywhere on the first line: "FS Campus Switch PoE (S5810-48TS-P) By FS.COM"
    for segment in segments:
        previous = ""
        for raw in segment.split():
            word = raw.strip("()[]{}:,;\"'")
            after_build = previous.lower() in ("build", "(build")
            # "Acme Software (ACME-IPBASEK9-M)": the image's name, in parentheses after the word
            image = raw.startswith("(") and previous.lower() == "software"
            previous = raw
            if (
                _PRODUCT_ID.match(word)
                and not _VERSION.match(word)
                and not is_quantity(word)  # "100-240V": a supply's range
                and not after_build
                and not image
                and not _names_an_os_release(word)
            ):
                return word
    # a short sysDescr that is nothing but a product name: "Meraki MS", "Last Mile Gear CTM"
    words = first_line.split()
    if (
        len(segments) == 1
        and 2 <= len(words) <= 4
        and len(first_line) <= 32
        and words[0][:1].isupper()
        and _DESIGNATOR.match(words[-1])
        and not any(w.lower() in _GENERIC_WORDS for w in words)
    ):
        return " ".join(words)
    return None


def _names_an_os_release(word: str) -> bool:
    """An OS's name joined to its release: ``AcmeOS-V0700R0600``."""
    joined = _JOINED.match(word)
    return joined is not None and _OS_NAME.match(joined["product"]) is not None


# words that say what kind of device a product is, not which product: after its id they end it
_KIND_WORDS = {
    "switch", "router", "device", "controller", "gateway", "firewall", "appliance", "access",
    "point", "bridge", "core", "managed", "smart", "intelligent", "stackable", "fast",
    "fast-ethernet", "ethernet", "gigabit", "l2", "l3", "poe", "web",
}  # fmt: skip


_SPEED = re.compile(r"^\d+[GMK]$")  # "10G": a link's speed, no product id


def _without_kind(words: list[str]) -> list[str]:
    """``words`` without the words after the last product id (letters and digits) that only
    say what kind of device it is (``AB-3528 Fast Ethernet Switch``, ``AB650 Access Point``)."""
    ids = [
        i
        for i, word in enumerate(words)
        if _HAS_DIGIT_AND_LETTER.match(word)
        and word.casefold() not in _KIND_WORDS
        and not _SPEED.match(word)
    ]
    if ids and all(word.casefold() in _KIND_WORDS for word in words[ids[-1] + 1 :]):
        return words[: ids[-1] + 1]
    return words


def _leading_words(segment: str) -> tuple[list[str], bool]:
    """The words before the first release or stop word, and whether the last of them had its
    release joined to it (the product's name then ends there)."""
    words: list[str] = []
    for word in segment.split():
        # a company's name cut by a comma ("Juniper Networks, Inc. ex3400-48t Ethernet Switch")
        if not words and is_legal_form(word):
            continue
        if word.lower() in _STOP_WORDS or word.startswith("("):
            break
        if _TRAIN.match(word):
            if words:
                break
            continue  # "R6.5.02r NFXS-E ...": the release first, the product after it
        if joined := _JOINED.match(word):
            # "Apex Lynx-2.0.2": the product's name joined to its release ends the name; first
            # ("TiMOS-C-10.0.R4 cpm/hops ..."), or an OS's name ("AcmeOS-V0700R0600"), it is
            # an OS's name and release: no product
            if _names_an_os_release(word):
                return [], False
            if words:
                words.append(joined.group("product"))
            return words, bool(words)
        if _VERSION.match(word) and not _V_MODEL.match(word):
            break
        words.append(word)
    return words, False


# releases in the shapes of the version grammar below: a product joined to its release
# ("TiMOS-C-10.0.R4", "Lynx-2.0.2", "InstantOn_1930_1.0.5.0"), a release train ("R23.6")
_JOINED = re.compile(r"^(?P<product>[A-Za-z][\w-]*?)[-_](?:v?\d+\.\d+|V\d{1,4}R\d)")
_TRAIN = re.compile(r"^R\d+(?:\.\d+)+[A-Za-z]?\d*$")


# The version grammar: shapes of a version in free text, in order of trust; the first shape that
# finds a token not owned by hardware, a boot loader or a kernel wins. Each shape is a documented
# way devices write their software release, not a value seen in a recording.
# a release train of versions and releases ("V200R010C00SPC600", "V7R1M0") keeps its "V"
_VR_TRAIN = r"V\d{1,4}R\d{1,4}[A-Z0-9]*"
_RELEASE = rf"(?:v(?!\d{{1,4}}R\d))?(?P<version>{_VR_TRAIN}|\d+(?:[._-]\w+)+(?:\([\w.]+\)[\w.-]*)?)"
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.ASCII))
    for name, pattern in (
        # "SW: v6.3.2.011", "Software Version 4.04", "OS version 2.1", "SW_REV: 3.0.2": the
        # software itself (not "OS6850-U24X": a word going on into digits names a product)
        ("software", rf"(?i)\b(?:software|sw|os)(?![a-z0-9])[\s_]*"
                     rf"(?:version|ver\.?|rev(?:ision)?|release)?"
                     rf"\s*[:=]?\s*{_RELEASE}"),
        # "Version 15.1(2)SG", "Release: 7.1.2", "Rev 1.2", "Version saos-10-09-02" (a product
        # word before the release, hyphen-joined, is not part of it)
        ("labelled", rf"(?i)\b(?:version|ver\.?|release|rev(?:ision)?)\s*[:=]?\s*"
                     rf"(?:[a-z][\w]*-)*{_RELEASE}"),
        # "Firmware 1.2.3", "FW: 6.0.0.18", "PF:v6.8.2" (platform firmware)
        ("firmware", rf"(?i)\b(?:firmware|fw|pf)\s*(?:version|ver\.?|rev(?:ision)?)?\s*[:=]?"
                     rf"\s*{_RELEASE}"),
        # "EdgeOS v1.8.0", "KeeneticOS 4.02.C.1.0-1", "NOS 6.07p1": an OS named, then its release
        ("os-name", rf"\b[A-Z][A-Za-z]*OS[-_ ]{_RELEASE}"),
        # vendor trains: HPE/Aruba "KA.15.03.3004", "PL.10.08.1050", a platform's code and its
        # v-release (Ubiquiti's firmware names: "XW.v6.3.6", "EP.v1.6.0"); release trains "R23.6"
        ("train", r"(?<![\w.])(?P<version>[A-Z]{1,3}\.v?\d{1,2}\.\d{1,2}(?:\.\d{1,4})?"
                  rf"|R\d+(?:\.\d+)+[A-Za-z]?\d*|{_VR_TRAIN})(?![\w.])"),
        # a product joined to its release: "TiMOS-C-10.0.R4", "SRLinux-v24.10.1-492-g8f8"
        # "InstantOn_1930_1.0.5.0": a product and model number joined to the release
        ("joined", r"\b[A-Za-z]{2,}(?:[-_](?:[A-Za-z]+|\d+(?=[-_])))*[-_]v?"
                   r"(?P<version>\d+\.\d+[\w.-]*)"),
        # "v1.63.46" anywhere; "TCW241-v1.252", "FP231G-v7.4-build0771": a product id, then
        # its release marked by a "v"; "GPS 6010-0065-000 v 3.04": a "v" word, then the release
        ("v-token", r"(?:(?<![\w.-])|(?<=[A-Za-z0-9][-_]))[vV](?:(?<=\bv) (?=\d+\.\d))?"
                    r"(?P<version>\d+(?:\.\d+)+[\w.-]*)"),
    )
)  # fmt: skip
# what a token right after these words is the version of: hardware (Cisco's "VID: V01" is the
# hardware's version id), boot code, the kernel, a driver ("Radio Driver version 9.0.5.5"), and
# the SNMP agent (RFC 1628 tells upsIdentAgentSoftwareVersion from the UPS's own: "SNMP Agent SW
# v2.2" is the management card's agent, not the device's firmware)
_NOT_SOFTWARE = re.compile(
    r"(?i)(?:\b(?:hw|mb|hwv|vid|rom|boot\w*|u-boot|loader|bios|cpld|fpga|pcb|hardware|bootldr"
    r"|bootrom|bl|kernel|linux|driver|agent(?:\s+(?:sw|software))?)"
    r"(?:\s+(?:version|ver\.?|rev(?:ision)?|release))?\b|\bhw_rev)"  # "Hardware version: 12.03"
    r"\s*[:=]?\s*v?$"
)
# a clause (since the last comma) that names boot code or the kernel with its version, then more:
# "U-Boot 2013.01 (V1.0.1.29)" is all the boot loader's ("kernel JUNOS 15.1" is not: no version)
_BOOT_CLAUSE = re.compile(r"(?i)(?:^|[,;])\s*(?:u-boot|boot\w*|bios|linux|kernel)\s+v?\d[^,;]*$")
# a quantity, not a release nor a product: "3.6kVA", "2.4GHz", "1.5W", "10.5dBm", "9600RPM", a
# range of them ("100-240V"), a radio's modulation ("256QAM", "8PSK")
_QUANTITY = re.compile(
    r"(?i)^\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?\s*"
    r"(?:[kmgt]?(?:va|w|wh|v|a|hz|bps|b)|dbm?|nm|mm|ah|rpm|%|qam|psk)$"
)

_LETTERED_NUMBER = re.compile(r"^\d{7,}[A-Za-z]$")  # "9610005015A": a serial and its check letter


def version_from_descr(descr: str | None) -> str | None:
    """The software release a sysDescr states (:data:`_SHAPES`), else its first version-shaped
    word (``5.43.18.12487``). None for a kernel's ``uname`` line: the OS rules read those."""
    if not descr or _UNAME.match(descr.strip().strip('"')):
        return None
    return stated_version(descr) or _bare_version(descr)


def without_kernel_clause(descr: str) -> str:
    """``descr`` without a first clause that only names a kernel and its release (``Linux
    2.6.21.5-lvl7-dev, Acme AP121 ...``): what follows describes the appliance it runs."""
    clause = _KERNEL_CLAUSE.match(descr.strip().strip('"'))
    return clause["rest"] if clause else descr


def uname_host(descr: str | None) -> str | None:
    """The host name (``uname``'s nodename, the second word) of a kernel's ``uname`` line."""
    match = _UNAME.match(descr.strip().strip('"')) if descr else None
    return match["host"] if match else None


def stated_version(descr: str) -> str | None:
    """The release a text states in one of the documented shapes (:data:`_SHAPES`: labelled,
    a firmware's, an OS named then its release, a train, ``v1.2.3``), not a bare number."""
    for _name, shape in _SHAPES:
        for match in shape.finditer(descr):
            if _not_software(descr[: match.start("version")]):
                continue
            version = match.group("version").rstrip(".-_")
            if not _is_address_or_date(version) and not _QUANTITY.match(version):
                return version
    return None


def is_host_name(word: str) -> bool:
    """A host's DNS name, three labels or more (``fw1.example.lan``): a device's, not a
    product's."""
    return _HOST_NAME.match(word) is not None


def is_quantity(word: str) -> bool:
    """A number with its unit: a reading or a rating; not seven digits or more and one letter
    (``9610005015A``: no current, voltage or power is written to ten digits: a unit's serial
    and its check letter)."""
    return bool(_QUANTITY.match(word)) and not _LETTERED_NUMBER.match(word)


def _is_address_or_date(word: str) -> bool:
    if _DOTTED_QUAD.match(word) and _looks_like_ip(word):
        return True
    return bool(re.match(r"^(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./]\d\d?$", word))


def _not_software(before: str) -> bool:
    """The text before a version token says it is another thing's (hardware, boot code ...)."""
    return bool(_NOT_SOFTWARE.search(before) or _BOOT_CLAUSE.search(before))


def _bare_version(descr: str) -> str | None:
    for found in re.finditer(r"[^\s,;\x80-\U0010ffff]+", descr):  # ASCII words
        if _not_software(descr[: found.start()]):
            continue
        word = found.group(0).strip("()\"'")
        if _QUANTITY.match(word) or _V_MODEL.match(word) or _IEEE_802.match(word):
            continue  # "3.6kVA" is a rating, "V1600D" a model, "802.11n" a standard
        dotted_quad = _DOTTED_QUAD.match(word) is not None
        if (dotted_quad and not _looks_like_ip(word)) or (_VERSION.match(word) and not dotted_quad):
            return word[1:] if re.match(r"^[vV]\d", word) else word
    return None


def _looks_like_ip(word: str) -> bool:
    parts = [int(p) for p in word.split(".")]
    return all(p < 256 for p in parts) and parts[0] in (10, 127, 169, 172, 192)
