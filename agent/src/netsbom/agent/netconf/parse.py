"""NETCONF replies -> :class:`Partial` + provenance: the pure part of a NETCONF poll (and replay).

A poll sends the requests of :data:`REQUESTS` that the device's hello capabilities announce
(:func:`requests_for`) and keeps each reply's XML text under the request's name; the parsers read
them in the order below, the first to state a field wins it (platforms.combine), and provenance
names the request (``get-software-information``, ``get ietf-hardware:hardware``...).

- Junos: ``get-software-information``, ``get-chassis-inventory`` (read through the Junos SSH
  driver's parsers: Junos' JSON is its XML element for element, so one parser serves both);
- Cisco IOS XE: ``Cisco-IOS-XE-device-hardware-oper`` (device-inventory, software version);
- Nokia SR OS: the ``urn:nokia.com:sros:ns:yang:sr:state`` tree (system version, chassis, cards,
  MDAs and transceivers' hardware data);
- OpenConfig: ``openconfig-platform`` components (IOS XR, IOS XE, Junos, EOS, SR OS), read by
  the gNMI parser: the same model in XML;
- IETF: ``ietf-hardware`` (RFC 8348, and its pre-NMDA ``hardware-state``) and ``ietf-system``
  platform (os-name, os-release), which yuma123's netconfd also states in its ``uname``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused

from netsbom.agent.platforms import combine
from netsbom.agent.platforms.base import Partial, clean, component_class, first, guarded
from netsbom.agent.yang import family_from_modules
from netsbom.core.families import known_family
from netsbom.core.record import Component, ErrorInfo, Provenance

NS_IETF_HW = "urn:ietf:params:xml:ns:yang:ietf-hardware"
NS_IETF_HW_STATE = "urn:ietf:params:xml:ns:yang:ietf-hardware-state"
NS_IETF_SYSTEM = "urn:ietf:params:xml:ns:yang:ietf-system"
NS_OC_PLATFORM = "http://openconfig.net/yang/platform"
NS_XE_HW = "http://cisco.com/ns/yang/Cisco-IOS-XE-device-hardware-oper"
NS_SROS_STATE = "urn:nokia.com:sros:ns:yang:sr:state"
JUNOS_CAPABILITY = "http://xml.juniper.net/netconf/junos/1.0"


@dataclass(frozen=True, slots=True)
class Request:
    """One thing to ask: a vendor RPC (``rpc``: its XML) or a ``<get>`` of a subtree (``get``:
    the filter), sent when a capability containing ``needs`` was announced."""

    name: str
    needs: str
    parse: Callable[[str], Partial]
    rpc: str | None = None
    get: str | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _root(text: str) -> ElementTree.Element:
    """The reply's content: ``<data>``'s children for a ``<get>``, else the rpc-reply."""
    body = text.strip().removesuffix("]]>]]>")  # a NETCONF 1.0 end-of-message mark, if kept
    root: ElementTree.Element = defused.fromstring(body.encode(), forbid_dtd=True)
    data = next((child for child in root if _local(child.tag) == "data"), None)
    return data if data is not None else root


def _find(node: ElementTree.Element, *path: str) -> ElementTree.Element | None:
    """The first descendant along ``path`` of local names (namespaces ignored)."""
    current: ElementTree.Element | None = node
    for name in path:
        if current is None:
            return None
        current = next(
            (c for c in current.iter() if c is not current and _local(c.tag) == name), None
        )
    return current


def _children(node: ElementTree.Element | None, name: str) -> list[ElementTree.Element]:
    return [] if node is None else [c for c in node if _local(c.tag) == name]


def _text(node: ElementTree.Element | None, name: str) -> str | None:
    child = next((c for c in node if _local(c.tag) == name), None) if node is not None else None
    return clean(child.text) if child is not None and child.text else None


def as_json(node: ElementTree.Element) -> Any:
    """An element as the JSON a YANG tree would be (lists from repeated siblings; leaves are
    text; identities keep their prefix, as JSON_IETF writes them)."""
    children = list(node)
    if not children:
        return (node.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        name = _local(child.tag)
        value = as_json(child)
        if name in out:
            out[name] = out[name] if isinstance(out[name], list) else [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    return out


def junos_json(node: ElementTree.Element) -> Any:
    """A Junos XML element as Junos' own ``| display json`` renders it: every element a list of
    objects, text as ``{"data": ...}``, attributes as ``{"attributes": ...}``."""
    children = list(node)
    item: dict[str, Any] = {}
    if node.attrib:
        item["attributes"] = {_local(k): v for k, v in node.attrib.items()}
    if not children:
        item["data"] = (node.text or "").strip()
        return item
    for child in children:
        item.setdefault(_local(child.tag), []).append(junos_json(child))
    return item


# --- Junos ---------------------------------------------------------------------------------------


def _junos(parser: Callable[[str], Partial], element: str) -> Callable[[str], Partial]:
    def parse(text: str) -> Partial:
        root = _root(text)
        node = root if _local(root.tag) == element else _find(root, element)
        if node is None:
            multi = _find(root, "multi-routing-engine-results")
            if multi is None:
                return Partial()
            node = multi
            element_name = "multi-routing-engine-results"
        else:
            element_name = element
        return parser(json.dumps({element_name: [junos_json(node)]}))

    return parse


def _junos_parsers() -> tuple[Callable[[str], Partial], Callable[[str], Partial]]:
    from netsbom.agent.platforms import junos

    return (
        _junos(junos.parse_show_version, "software-information"),
        _junos(junos.parse_chassis_hardware, "chassis-inventory"),
    )


def parse_junos_software(text: str) -> Partial:
    return _junos_parsers()[0](text)


def parse_junos_chassis(text: str) -> Partial:
    return _junos_parsers()[1](text)


# --- ietf-hardware / ietf-system -----------------------------------------------------------------

_IANA_CLASSES = {
    "chassis": "chassis",
    "backplane": "backplane",
    "container": "container",
    "power-supply": "power-supply",
    "fan": "fan",
    "sensor": "sensor",
    "module": "module",
    "port": "port",
    "stack": "stack",
    "cpu": "cpu",
    "battery": "other",
    "storage-drive": "other",
}


def parse_ietf_hardware(text: str) -> Partial:
    """RFC 8348 ``/hardware/component`` (or ``/hardware-state/component``) rows."""
    root = _root(text)
    container = _find(root, "hardware") or _find(root, "hardware-state")
    if container is None and _local(root.tag) in ("hardware", "hardware-state"):
        container = root
    components: list[Component] = []
    for row in _children(container, "component"):
        cls = (_text(row, "class") or "").rsplit(":", 1)[-1]
        name = _text(row, "name")
        components.append(
            Component(
                index=name or str(len(components) + 1),
                parent=_text(row, "parent"),
                cls=_IANA_CLASSES.get(cls, "other"),
                name=name,
                description=_text(row, "description"),
                vendor=_text(row, "mfg-name"),
                model=first(_text(row, "model-name"), _text(row, "alias")),
                serial=_text(row, "serial-num"),
                hardware_rev=_text(row, "hardware-rev"),
                firmware_rev=_text(row, "firmware-rev"),
                software_rev=_text(row, "software-rev"),
                is_fru={"true": True, "false": False}.get(_text(row, "is-fru") or ""),
            )
        )
    chassis = next((c for c in components if c.cls == "chassis" and not c.parent), None)
    return Partial(
        vendor=chassis.vendor if chassis else None,
        model=chassis.model if chassis else None,
        serial=chassis.serial if chassis else None,
        os_version=chassis.software_rev if chassis else None,
        components=tuple(components),
    )


def parse_ietf_system(text: str) -> Partial:
    """``/system-state/platform`` (os-name, os-release, machine) and ``/system/hostname``; where
    the server states its ``uname`` instead (yuma123's netconfd), that."""
    root = _root(text)
    platform = _find(root, "platform")
    uname = _find(root, "uname")
    os_name = first(_text(platform, "os-name"), _text(uname, "sysname"))
    release = first(_text(platform, "os-release"), _text(uname, "release"))
    entry = known_family(os_name)
    return Partial(
        hostname=first(
            _text(_find(root, "system"), "hostname"), _text(_find(root, "yuma"), "sysName")
        ),
        os_family=entry.id if entry else None,
        os_name=os_name,
        os_version=release,
    )


# --- OpenConfig ----------------------------------------------------------------------------------


def parse_openconfig(text: str) -> Partial:
    """``openconfig-platform`` components in XML, read by the gNMI parser (the same model)."""
    from netsbom.agent.gnmi.parse import COMPONENTS, parse_replies

    root = _root(text)
    node = root if _local(root.tag) == "components" else _find(root, "components")
    if node is None:
        return Partial()
    tree = as_json(node)
    if isinstance(tree, dict) and isinstance(tree.get("component"), dict):
        tree["component"] = [tree["component"]]
    notification = {"prefix": "", "updates": [{"path": COMPONENTS, "value": tree}]}
    partial, _provenance = parse_replies({"get": {COMPONENTS: [notification]}})
    return partial


# --- Cisco IOS XE --------------------------------------------------------------------------------

_XE_CLASSES = {"hw-type-chassis": "chassis", "hw-type-module": "module", "hw-type-pim": "module",
               "hw-type-pem": "power-supply", "hw-type-fan": "fan", "hw-type-transceiver": "port",
               "hw-type-cpu": "cpu", "hw-type-dimm": "other"}  # fmt: skip


def parse_iosxe_hardware(text: str) -> Partial:
    """``Cisco-IOS-XE-device-hardware-oper``: device-inventory rows and the software version."""
    root = _root(text)
    hardware = _find(root, "device-hardware")
    components: list[Component] = []
    for row in _children(hardware, "device-inventory"):
        kind = (_text(row, "hw-type") or "").rsplit(":", 1)[-1]
        name = first(_text(row, "hw-description"), _text(row, "part-number"))
        components.append(
            Component(
                index=str(len(components) + 1),
                cls=_XE_CLASSES.get(kind) or component_class(name),
                name=_text(row, "dev-name") or name,
                description=_text(row, "hw-description"),
                vendor="Cisco",
                model=_text(row, "part-number"),
                serial=_text(row, "serial-number"),
                hardware_rev=_text(row, "version"),
                is_fru=None,
            )
        )
    chassis_at = next((i for i, c in enumerate(components) if c.cls == "chassis"), None)
    if chassis_at is not None:
        parent = components[chassis_at].index
        components = [c if i == chassis_at else Component(**{**_fields(c), "parent": parent})
                      for i, c in enumerate(components)]  # fmt: skip
    system = _find(root, "device-system-data")
    version = _text(system, "software-version")
    if chassis_at is not None:  # the boot ROM is the chassis's firmware
        chassis_fields = {
            **_fields(components[chassis_at]),
            "firmware_rev": _text(system, "rommon-version"),
        }
        components[chassis_at] = Component(**chassis_fields)
    chassis = components[chassis_at] if chassis_at is not None else None
    return Partial(
        vendor="Cisco" if components or version else None,
        model=chassis.model if chassis else None,
        serial=chassis.serial if chassis else None,
        os_family="ios-xe" if components or version else None,
        os_version=_xe_version(version),
        description=version,
        components=tuple(components),
    )


def _fields(component: Component) -> dict[str, Any]:
    return {name: getattr(component, name) for name in component.__slots__}


_XE_VERSION = re.compile(r"Version\s+([0-9][\w.()]*)", re.IGNORECASE)


def _xe_version(text: str | None) -> str | None:
    """``Cisco IOS XE Software, Version 17.09.04a`` -> ``17.09.04a``; a bare version as is."""
    if not text:
        return None
    match = _XE_VERSION.search(text)
    return match.group(1) if match else clean(text.split(",")[0])


# --- Nokia SR OS ---------------------------------------------------------------------------------


def parse_sros_state(text: str) -> Partial:
    """SR OS state: ``system/version/version-number``, hardware-data of the chassis, cards and
    MDAs, and port transceivers."""
    root = _root(text)
    state = root if _local(root.tag) == "state" else _find(root, "state")
    if state is None:
        return Partial()
    version = _text(_find(state, "system", "version"), "version-number")
    components: list[Component] = []

    def hardware(node: ElementTree.Element, cls: str, name: str, parent: str | None) -> str:
        data = next((c for c in node if _local(c.tag) == "hardware-data"), None)
        index = str(len(components) + 1)
        components.append(
            Component(
                index=index,
                parent=parent,
                cls=cls,
                name=name,
                vendor="Nokia",
                model=first(_text(data, "part-number"), _text(node, "equipped-type")),
                serial=_text(data, "serial-number"),
                software_rev=_text(node, "software-version"),
                is_fru=None if cls == "chassis" else True,
            )
        )
        return index

    chassis_index = None
    for chassis_node in _children(state, "chassis"):
        label = " ".join(
            filter(
                None, (_text(chassis_node, "chassis-class"), _text(chassis_node, "chassis-number"))
            )
        )
        chassis_index = hardware(chassis_node, "chassis", f"chassis {label}".strip(), None)
        break
    for card in _children(state, "card"):
        slot = _text(card, "slot-number") or "?"
        card_index = hardware(card, "module", f"card {slot}", chassis_index)
        for mda in _children(card, "mda"):
            hardware(mda, "module", f"mda {slot}/{_text(mda, 'mda-slot') or '?'}", card_index)
    for port in _children(state, "port"):
        transceiver = next((c for c in port if _local(c.tag) == "transceiver"), None)
        if transceiver is None or not _text(transceiver, "vendor-serial-number"):
            continue
        components.append(
            Component(
                index=str(len(components) + 1),
                parent=chassis_index,
                cls="port",
                name=_text(port, "port-id"),
                vendor=_text(transceiver, "vendor-manufacturer")
                or _text(transceiver, "vendor-oui"),
                model=first(
                    _text(transceiver, "vendor-part-number"), _text(transceiver, "model-number")
                ),
                serial=_text(transceiver, "vendor-serial-number"),
                is_fru=True,
            )
        )
    chassis = components[0] if components and components[0].cls == "chassis" else None
    return Partial(
        vendor="Nokia",
        model=chassis.model if chassis else None,
        serial=chassis.serial if chassis else None,
        os_family="sros",
        os_version=version,
        components=tuple(components),
    )


# --- what to ask, and the whole parse ------------------------------------------------------------

REQUESTS: tuple[Request, ...] = (
    Request("get-software-information", JUNOS_CAPABILITY, guarded("get-software-information",
            parse_junos_software), rpc="<get-software-information/>"),
    Request("get-chassis-inventory", JUNOS_CAPABILITY, guarded("get-chassis-inventory",
            parse_junos_chassis), rpc="<get-chassis-inventory/>"),
    Request("get Cisco-IOS-XE-device-hardware-oper:device-hardware-data", NS_XE_HW,
            guarded("Cisco-IOS-XE-device-hardware-oper", parse_iosxe_hardware),
            get=f'<device-hardware-data xmlns="{NS_XE_HW}"/>'),
    Request("get nokia-state:state", NS_SROS_STATE, guarded("nokia-state", parse_sros_state),
            get=f'<state xmlns="{NS_SROS_STATE}"><system><version/></system><chassis/><card/>'
                "<port><port-id/><transceiver/></port></state>"),
    Request("get openconfig-platform:components", NS_OC_PLATFORM,
            guarded("openconfig-platform", parse_openconfig),
            get=f'<components xmlns="{NS_OC_PLATFORM}"/>'),
    Request("get ietf-hardware:hardware", NS_IETF_HW + "?",
            guarded("ietf-hardware", parse_ietf_hardware), get=f'<hardware xmlns="{NS_IETF_HW}"/>'),
    Request("get ietf-hardware-state:hardware", NS_IETF_HW_STATE,
            guarded("ietf-hardware-state", parse_ietf_hardware),
            get=f'<hardware xmlns="{NS_IETF_HW_STATE}"/>'),
    Request("get ietf-system:system-state", NS_IETF_SYSTEM,
            guarded("ietf-system", parse_ietf_system),
            get=f'<system-state xmlns="{NS_IETF_SYSTEM}"/>'),
)  # fmt: skip


def requests_for(capabilities: Iterable[str]) -> tuple[Request, ...]:
    """The requests a device announcing ``capabilities`` (hello URIs) can answer."""
    announced = list(capabilities)
    return tuple(r for r in REQUESTS if any(r.needs in uri for uri in announced))


def modules(capabilities: Iterable[str]) -> list[str]:
    """YANG module names from hello capability URIs (``...?module=NAME&revision=...``)."""
    found = []
    for uri in capabilities:
        match = re.search(r"[?&]module=([^&]+)", uri)
        if match:
            found.append(match.group(1))
    return found


def parse_replies(
    replies: Mapping[str, str | None], capabilities: Iterable[str] = ()
) -> tuple[Partial, tuple[Provenance, ...]]:
    """``replies`` maps a request name to its reply's XML (None: the device refused it)."""
    parsed: list[tuple[str, Partial]] = []
    errors: list[ErrorInfo] = []
    for request in REQUESTS:
        if request.name not in replies:
            continue
        text = replies[request.name]
        if text is None:
            errors.append(
                ErrorInfo("unsupported", "the device does not answer this request", request.name)
            )
            continue
        try:
            partial = request.parse(text)
        except (ElementTree.ParseError, DefusedXmlException) as exc:
            partial = Partial(errors=(ErrorInfo("parse", f"not XML: {exc}", request.name),))
        parsed.append((request.name, partial))
        errors.extend(partial.errors)
    combined, provenance = combine(parsed, method="netconf")
    found = list(provenance)
    if not combined.os_family:
        announced = list(capabilities)
        family = family_from_modules(modules(announced))
        if family is None and any(JUNOS_CAPABILITY in uri for uri in announced):
            family = "junos"
        if family is not None:
            combined = replace(combined, os_family=family)
            found.append(Provenance("os.family", "netconf", "hello capabilities", 0.9))
    entry = known_family(combined.os_family)
    if entry is not None:
        # the vendor as records write it (the registry's), not a chassis's "Cisco Systems, Inc."
        combined = replace(combined, os_name=combined.os_name or entry.name,
                           vendor=entry.vendor or combined.vendor)  # fmt: skip
    return replace(combined, errors=tuple(errors)), tuple(found)
