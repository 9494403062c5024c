"""SnmpView -> DeviceRecord. Pure: no I/O, no clock; the same view always gives the same record.

Identity comes from SNMPv2-MIB and ENTITY-MIB; vendor / OS family / version from the fingerprint
knowledge base (``agent/fingerprints/*.yaml``); components from ENTITY-MIB (:mod:`.entity`);
installed software from HOST-RESOURCES-MIB (:mod:`.software`) and neighbours from LLDP-MIB and
CISCO-CDP-MIB (:mod:`.neighbors`). Every learned field gets a provenance entry naming the numeric
OID it came from.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from netsbom.agent.identify import kernel_of, kernel_software
from netsbom.agent.snmp import mibs, oids
from netsbom.agent.snmp.distro import distribution
from netsbom.agent.snmp.entity import Chassis, physical_table
from netsbom.agent.snmp.fingerprint import (
    Fingerprint,
    KnowledgeBase,
    VendorObject,
    extract,
    knowledge_base,
    used,
)
from netsbom.agent.snmp.neighbors import cdp_neighbors, lldp_neighbors, local_chassis_id
from netsbom.agent.snmp.shape import (
    enterprise_model,
    enterprise_serial,
    enterprise_version,
    group_serial,
    is_version_shaped,
)
from netsbom.agent.snmp.software import installed_software
from netsbom.agent.snmp.sysdescr import (
    model_from_descr,
    uname_host,
    version_from_descr,
    without_kernel_clause,
)
from netsbom.agent.snmp.view import (
    Oid,
    SnmpView,
    Value,
    dotted,
    parse_oid,
    to_text,
)
from netsbom.agent.virtual import with_virtual
from netsbom.core.companies import LEGAL_FORM
from netsbom.core.cpe import hardware_cpe, os_cpe
from netsbom.core.placeholders import is_bios_default
from netsbom.core.record import (
    Component,
    DeviceRecord,
    ErrorInfo,
    Identifiers,
    OsInfo,
    Provenance,
    Software,
    Target,
)

log = logging.getLogger(__name__)

# a description that only names its row's class (ENTITY-MIB's PhysicalClass): "CHASSIS"
_CLASS_WORD = re.compile(
    r"(?i)^(?:other|unknown|chassis|backplane|container|power ?supply|fan|sensor|module|port"
    r"|stack|cpu|energy ?object|battery|storage ?drive)$"
)
_PRODUCT_ID = re.compile(r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
_SINGLE_ID = re.compile(r"^(?=.*\d)[A-Za-z][A-Za-z0-9_-]{3,}$")
_POSITION = re.compile(
    r"^(?:slot|switch|chassis|unit|stack|module|board|system|member|rack)[-_]?\d+$", re.IGNORECASE
)


class _Provenance:
    def __init__(self, method: str) -> None:
        self.method = method
        self.entries: list[Provenance] = []

    def add(self, field_name: str, source: Oid | str, confidence: float = 1.0) -> None:
        text = dotted(source) if isinstance(source, tuple) else source
        self.entries.append(Provenance(field_name, self.method, text, confidence))


def parse_view(
    view: SnmpView,
    *,
    target: Target,
    agent_id: str,
    collected_at: str,
    report_id: str,
    method: str = "snmp",
) -> DeviceRecord:
    """The device's record; never raises: a fault of ours on odd data still gives the device's
    record (its system group) with an ``internal`` error naming what failed."""
    try:
        record = _parse_view(view, target, agent_id, collected_at, report_id, method)
        hardware = [to_text(v) or "" for v in view.column(oids.HR_DEVICE_DESCR).values()]
        return with_virtual(record, hardware, method)
    except Exception as exc:  # a bug of ours must not stop a batch
        log.exception("cannot parse the SNMP view of %s", target.id)
        errors = [ErrorInfo(e.kind, e.message, e.source) for e in view.errors]
        errors.append(ErrorInfo("internal", f"parse failed: {type(exc).__name__}: {exc}"[:300]))
        return DeviceRecord(
            target=target,
            agent_id=agent_id,
            collected_at=collected_at,
            report_id=report_id,
            hostname=view.text(oids.SYS_NAME),
            description=view.text(oids.SYS_DESCR),
            sys_object_id=view.object_id(oids.SYS_OBJECT_ID),
            errors=tuple(errors),
            complete=False,
        )


def _parse_view(
    view: SnmpView,
    target: Target,
    agent_id: str,
    collected_at: str,
    report_id: str,
    method: str,
) -> DeviceRecord:
    prov = _Provenance(method)
    hostname = view.text(oids.SYS_NAME)
    description = view.text(oids.SYS_DESCR)
    sys_object_id = view.object_id(oids.SYS_OBJECT_ID)
    for name, oid, value in (
        ("hostname", oids.SYS_NAME, hostname),
        ("description", oids.SYS_DESCR, description),
        ("sys_object_id", oids.SYS_OBJECT_ID, sys_object_id),
    ):
        if value is not None:
            prov.add(name, oid)

    components, chassis = physical_table(view)
    if components:
        prov.add("components", oids.ENT_PHYSICAL)
    identity = _identify(view, sys_object_id, description, chassis, components)
    vendor, version, build, model, serial = (
        identity.get(name) for name in ("vendor", "version", "build", "model", "serial")
    )
    for name, found in identity.items():
        prov.add("os." + name if name in ("version", "build") else name, found.source,
                 found.confidence)  # fmt: skip
    fingerprint = identity.fingerprint
    if fingerprint.family:
        prov.add("os.family", oids.SYS_DESCR if description else oids.SYS_OBJECT_ID, 0.9)
        prov.add("os.name", oids.SYS_DESCR if description else oids.SYS_OBJECT_ID, 0.9)
    os_info = OsInfo(
        family=fingerprint.family,
        version=version.value if version else None,
        build=build.value if build else None,
        image=None,
        name=fingerprint.os_name,
    )
    vendor_name = vendor.value if vendor else None
    model_name = model.value if model else None
    serial_number = serial.value if serial else None

    chassis_id = local_chassis_id(view)
    if chassis_id:
        prov.add("chassis_id", oids.LLDP_LOC_CHASSIS_ID)

    software = installed_software(view)
    if software:
        prov.add("software", oids.HR_SW_INSTALLED)
    kernel = _kernel(*identity.kernel) if identity.kernel else kernel_of(os_info, "sysDescr")
    if kernel is not None:
        software.insert(0, kernel)
        prov.add("software", oids.SYS_DESCR, 0.9)
    lldp = lldp_neighbors(view)
    if lldp:
        prov.add("neighbors", oids.LLDP_REM_TABLE)
    cdp = cdp_neighbors(view)
    if cdp:
        prov.add("neighbors", oids.CDP_CACHE_TABLE)

    cpe = os_cpe(os_info.family, os_info.version, model_name)
    if cpe:
        version_sources = [p.source for p in prov.entries if p.field == "os.version"]
        prov.add("identifiers.os_cpe", version_sources[0], 0.8)
    hw_cpe = hardware_cpe(vendor_name, model_name)
    if hw_cpe:
        model_sources = [p.source for p in prov.entries if p.field == "model"]
        prov.add("identifiers.hardware_cpe", model_sources[0], 0.7)

    errors = tuple(ErrorInfo(e.kind, e.message, e.source) for e in view.errors)
    return DeviceRecord(
        target=target,
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id,
        hostname=hostname,
        vendor=vendor_name,
        model=model_name,
        serial=serial_number,
        chassis_id=chassis_id,
        description=description,
        sys_object_id=sys_object_id,
        os=os_info,
        components=tuple(components),
        software=tuple(software),
        neighbors=tuple(lldp + cdp),
        identifiers=Identifiers(os_cpe=cpe, hardware_cpe=hw_cpe),
        provenance=tuple(prov.entries),
        errors=errors,
        complete=not errors,
    )


def _shaped_version(view: SnmpView, arc: Oid | None) -> _Found | None:
    found = enterprise_version(view, arc)
    return _found(found[0], found[1], 0.3) if found else None


def enterprise_to_read(view: SnmpView) -> Oid | None:
    """The device maker's enterprise subtree, when nothing read so far states its OS version, its
    model or its serial (or only guesses the model): the one place left to look
    (``netsbom.agent.snmp.shape``). Decided identically live and in replay. Never raises: a
    fault of ours costs the last resort only."""
    try:
        arc = device_enterprise(view)
        if arc is None or arc in view.whole:
            return None
        components, chassis = physical_table(view)
        sys_object_id = view.object_id(oids.SYS_OBJECT_ID)
        identity = _identify(view, sys_object_id, view.text(oids.SYS_DESCR), chassis, components)
    except Exception:  # a bug of ours must not lose what was read
        log.exception("cannot decide whether to read the enterprise subtree")
        return None
    return arc if any(_unsure(identity, name) for name in ("version", "model", "serial")) else None


def device_enterprise(view: SnmpView, kb: KnowledgeBase | None = None) -> Oid | None:
    """The enterprise subtree of the device's maker: its sysObjectID's; behind a general agent's
    sysObjectID (Net-SNMP's), or one that names no maker (absent or outside the enterprises
    subtree), the private subtree of the one maker the agent serves beside those of general
    agents and server-hardware agents (an appliance's vendor extends the stock agent with its own
    MIB: a Dataprobe PDU, a Check Point gateway, an EndRun clock; a general-purpose host serves
    none, or those of several agents). A sysObjectID's own subtree read whole and found
    :func:`vacant` says the maker's MIB sits under another number the agent serves (a maker's
    second registration, the OEM that built the box): the one other maker served, if one is."""
    kb = kb or knowledge_base()
    sys_object_id = view.object_id(oids.SYS_OBJECT_ID)
    arc = oids.enterprise_arc(sys_object_id)
    general = kb.general_agent(sys_object_id)
    if arc is not None and not general and not vacant(view, arc):
        return arc
    served = {suffix[0] for suffix, _ in view.subtree(oids.ENTERPRISES) if suffix}
    makers = served - kb.host_agent_enterprises - {0}  # IANA reserves number 0
    if arc is not None and not general:
        makers.discard(arc[-1])
        return (*oids.ENTERPRISES, makers.pop()) if len(makers) == 1 else arc
    return (*oids.ENTERPRISES, makers.pop()) if len(makers) == 1 else None


def vacant(view: SnmpView, arc: Oid) -> bool:
    """``arc`` was read whole and holds no text: nothing there can name a release, a product or a
    unit (an agent serving its maker's MIB under another number answers a counter here, if
    anything)."""
    return arc in view.whole and not any(isinstance(value, bytes) for _, value in view.subtree(arc))


def _maker_vendor(maker: Oid | None, kb: KnowledgeBase, general: bool) -> _Found | None:
    """The maker whose subtree a ``general`` agent (or one whose sysObjectID names no maker)
    serves: the vendor file's name, else IANA's."""
    if maker is None:
        return None
    number = maker[len(oids.ENTERPRISES)]
    name = kb.enterprise_vendor(number) or mibs.organization(maker)
    beside = "beside a general agent" if general else "by an agent whose sysObjectID names none"
    return _found(name, f"enterprise {number} served {beside}", 0.4)


@dataclass(frozen=True, slots=True)
class _Found:
    value: str
    source: Oid | str
    confidence: float = 1.0
    first: bool = False  # a vendor object marked ``over_entity``: outranks every other source
    unit: str | None = None  # the knowledge unit (rule, vendor object) that gave it
    guess: bool = False  # read for want of better: the maker's subtree may still replace it


class _Identity(dict[str, _Found]):
    fingerprint: Fingerprint = Fingerprint()
    kernel: tuple[str, str] | None = None  # an appliance's (kernel family, release)


# OS families whose sysDescr release is a kernel's (``uname``), not a product's firmware
_KERNEL_FAMILIES = frozenset({"linux", "freebsd", "openbsd"})


def _identify(
    view: SnmpView,
    sys_object_id: str | None,
    description: str | None,
    chassis: Chassis | None,
    components: list[Component] | None = None,
) -> _Identity:
    """Vendor, version, build, model and serial, each from the most specific source that answers.

    Order per field: the vendor's own rules and MIB objects first, then ENTITY-MIB's chassis row,
    then standard MIBs (Printer-MIB, UPS-MIB), the registration MIB name of the sysObjectID, and
    last the generic sysDescr grammar.
    """
    kb = knowledge_base()
    sys_oid = _oid_or_none(sys_object_id)
    answered: set[str] = set()
    if kb.needs_probe(sys_object_id):
        for name, objects in kb.probe_files():
            if _objects(view, objects, sys_oid, kb):
                answered.add(name)
                break
    fingerprint = kb.identify(sys_object_id, description, answered)
    own = device_enterprise(view, kb)  # the maker's subtree
    # a maker behind a general agent, or behind a sysObjectID that names none
    maker = own if own != oids.enterprise_arc(sys_object_id) else None
    kernel: tuple[str, str] | None = None
    declared = fingerprint  # what the box says it is
    appliance = kb.is_appliance(sys_object_id) or maker is not None
    if fingerprint.family in _KERNEL_FAMILIES and appliance:
        # an embedded appliance on a general-purpose kernel: the kernel is a part of its
        # firmware, whose release (if any source states it) is the OS version
        fingerprint, kernel = _kernel_as_part(fingerprint)
    if fingerprint.family:
        used(fingerprint.rule)
    vendor_objects = _objects(view, fingerprint.objects, sys_oid, kb)
    distro = vendor_objects.pop("distribution", None)
    if distro is not None and fingerprint.family == "linux" and fingerprint.version:
        stated = distribution(distro.value)
        if stated is not None:  # the distribution is the OS, the kernel a part of it
            fingerprint, kernel = _kernel_as_part(fingerprint)
            fingerprint = replace(fingerprint, family=stated.family, os_name=stated.name)
            vendor_objects["version"] = replace(distro, value=stated.release, confidence=0.9)
    always = kb.always_objects()
    standard = _objects(view, tuple(o for o in always if not o.agent), sys_oid, kb)
    agent_software = _objects(view, tuple(o for o in always if o.agent), sys_oid, kb)
    named = _objects(view, _named_objects(sys_oid), sys_oid, kb)
    generic = kb.fallback_units(description)
    rule = fingerprint.rule

    def by_rule(value: str | None, confidence: float) -> _Found | None:
        return _found(value, oids.SYS_DESCR, confidence, rule)

    def by_grammar(name: str) -> _Found | None:
        value, unit = generic.get(name, (None, None))
        return _found(value, oids.SYS_DESCR, 0.5, unit)

    row = chassis.component if chassis else None
    index = chassis.index if chassis else ()

    def entity(column: int) -> Oid:
        return (*oids.ENT_ENTRY, column, *index)

    by_description = fingerprint.entity_model == "description"
    general_agent = kb.general_agent(sys_object_id)  # its number says "some agent", no maker
    model_source = entity(oids.ENT_MODEL_NAME)
    candidates: dict[str, list[_Found | None]] = {
        "vendor": [
            vendor_objects.get("vendor"),
            _found(fingerprint.vendor, oids.SYS_OBJECT_ID, 0.9),
            _manufacturer(row, entity(oids.ENT_MFG_NAME)),
            _described_maker(description, kb),
            None if general_agent else _registered_organization(sys_oid),
            _maker_vendor(maker, kb, general_agent),
            _engine_vendor(view, kb) if oids.enterprise_arc(sys_object_id) is None else None,
        ],
        "version": [
            *(
                (vendor_objects.get("version"), by_rule(fingerprint.version, 0.7))
                if fingerprint.borrowed_rule
                else (by_rule(fingerprint.version, 0.9), vendor_objects.get("version"))
            ),
            _confirmed_firmware(row, standard.get("version"), entity(oids.ENT_FIRMWARE_REV)),
            _stated(
                _found(row.software_rev if row else None, entity(oids.ENT_SOFTWARE_REV), 0.8), row
            ),
            _stated(_inner(components, row, "software_rev", oids.ENT_SOFTWARE_REV)),
            standard.get("version"),
            # a management card's: the maker's subtree may state the device's own
            _guessed(_stated(agent_software.get("version"))),
            named.get("version"),
            by_grammar("version"),
            _found(version_from_descr(description), oids.SYS_DESCR, 0.5),
            _top_statement(components, row, version_from_descr),
            _found(row.firmware_rev if row else None, entity(oids.ENT_FIRMWARE_REV), 0.4),
            _inner(components, row, "firmware_rev", oids.ENT_FIRMWARE_REV, 0.4),
            _shaped_version(view, own),
        ],
        "build": [
            by_rule(fingerprint.build, 0.9),
            vendor_objects.get("build"),
            by_grammar("build"),
        ],
        "model": [
            _top_description(components, row, rule) if by_description else None,
            _found(row.model if row and _is_product_name(row.model) else None, model_source),
            _classless_model(components),
            vendor_objects.get("model"),
            _chassis_product_id(row, index),
            by_rule(fingerprint.model, 0.8),
            standard.get("model"),
            _printer_model(view),
            named.get("model"),
            _registered_product(sys_oid),
            by_grammar("model"),
            _guessed(_found(model_from_descr(description), oids.SYS_DESCR, 0.4)),
            _top_statement(components, row, model_from_descr),
            _chassis_description(row, index, components),
        ],
        "serial": [
            _found(_programmed(row.serial) if row else None, entity(oids.ENT_SERIAL)),
            vendor_objects.get("serial"),
            standard.get("serial"),
            named.get("serial"),
            _inner(components, row, "serial", oids.ENT_SERIAL),
            by_rule(fingerprint.serial, 0.8),
            by_grammar("serial"),
        ],
    }
    identity = _Identity()
    identity.fingerprint = fingerprint
    identity.kernel = kernel
    for name, options in candidates.items():
        preferred = vendor_objects.get(name)
        for option in [preferred] if preferred is not None and preferred.first else options:
            if option is not None and not _states_none(name, option.value):
                identity[name] = _unlabelled(option) if name == "version" else option
                used(option.unit)
                break
    _last_resort(view, own, identity)
    if maker is not None and identity.kernel and "version" not in identity:
        # it answers as a general-purpose host (Net-SNMP's Linux) and no source states its
        # maker's firmware release: it is described as the host it says it is, kernel and all
        identity.fingerprint, identity.kernel = declared, None
        used(declared.rule)
        kernel_release = _found(declared.version, oids.SYS_DESCR, 0.9, declared.rule)
        if kernel_release is not None:
            identity["version"] = kernel_release
    _firmware_over_kernel(identity)
    return identity


def _firmware_over_kernel(identity: _Identity) -> None:
    """A box that names a general-purpose kernel (``Linux 2.6.21.5-lvl7-dev, ... Version
    1.0.2.3``, or a uname line beside an appliance's own release object) but whose release comes
    from elsewhere runs firmware built on that kernel: the release is the firmware's, the kernel
    a part of it, and the OS no longer the kernel's family (whose version would name the kernel:
    a kernel component, and its CPE, at the firmware's release)."""
    fingerprint, chosen = identity.fingerprint, identity.get("version")
    if (
        fingerprint.family not in _KERNEL_FAMILIES
        or identity.kernel is not None
        or chosen is None
        or chosen.value == fingerprint.version
    ):
        return
    identity.fingerprint, identity.kernel = _kernel_as_part(fingerprint)


def _kernel_as_part(fingerprint: Fingerprint) -> tuple[Fingerprint, tuple[str, str] | None]:
    """The OS a kernel rule read, as firmware built on that kernel: no family, name or release
    of its own, and the kernel ((family, release), when its release is known) one of its parts."""
    family, release = fingerprint.family, fingerprint.version
    part = (family, release) if family and release else None
    return replace(fingerprint, family=None, os_name=None, version=None, build=None), part


def _stated(found: _Found | None, row: Component | None = None) -> _Found | None:
    """A software revision written as a sentence of four words or more ("VRP (R) software,
    Version 5.160 (CN), RELEASE 0089"), or one that starts with the ``row``'s product
    (``S3290-42 (standalone) 2.0.4`` in the row of an ``S3290-42 GigaBit Ethernet Switch``): the
    release it states, read by the sysDescr grammar; an image's name, the release at its end
    (``acmeos-ms4k-7.1.2-ED-R``). A release with its qualifiers ("5.20 Release 1513P62") stays
    whole."""
    if found is None:
        return None
    first, _, rest = found.value.partition(" ")
    names = (row.model, row.description) if row else ()
    products = {name.split()[0].casefold() for name in names if name and name.split()}
    if rest and first.casefold() in products:
        release = version_from_descr(rest)
    elif (image := _IMAGE_RELEASE.match(found.value)) and not is_version_shaped(found.value):
        release = image["release"]
    elif len(found.value.split()) >= _SENTENCE_WORDS:
        release = version_from_descr(found.value)
    else:
        return found
    return replace(found, value=release) if release else found


def _confirmed_firmware(
    row: Component | None, standard: _Found | None, source: Oid
) -> _Found | None:
    """The chassis row's firmware revision, when a standard MIB's release (RMON2's
    probeSoftwareRev, LLDP-MED's) states it too and the row's software revision states another:
    two sources agreeing outrank one (a D-Link keeps its boot PROM's release in
    entPhysicalSoftwareRev, its runtime's in entPhysicalFirmwareRev and probeSoftwareRev)."""
    firmware = (row.firmware_rev or "").strip() if row else ""
    software = (row.software_rev or "").strip() if row else ""
    if standard is None or not firmware or firmware.casefold() == software.casefold():
        return None
    return (
        _found(firmware, source, 0.8) if firmware.casefold() in standard.value.casefold() else None
    )


def _unlabelled(found: _Found) -> _Found:
    """A release without the label a source wrote before it (``Release 2509P33``, ``Build
    4.04.004``): the label is no part of the release a CPE or a version comparison reads."""
    labelled = _LABELLED_RELEASE.match(found.value.strip())
    return replace(found, value=labelled["release"]) if labelled else found


def _guessed(found: _Found | None) -> _Found | None:
    """A value read for want of better, which the maker's subtree may replace: a model the
    sysDescr grammar reads without a vendor's rule (a sysDescr of one phrase is often a name the
    operator set, "A-U32.024_PDU-B"), the SNMP agent's own release."""
    return replace(found, guess=True) if found else None


def _unsure(identity: _Identity, name: str) -> bool:
    """No source states ``name``, or only a guess does."""
    found = identity.get(name)
    return found is None or found.guess


def _last_resort(view: SnmpView, arc: Oid | None, identity: _Identity) -> None:
    """A model, then a serial, from the one scalar of their shape in the maker's subtree ``arc``
    (``netsbom.agent.snmp.shape``; the version is the last of its own candidates). A model the
    serial stood beside (both product-shaped) is tried again once the serial is known, and so
    is a model only the sysDescr grammar guessed, which the one found replaces; likewise a
    release only the SNMP agent states of itself."""
    model_found = identity.get("model")
    if arc is not None and "serial" not in identity and model_found is not None:
        known = [view.text(oid) for oid in oids.SYSTEM_TEXTS]
        grouped = group_serial(view, arc, model_found.value, known)
        if grouped is not None:
            identity["serial"] = _Found(grouped[0], grouped[1], 0.3)
    if arc is None or arc not in view.whole:
        return
    names = [view.text(oid) for oid in oids.DEVICE_NAMES]
    names.append(uname_host(view.text(oids.SYS_DESCR)))  # "Linux gw1 2.6.18 ...": a name

    def model() -> None:
        serial, vendor, version = (identity.get(name) for name in ("serial", "vendor", "version"))
        found = enterprise_model(
            view,
            arc,
            names,
            serial.value if serial else None,
            vendor.value if vendor else None,
            version.value if version else None,
        )
        if found is not None:
            identity["model"] = _Found(found[0], found[1], 0.3)

    if "model" not in identity:
        model()
    if "serial" not in identity:
        known = [view.text(oid) for oid in oids.SYSTEM_TEXTS]
        known += [found.value for found in identity.values()]
        model_found = identity.get("model")
        serial_found = enterprise_serial(
            view, arc, known, model_found.value if model_found else None
        )
        if serial_found is not None:
            identity["serial"] = _Found(serial_found[0], serial_found[1], 0.3)
    if _unsure(identity, "model") and not _confirmed_guess(view, arc, identity.get("model")):
        model()
    if _unsure(identity, "version") and (shaped := _shaped_version(view, arc)) is not None:
        identity["version"] = shaped  # over the SNMP agent's own release (a management card's)


def _confirmed_guess(view: SnmpView, arc: Oid, guess: _Found | None) -> bool:
    """The model the sysDescr grammar guessed names the product a scalar of the maker's subtree
    names too (``AB-1200`` beside ``AB-1200 (M-PoE)``): two sources agree, so no text of
    that subtree replaces it (the one product-shaped text there may be the operator's name for
    the device)."""
    if guess is None:
        return False
    key = guess.value.casefold()
    return any(
        text.casefold() == key or text.casefold().startswith(key + " ")
        for suffix, value in view.subtree(arc)
        if suffix and suffix[-1] == 0 and isinstance(value, bytes)
        for text in [(to_text(value) or "").strip()]
    )


def _found(
    value: str | None, source: Oid | str, confidence: float = 1.0, unit: str | None = None
) -> _Found | None:
    value = value.strip() if value else None
    return _Found(value, source, confidence, unit=unit) if value else None


def _oid_or_none(text: str | None) -> Oid | None:
    if not text:
        return None
    try:
        return parse_oid(text)
    except ValueError:
        return None


_LETTER = re.compile(r"[A-Za-z]")
# a serial field of erased flash (every byte 0xFF), as an agent renders it: "FFFFFFFFFFFF"
_ERASED = re.compile(r"^(?:F|\xff)+$", re.IGNORECASE)


def _programmed(serial: str | None) -> str | None:
    """entPhysicalSerialNum as the unit's serial: not the erased-flash pattern of a board whose
    serial was never written (ENTITY-MIB wants a zero-length string when there is none)."""
    return None if serial and _ERASED.match(serial.strip()) else serial


# what an organisation's name holds neither of: "UN344269584", "MP-118 FXS" and "DNT00" are a
# serial, a product and a code ("H3C", "3Com" and "F5" have one digit); "Ruijie General Operating
# System Software" is the software
_NOT_AN_ORGANIZATION = re.compile(r"\d\d|\boperating system\b", re.IGNORECASE)


def _manufacturer(row: Component | None, source: Oid) -> _Found | None:
    """The chassis row's entPhysicalMfgName, the maker (RFC 6933: "the name of the manufacturer
    of this physical component"), unless it names none: some agents fill it with a serial, a
    product or the software, and a wrong supplier is worse than none."""
    name = row.vendor if row else None
    return None if name and _NOT_AN_ORGANIZATION.search(name) else _found(name, source)


def _is_product_name(model: str | None) -> bool:
    """A product name has a letter: "1078904600-01" or "4.4.2" is a part or revision number."""
    return bool(model and _LETTER.search(model))


def _classless_model(components: list[Component] | None) -> _Found | None:
    """Agents that leave entPhysicalClass out entirely: the first row that names a product."""
    if not components or any(c.cls != "other" for c in components):
        return None
    for component in components:
        if _is_product_name(component.model) and component.model:
            source = (*oids.ENT_ENTRY, oids.ENT_MODEL_NAME, *parse_oid(component.index))
            return _Found(component.model, source, 0.6)
    return None


def _inner(
    components: list[Component] | None,
    row: Component | None,
    attribute: Literal["serial", "software_rev", "firmware_rev"],
    column: int,
    confidence: float = 0.6,
) -> _Found | None:
    """A chassis row that does not state ``attribute``: the first module inside it that does,
    directly or in a slot (the main board, supervisor or management card, where some vendors
    keep the unit's serial and software). Of several modules side by side, a release is the one
    most of them run (a line card may run its own: a Catalyst 6500's slot 1 card beside the
    supervisor and four cards running the system's release)."""
    own = getattr(row, attribute) if row is not None else None
    if not components or row is None or (_programmed(own) if attribute == "serial" else own):
        return None
    level = [row.index]
    for _ in range(4):  # chassis -> slot container(s) -> board
        inside = [c for c in components if c.parent in level]
        stating = [
            (component, value)
            for component in inside
            if component.cls in ("module", "cpu") and (value := _stated_by(component, attribute))
        ]
        if stating and attribute != "serial":  # a release: the one most of them run
            runs = Counter(value for _, value in stating)
            stating = [(c, value) for c, value in stating if runs[value] == max(runs.values())]
        if stating:
            chosen, value = stating[0]
            source = (*oids.ENT_ENTRY, column, *parse_oid(chosen.index))
            return _Found(value, source, confidence)
        level = [c.index for c in inside if c.cls == "container"]
        if not level:
            break
    return None


def _stated_by(
    component: Component, attribute: Literal["serial", "software_rev", "firmware_rev"]
) -> str | None:
    value: str | None = getattr(component, attribute)
    return _programmed(value) if attribute == "serial" else value


def _top_statement(
    components: list[Component] | None,
    row: Component | None,
    grammar: Callable[[str | None], str | None],
) -> _Found | None:
    """What the sysDescr grammar reads in the entPhysicalDescr of the device's top row
    ("RouterOS 7.1 (stable) on RB5009", "... Switch Rev 01.00.01"): a last resort."""
    top = row if row is not None else (components[0] if components else None)
    if top is None or not top.description:
        return None
    value = grammar(top.description)
    source = (*oids.ENT_ENTRY, oids.ENT_DESCR, *parse_oid(top.index))
    return _Found(value, source, 0.4) if value else None


def _top_description(
    components: list[Component] | None, row: Component | None, rule: str | None
) -> _Found | None:
    """entPhysicalDescr of the row at the top of the chassis row's containment (a stack, or the
    chassis itself), for OSes whose ModelName is a part number."""
    if not components or row is None:
        return None
    by_index = {c.index: c for c in components}
    top = row
    if all(c.cls == "other" and not c.parent for c in components):
        top = components[0]  # no class or containment answered: the first row is the device
    for _ in range(len(components)):
        parent = by_index.get(top.parent or "")
        if parent is None:
            break
        top = parent
    if not top.description:
        return None
    source = (*oids.ENT_ENTRY, oids.ENT_DESCR, *parse_oid(top.index))
    return _Found(top.description.strip(), source, unit=rule)


def _chassis_description(
    row: Component | None, index: Oid, components: list[Component] | None
) -> _Found | None:
    """The chassis row's entPhysicalDescr ("Cumulus Networks VX Chassis"): a last resort."""
    if row is None and components and all(c.cls == "other" and not c.parent for c in components):
        row, index = components[0], parse_oid(components[0].index)  # classless: the first row
    if row is None or not row.description or not _LETTER.search(row.description):
        return None
    text = " ".join(row.description.split())
    if len(text) > 64 or _CLASS_WORD.match(text):
        return None
    return _Found(text, (*oids.ENT_ENTRY, oids.ENT_DESCR, *index), 0.4)


def _chassis_product_id(row: Component | None, index: Oid) -> _Found | None:
    if row is None:
        return None
    found = _product_id(row.name, row.description)
    return _Found(found[0], (*oids.ENT_ENTRY, found[1], *index), 0.6) if found else None


def _named_objects(sys_oid: Oid | None) -> tuple[VendorObject, ...]:
    """The scalars the vendor's MIBs (when a MIB folder is set) name as the device's serial,
    version or model (:func:`netsbom.agent.snmp.mibs.identity_objects`)."""
    return tuple(
        VendorObject(field=item.field, oid=dotted(item.oid), name=f"{item.module}::{item.name}")
        for item in mibs.identity_objects(sys_oid)
    )


_SERIES = re.compile(r"\s+series$", re.IGNORECASE)  # "Brother MFC-L2710DW series": the model


def _printer_model(view: SnmpView) -> _Found | None:
    """A printer's model: the hrDeviceDescr of its first device when that is the printer
    (hrDeviceType hrDevicePrinter, RFC 2790) and the box answers Printer-MIB (RFC 3805): a host
    lists its print queues as printer devices too, but implements no Printer-MIB."""
    first = view.first_instance(oids.HR_DEVICE_TYPE)
    if first is None or first[1] != oids.HR_DEVICE_PRINTER:
        return None
    if view.first_instance(oids.PRINTER_MIB) is None:
        return None
    source = (*oids.HR_DEVICE_DESCR, *first[0])
    return _found(_SERIES.sub("", view.text(source) or ""), source, 0.8)


def _registered_product(sys_oid: Oid | None) -> _Found | None:
    """The sysObjectID's name in the vendor's registration MIB (when a MIB folder is set); not
    one naming the maker's operating system (``clavisterOS``: the OS is registered, no box), a
    MIB module (``xupsMIB``: an agent answering its MIB's root OID), a branch of products
    (``f10CSeriesProducts``: an agent answering its series' root) or the maker itself (a
    sysObjectID that is the enterprise's own number, ``dell``)."""
    if not sys_oid or len(sys_oid) <= len(oids.ENTERPRISES) + 1:
        return None
    product = mibs.product(sys_oid)
    if product is None or _REGISTERED_OS.match(product.short) or _NO_PRODUCT.search(product.name):
        return None
    return _Found(product.short, f"{product.module}::{product.name}", 0.7)


_REGISTERED_OS = re.compile(r"^[a-z]*OS$")  # "OS" after the maker's prefix, "acmeOS"
# a MIB module's identity ("xupsMIB", "acmeSwitchMIB"), a branch of products ("f10CSeriesProducts")
_NO_PRODUCT = re.compile(r"MIB$|Products$")


# a company's name, then its legal form after a comma or a space, first in a sysDescr: "Pulse
# Secure, LLC,...", "Infinera Corporation - Embedded Node Manager", "Acme Co., Ltd."; not a
# product id or a number after a maker ("Acme AB-1800", "Acme AS 400")
_COMPANY = re.compile(
    rf"^(?P<name>[A-Z][\w&+.-]*(?: [A-Z][\w&+.-]*){{0,3}})(?:,\s?|\s){LEGAL_FORM}"
    rf"(?:,?\s?{LEGAL_FORM})?(?=[,;]|\s+\D|\s*$)"
)


def _described_maker(description: str | None, kb: KnowledgeBase) -> _Found | None:
    """The maker a sysDescr names first: a vendor file's maker by its name (``Cisco Codec ...``,
    ``Extreme Networks Wireless Controller``), or a company with its legal form (``Pulse Secure,
    LLC``). An enterprise number's registrant may be a company since bought or a partner whose
    number the maker took over; the device's own description names who makes it now."""
    described = without_kernel_clause((description or "").strip().strip('"'))
    words = [word.casefold() for word in described.replace(",", " ").split()]
    for name in kb.vendor_names():
        own = [word.casefold() for word in name.split()]
        if own and words[: len(own)] == own:
            return _found(name, oids.SYS_DESCR, 0.5)
    company = _COMPANY.match(described)
    return _found(mibs.organization_name(company["name"]), oids.SYS_DESCR, 0.5) if company else None


def _registered_organization(sys_oid: Oid | None) -> _Found | None:
    """Who IANA registered the sysObjectID's enterprise number to: the maker, unless a vendor
    file names it first or the number is a general SNMP agent's (Net-SNMP's says "some agent")."""
    if sys_oid is None:
        return None
    name = mibs.organization(sys_oid)
    source = f"IANA enterprise {sys_oid[len(mibs.ENTERPRISES)]}" if name else ""
    return _found(name, source, 0.5)


def engine_enterprise(raw: Value) -> int | None:
    """The private enterprise number an snmpEngineID starts with (RFC 3411: four octets, the
    top bit set in the RFC 3411 format and clear in the older RFC 1910 one), else None."""
    if not isinstance(raw, bytes) or not 5 <= len(raw) <= 32:
        return None
    return int.from_bytes(raw[:4], "big") & 0x7FFFFFFF or None


def _engine_vendor(view: SnmpView, kb: KnowledgeBase) -> _Found | None:
    """A device without sysObjectID: the maker its snmpEngineID's enterprise number names (a
    vendor file's, else IANA's registry when one is in the MIB folder)."""
    number = next((engine_enterprise(raw) for _, raw in view.subtree(oids.SNMP_ENGINE_ID)), None)
    if number is None:
        return None
    name = kb.enterprise_vendor(number)
    if name is None:
        name = mibs.organization((*mibs.ENTERPRISES, number))
    return _found(name, f"snmpEngineID: enterprise {number}", 0.5)


def _objects(
    view: SnmpView, objects: tuple[VendorObject, ...], sys_oid: Oid | None, kb: KnowledgeBase
) -> dict[str, _Found]:
    """field -> first answer among ``objects`` (first instance under each object's OID)."""
    found: dict[str, _Found] = {}
    for obj in objects:
        if obj.field in found:
            continue
        prefix = obj.resolve(sys_oid)
        if prefix is None:
            continue
        if obj.row_from is not None:
            row = _row_index(view, parse_oid(obj.row_from))
            text = to_text(view.get((*prefix, row))) if row is not None else None
            if text is not None and (value := extract(obj.pattern, obj.field, text)):
                found[obj.field] = _Found(value, (*prefix, row or 0), unit=kb.unit(obj))
            continue
        instance = view.first_instance(prefix)
        if instance is None:
            continue
        suffix, raw = instance
        text = to_text(raw) if _plausible(obj.field, raw) else None
        if text is not None and (
            (obj.command and _COMMAND_ERROR.match(text)) or (obj.smbios and is_bios_default(text))
        ):
            continue
        if text is not None and (value := extract(obj.pattern, obj.field, text)):
            found[obj.field] = _Found(
                value, (*prefix, *suffix), first=obj.over_entity, unit=kb.unit(obj)
            )
    return found


# a failed command's message: its program's name or path, a colon ("/bin/cat: /sys/...: Permission
# denied", "sh: 1: distro: not found")
_COMMAND_ERROR = re.compile(r"^\S+:\s")


def _plausible(field: str, raw: Value) -> bool:
    """A product name is text (an INTEGER there is another object, an enumeration); a serial
    number is text or a positive number."""
    if isinstance(raw, int):
        return field != "model" and (field != "serial" or raw > 0)
    return True


def _row_index(view: SnmpView, oid: Oid) -> int | None:
    """The first instance under ``oid`` as a table row index (a non-negative integer)."""
    instance = view.first_instance(oid)
    if instance is None:
        return None
    raw = instance[1]
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    text = to_text(raw)
    return int(text) if text is not None and text.strip().isdigit() else None


# a release whose numbers are all zero ("KA.00.00.0000", "0.0.0"): a placeholder, no release
_ZERO_RELEASE = re.compile(r"^(?:[A-Za-z]{1,3}\.)?[vV]?0+(?:[._-]0+)+$")


_SENTENCE_WORDS = 4
# an image's name, the release at its end: "acmeos-ms4k-7.1.2-ED-R"
_IMAGE_RELEASE = re.compile(r"^[A-Za-z][\w-]*?[-_](?P<release>\d+\.\d+[\w.-]*)$")
# a release after its label, maybe with its train: "Release 2509P33", "Version: 1.2.3", "Build
# 4.04.004" (a build label before a dotted release only), "Version 5.170 V200R012C00SPC500"
_LABELLED_RELEASE = re.compile(
    r"^(?:(?i:release|version|ver\.?|rev(?:ision)?)\s*[:=]?\s*|(?i:build)\s*[:=]?\s*(?=\d+\.\d))"
    r"(?P<release>[A-Za-z]?\d[\w.()-]*(?:\s+[A-Za-z]?\d[\w.()-]*)?)$"
)
_MIN_SERIAL = 3  # "M", "NA": too short to number a unit


def _states_none(field_name: str, value: str) -> bool:
    """A value that states none: a release of zeros, a serial too short to number a unit. (A
    placeholder a device writes in full, "unavailable" or "999999999999", is kept as stated.)"""
    if field_name == "version":
        return bool(_ZERO_RELEASE.match(value))
    return field_name == "serial" and len(value.strip()) < _MIN_SERIAL


def _product_id(name: str | None, description: str | None) -> tuple[str, int] | None:
    for text, column in ((name, oids.ENT_NAME), (description, oids.ENT_DESCR)):
        if text:
            match = _PRODUCT_ID.search(text)
            if match:
                return match.group(0), column
    for text, column in ((description, oids.ENT_DESCR), (name, oids.ENT_NAME)):
        # a row named by nothing but a product id: "SGE2010", "tsh1r2"
        word = (text or "").strip()
        if _SINGLE_ID.match(word) and not _POSITION.match(word):
            return word, column
    return None


def _kernel(family: str, release: str) -> Software:
    """An appliance's kernel (the release its sysDescr states) as a part of its software: the
    Linux kernel with its CPE, a BSD kernel by name."""
    if family == "linux":
        return kernel_software(release, "sysDescr")
    return Software(name=family, version=release, kind="kernel", source="sysDescr")
