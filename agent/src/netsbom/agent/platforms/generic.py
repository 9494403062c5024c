"""The SSH driver of last resort: `show version`-like output of a platform no driver knows.

Nothing here is written for one OS. The family and its release come from the SNMP knowledge's
OS rules (a `show version` banner is, for most network OSes, what their sysDescr says too);
model, serial and version from the ``Key: value`` labels devices print (``Model number``,
``System Type``, ``Serial Number``, ``Software Version``); else the sysDescr grammar reads the
banner. Used when netmiko cannot name the platform, or for ``platform: generic``.
"""

from __future__ import annotations

import re

from netsbom.agent.platforms.base import Partial, Platform, command, first, key_values, pick
from netsbom.agent.snmp.fingerprint import knowledge_base
from netsbom.agent.snmp.sysdescr import model_from_descr, version_from_descr

_VERSION_KEYS = (
    "software version", "os version", "system version", "firmware version", "sw version",
    "version", "software", "firmware", "system software version", "running version",
    "product version", "image version", "software revision", "firmware revision", "firm ver",
    "firmware ver", "software ver",
)  # fmt: skip
_MODEL_KEYS = (
    "model number", "model", "model name", "system type", "product", "product name",
    "product model", "hardware model", "hardware", "machine model", "switch model", "platform",
    "chassis type", "chassis", "device model", "system model",
)  # fmt: skip
_SERIAL_KEYS = (
    "system serial number", "serial number", "serial", "serial no", "serial num",
    "chassis serial number", "chassis serial", "processor board id", "system serial",
    "service tag", "svc tag", "s/n", "sn",
)  # fmt: skip
_HOSTNAME = re.compile(r"^(\S+) uptime is ", re.MULTILINE)
_SERIAL_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,}$")
# unlabelled shapes: "Processor board ID FDO1633Q14S", "cisco WS-C3750X-24S (PowerPC) processor",
# "cisco Nexus9000 C9396PX Chassis"
_BOARD_ID = re.compile(
    r"(?i)\b(?:processor board id|system serial number)[ \t]*:?[ \t]*([A-Z0-9]{6,})"
)
# (within one line: "Hardware", then "  cisco Nexus 3048 Chassis", is not a maker and a model)
_PROCESSOR = re.compile(r"^\w+[ \t]+(?P<model>\S*\d\S*)[ \t]+\([^)\n]*\)[ \t]+processor", re.M)
_CHASSIS = re.compile(
    r"^[ \t]*\w+[ \t]+(?P<model>[^\n]*?\d[^\n]*?)[ \t]+[Cc]hassis\s*(?:\(|$)", re.M
)
_NOT_A_MODEL = re.compile(r"://|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|\bshow\b|#")
# keys whose "version" is not the OS's: boot code, hardware, kernel, components (a radio's
# driver or firmware; a microcontroller's, a power sequencer's, a supply's, a fan's or an
# optic's firmware: "Microcontroller Firmware: version v1.0.0.2" beside "system: version 7.1(4)")
_NOT_OS_KEY = re.compile(
    r"\b(?:bios|boot\w*|rom\w*|loader|hardware|hw|kernel|fpga\d*|cpld\d*|epld\d*|pcb|vdb|rules"
    r"|app|av|ips|engine|signature|database|bootstrap|driver|radio|microcontroller|sequencer|psu"
    r"|power|fan|transceiver|optics?|sfp\+?|qsfp\w*|cxp)\b"
)
_BARE_KEYS = frozenset({"version", "software", "firmware"})  # words any part's label ends in
# the image the device runs ("AP Running Image : 17.12.0.78"), beside the images it boots
_RUNNING_IMAGE = re.compile(r"\brunning image(?: version)?$")


def parse_show_version(text: str) -> Partial:
    found = knowledge_base().identify_text(text)
    values = key_values(_without_history(text))
    labelled = _version(pick(values, *_VERSION_KEYS))
    lines = text.strip().splitlines()
    head = " ".join(lines[:3])
    serial = pick(values, *_SERIAL_KEYS)
    return Partial(
        hostname=first(pick(values, "hostname", "system name"), _group(_HOSTNAME, text)),
        vendor=found.vendor,
        model=_model(
            first(
                found.model,
                _first_item(pick(values, *_MODEL_KEYS)),
                _group(_PROCESSOR, text),
                _group(_CHASSIS, text),
                model_from_descr(lines[0]) if lines else None,  # "Arista DCS-7010T-48-R"
                model_from_descr(head),
            )
        ),
        serial=first(
            serial.split()[0] if serial and _SERIAL_WORD.match(serial.split()[0]) else None,
            _group(_BOARD_ID, text),
            _serial_column(lines),
        ),
        os_family=found.family,
        os_name=found.os_name,
        # a release under an OS's label, then the running image's, then the OS rules' reading
        # of the banner, then one under an OS's label naming its product (``SONiC Software
        # Version``), then under any other label (``NXOS: version 9.3(8)``), then the banner's
        # grammar
        os_version=first(
            labelled,
            _running_image(values),
            found.version,
            _version(_product_labelled(values)),
            _any_version(values),
            version_from_descr(head),
        ),
        os_build=found.build,
    )


# a table's serial column: "Board  ID  Bay  Board Name  Rev  Serial number" over its rows
_SERIAL_HEADER = re.compile(r"(?i)\b(?:serial(?: number| no\.?| num)?|s/n)\s*$")
_RULE = re.compile(r"^[\s=+|-]*$")  # a table's ruler line, or a blank one


def _serial_column(lines: list[str]) -> str | None:
    """The word in the first row under a table's last column when its header is a serial's:
    ``Serial number`` over ``A000000000000001``."""
    for index, line in enumerate(lines):
        match = _SERIAL_HEADER.search(line)
        if match is None or len(line.split()) < 3:  # a table's header names several columns
            continue
        row = next((r for r in lines[index + 1 :] if not _RULE.match(r)), "")
        words = [(m.start(), m.group()) for m in re.finditer(r"\S+", row)]
        if len(words) >= 3 and abs(words[-1][0] - match.start()) <= 2:
            word = words[-1][1]
            return word if _SERIAL_WORD.match(word) else None
        return None
    return None


def _version(value: str | None) -> str | None:
    """A labelled value that holds a release: its release (``AcmeOS v2.1, build 7`` -> 2.1)."""
    if value is None:
        return None
    word = value.split()[0].strip(",")
    return word.removeprefix("v") if re.match(r"^v?\d", word) else version_from_descr(value)


# a section about the last restart ("Last reset at ... / Reason: ... / System version: 9.3(15)",
# maybe after a blank line): its labels state the release the device ran then, before an upgrade
_HISTORY = re.compile(
    r"(?im)^[ \t]*last (?:reset|reload|restart|reboot)\b.*\n(?:[ \t]*\n)?(?:[ \t]*\S.*(?:\n|$))*"
)
_VERSION_LINE = re.compile(r"(?im)^.*\bversion\b.*(?:\n|$)")


def _without_history(text: str) -> str:
    """``text`` without the releases its sections about the last restart state (to the next
    blank line after the section's first line); their other lines stay."""
    return _HISTORY.sub(lambda section: _VERSION_LINE.sub("", section.group(0)), text)


def _running_image(values: dict[str, str]) -> str | None:
    """The release of the image the device runs, under a label that says so (``AP Running Image
    : 17.12.0.78``; not ``Primary Boot Image``, ``Backup Boot Image``)."""
    return first(*(_version(value) for key, value in values.items() if _RUNNING_IMAGE.search(key)))


def _product_labelled(values: dict[str, str]) -> str | None:
    """A value under an OS's label that names its product first (``SONiC Software Version``,
    ``Acme OS Version``), the labels in :data:`_VERSION_KEYS`' order; a bare ``version`` (any
    part's) and the labels of boot code, hardware or a component's never."""
    for key in _VERSION_KEYS:
        if key in _BARE_KEYS:
            continue
        for label, value in values.items():
            if label.endswith(" " + key) and not _NOT_OS_KEY.search(label):
                return value
    return None


def _any_version(values: dict[str, str]) -> str | None:
    """A release under any other label: ``NXOS: version 9.3(8)``, ``SW: Version 08.0.95``,
    ``Software image version: 4.28.1F`` (not a boot loader's, hardware's or kernel's)."""
    for key, value in values.items():
        if _NOT_OS_KEY.search(key):
            continue
        match = re.match(r"(?i)^version:?\s+v?(\d\S*)", value)
        if match:
            return match.group(1).rstrip(",")
        if key.endswith("version") and re.match(r"^v?\d", value):
            return value.split()[0].removeprefix("v").rstrip(",")
    return None


def _model(value: str | None) -> str | None:
    return None if value is None or _NOT_A_MODEL.search(value) else value


def _first_item(value: str | None) -> str | None:
    """``ASA5520, 512 MB RAM, CPU ...`` -> ``ASA5520``: a model is the first item of a list."""
    return value.split(",")[0].strip() or None if value else None


def _group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1).strip() if match else None


PLATFORM = Platform(
    family="generic",
    commands=(
        command("show version", parse=parse_show_version),
        command("show system", parse=parse_show_version),
        command("show inventory", parse=parse_show_version),
    ),
    names_family=False,
)
