"""gNMI replies -> :class:`Partial` + provenance: the pure part of a gNMI poll (also replay).

Replies are plain data, as :mod:`netsbom.agent.gnmi.session` produces and recordings store them:

    {"capabilities": {"gNMI_version": "0.7.0", "supported_models": [{"name", "organization",
                      "version"}], "supported_encodings": ["JSON_IETF"]},
     "get": {"/components": [NOTIFICATION...], "/system/state": [...]},
     "errors": {"/system/state": {"code": "UNIMPLEMENTED", "message": "..."}}}

    NOTIFICATION = {"prefix": "/a/b[k=v]", "updates": [{"path": "/c/d", "value": JSON}]}

A device may answer ``/components`` in one update holding the whole tree (the JSON value of the
container) or in one update per leaf (``/components/component[name=X]/state/serial-no``); both
build the same tree, so the parser reads OpenConfig's ``openconfig-platform`` model, not a
vendor's way of sending it. Hardware components become ``components`` (transceivers included,
from ``openconfig-platform-transceiver``); software components (``OPERATING_SYSTEM``, ``BIOS``,
``BOOT_LOADER``...) become ``software`` and the running OS's version. Each field's provenance
names the gNMI path it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from netsbom.agent.platforms.base import Partial, clean, first
from netsbom.agent.yang import family_from_modules
from netsbom.core.families import family as family_entry
from netsbom.core.record import Component, ErrorInfo, Provenance, Software

COMPONENTS = "/components"
SYSTEM_STATE = "/system/state"
PATHS = (COMPONENTS, SYSTEM_STATE)

# openconfig-platform-types identities -> netsbom component classes (None: not hardware)
_CLASSES = {
    "CHASSIS": "chassis",
    "BACKPLANE": "backplane",
    "FABRIC": "module",
    "POWER_SUPPLY": "power-supply",
    "FAN": "fan",
    "FAN_TRAY": "fan",
    "SENSOR": "sensor",
    "FRU": "module",
    "LINECARD": "module",
    "CONTROLLER_CARD": "cpu",
    "CPU": "cpu",
    "PORT": "port",
    "TRANSCEIVER": "port",
    "STORAGE": "other",
    "INTEGRATED_CIRCUIT": "other",
    "WIFI_ACCESS_POINT": "other",
}
# software identities -> Software.kind
_SOFTWARE = {
    "OPERATING_SYSTEM": "image",
    "OPERATING_SYSTEM_UPDATE": "image",
    "SOFTWARE_MODULE": "extension",
    "BIOS": "firmware",
    "BOOT_LOADER": "firmware",
}
_KEYS = re.compile(r"\[([^=\]]+)=([^\]]*)\]")


@dataclass(frozen=True, slots=True)
class _Leaf:
    value: Any
    path: str


def parse_replies(replies: Mapping[str, Any]) -> tuple[Partial, tuple[Provenance, ...]]:
    """Capabilities + Get replies -> what they say about the device, and from which path."""
    provenance: list[Provenance] = []
    errors = [
        ErrorInfo(
            _error_kind(str(err.get("code"))),
            f"gnmi: {err.get('message') or err.get('code')}",
            path,
        )
        for path, err in sorted((replies.get("errors") or {}).items())
    ]
    tree = _tree(replies.get("get", {}).get(COMPONENTS) or ())
    system = _tree(replies.get("get", {}).get(SYSTEM_STATE) or ())
    entries = _entries(tree)
    components, software = _components(entries)
    chassis = next((c for c in components if c.cls == "chassis" and not c.parent), None)
    chassis = chassis or next((c for c in components if c.cls == "chassis"), None)
    os_leaf = _os_version(entries)
    system_state = _node(system, "system", "state")
    hostname = _leaf(system_state, "hostname", f"{SYSTEM_STATE}/hostname")
    system_version = _leaf(system_state, "software-version", f"{SYSTEM_STATE}/software-version")
    version = os_leaf or system_version
    vendor = chassis.vendor if chassis else None
    family = _family(replies.get("capabilities") or {}, vendor)
    values = {
        "hostname": hostname,
        "os.version": version,
        "serial": _Leaf(chassis.serial, _component_path(chassis.name, "serial-no"))
        if chassis and chassis.serial else None,
        "model": _Leaf(chassis.model, _component_path(chassis.name, "part-no"))
        if chassis and chassis.model else None,
        "vendor": _Leaf(vendor, _component_path(chassis.name, "mfg-name"))
        if chassis and vendor else None,
        "os.family": _Leaf(family, "capabilities: supported_models") if family else None,
    }  # fmt: skip
    for name, leaf in values.items():
        if leaf is not None:
            provenance.append(Provenance(name, "gnmi", leaf.path))
    if components:
        provenance.append(Provenance("components", "gnmi", COMPONENTS))
    if software:
        provenance.append(Provenance("software", "gnmi", COMPONENTS))
    entry = family_entry(family) if family else None
    partial = Partial(
        hostname=_value(hostname),
        vendor=_vendor_name(entry.vendor if entry else None, vendor),
        model=chassis.model if chassis else None,
        serial=chassis.serial if chassis else None,
        description=chassis.description if chassis else None,
        os_family=family,
        os_version=_value(version),
        os_name=entry.name if entry else None,
        components=tuple(components),
        software=tuple(software),
        errors=tuple(errors),
    )
    return partial, tuple(provenance)


def _error_kind(code: str) -> str:
    if code in ("UNAUTHENTICATED", "PERMISSION_DENIED"):
        return "auth"
    if code in ("UNIMPLEMENTED", "NOT_FOUND", "INVALID_ARGUMENT"):
        return "unsupported"
    if code == "DEADLINE_EXCEEDED":
        return "timeout"
    if code == "UNAVAILABLE":
        return "unreachable"
    return "protocol"


# --- the tree ------------------------------------------------------------------------------------


def _elems(path: str) -> list[tuple[str, dict[str, str]]]:
    """``/a/b[k=v]/c`` -> [("a", {}), ("b", {"k": "v"}), ("c", {})]; module prefixes dropped."""
    out: list[tuple[str, dict[str, str]]] = []
    for part in re.split(r"/(?![^\[]*\])", path.strip("/")):
        if not part:
            continue
        name = part.split("[", 1)[0]
        keys = dict(_KEYS.findall(part))
        out.append((_local(name), keys))
    return out


def _local(name: str) -> str:
    return name.split(":", 1)[-1]


def _normal(value: Any) -> Any:
    """JSON with module prefixes dropped and keyed lists as {key: entry} (key: ``name``)."""
    if isinstance(value, dict):
        return {_local(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        entries = [_normal(v) for v in value]
        if all("name" in e for e in entries):
            return {"\0" + str(e["name"]): e for e in entries}
        return entries
    return value


def _merge(into: dict[str, Any], value: Any) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge(into[key], item)
        else:
            into[key] = item


def _tree(notifications: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for notification in notifications:
        prefix = _elems(str(notification.get("prefix") or ""))
        for update in notification.get("updates") or ():
            elems = prefix + _elems(str(update.get("path") or ""))
            node = root
            for name, keys in elems[:-1] if elems else []:
                node = _step(node, name, keys)
            value = _normal(update.get("value"))
            if not elems:
                if isinstance(value, dict):
                    _merge(root, value)
                continue
            name, keys = elems[-1]
            if keys:
                _merge(_step(node, name, keys), value if isinstance(value, dict) else {})
            elif isinstance(value, dict) and isinstance(node.get(name), dict):
                _merge(node[name], value)
            else:
                node[name] = value
    return root


def _step(node: dict[str, Any], name: str, keys: dict[str, str]) -> dict[str, Any]:
    child = node.setdefault(name, {})
    if keys:
        key = "\0" + next(iter(keys.values()))
        entry = child.setdefault(key, {})
        entry.update({k: v for k, v in keys.items() if k not in entry})
        return entry  # type: ignore[no-any-return]
    return child  # type: ignore[no-any-return]


def _node(tree: Any, *path: str) -> dict[str, Any]:
    for name in path:
        tree = tree.get(name) if isinstance(tree, dict) else None
    return tree if isinstance(tree, dict) else {}


def _entries(tree: dict[str, Any]) -> list[dict[str, Any]]:
    table = _node(tree, "components", "component")
    return [
        entry for key, entry in table.items() if key.startswith("\0") and isinstance(entry, dict)
    ]


# --- components ----------------------------------------------------------------------------------


def _component_path(name: str | None, leaf: str) -> str:
    return f"{COMPONENTS}/component[name={name}]/state/{leaf}"


def _leaf(state: dict[str, Any], name: str, path: str) -> _Leaf | None:
    value = clean(state.get(name))
    return _Leaf(value, path) if value else None


def _value(leaf: _Leaf | None) -> str | None:
    return str(leaf.value) if leaf is not None else None


def _identity(value: Any) -> str:
    return _local(str(value or "")).upper()


def _components(entries: list[dict[str, Any]]) -> tuple[list[Component], list[Software]]:
    components: list[Component] = []
    software: list[Software] = []
    for entry in entries:
        state: dict[str, Any] = entry["state"] if isinstance(entry.get("state"), dict) else {}
        name = first(state.get("name"), entry.get("name"))
        kind = _identity(state.get("type"))
        if kind in _SOFTWARE:
            version = first(state.get("software-version"), state.get("firmware-version"))
            software.append(Software(name=name or kind.lower(), version=version,
                                     kind=_SOFTWARE[kind], source="gnmi"))  # fmt: skip
            continue
        transceiver = _node(entry, "transceiver", "state")
        cls = _CLASSES.get(kind) or ("port" if transceiver else "other")
        components.append(
            Component(
                index=name or str(len(components) + 1),
                parent=clean(state.get("parent")),
                cls=cls,
                name=name,
                description=clean(state.get("description")),
                vendor=first(state.get("mfg-name"), transceiver.get("vendor")),
                model=first(
                    state.get("part-no"), state.get("model-name"), transceiver.get("vendor-part")
                ),
                serial=first(state.get("serial-no"), transceiver.get("serial-no")),
                hardware_rev=first(state.get("hardware-version"), transceiver.get("vendor-rev")),
                firmware_rev=first(state.get("firmware-version")),
                software_rev=first(state.get("software-version")),
                is_fru=state.get("removable") if isinstance(state.get("removable"), bool) else None,
            )
        )
    names = {c.index for c in components}
    # a parent that is a software component or absent is no parent
    components = [c if c.parent in names else _orphan(c) for c in components]
    return components, software


def _orphan(component: Component) -> Component:
    from dataclasses import replace

    return replace(component, parent=None)


def _os_version(entries: list[dict[str, Any]]) -> _Leaf | None:
    """The running OS: the OPERATING_SYSTEM component (the one without a parent first), else the
    chassis's software-version."""
    ranked: list[tuple[int, str, Any]] = []
    for entry in entries:
        state: dict[str, Any] = entry["state"] if isinstance(entry.get("state"), dict) else {}
        kind = _identity(state.get("type"))
        version = clean(state.get("software-version"))
        if version and kind in ("OPERATING_SYSTEM", "CHASSIS"):
            rank = (0 if kind == "OPERATING_SYSTEM" else 2) + (1 if state.get("parent") else 0)
            ranked.append((rank, str(first(state.get("name"), entry.get("name"))), version))
    if not ranked:
        return None
    _rank, name, version = min(ranked)
    return _Leaf(version, _component_path(name, "software-version"))


def _family(capabilities: Mapping[str, Any], vendor: str | None) -> str | None:
    return family_from_modules(
        str(m.get("name") or "") for m in capabilities.get("supported_models") or ()
    )


def _vendor_name(registry_vendor: str | None, mfg_name: str | None) -> str | None:
    """The vendor as records write it (the registry's), else the chassis's mfg-name."""
    return registry_vendor or mfg_name
