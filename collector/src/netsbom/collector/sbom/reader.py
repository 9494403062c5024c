"""Back from a file to the model: a CycloneDX 1.6 JSON reader, and the diff view of a model.

``sbom diff`` compares models, wherever they come from::

    before = snapshot_of(build_document(config_t1))       # the store at a time
    after = snapshot_of(load_cyclonedx(Path("b.cdx.json")))  # an exported file
    changes = diff_snapshots(before, after)                # netsbom.topology.diff

The reader knows netsbom's shape (``netsbom:`` properties, the device -> os / modules /
packages nesting) and reads other producers' devices too: a top-level ``device`` is a device,
its ``operating-system`` (or a ``firmware`` that is no package) its OS, nested ``device``
components its modules, anything else a package.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from netsbom.collector.sbom.model import (
    Component,
    Dependency,
    Document,
    Entity,
    Hash,
    Identity,
    Kind,
    Service,
    properties,
)
from netsbom.core.errors import ExportError
from netsbom.topology.diff import DeviceView, Snapshot

__all__ = ["load_cyclonedx", "read_cyclonedx", "snapshot_of"]

Json = dict[str, Any]


def load_cyclonedx(path: Path) -> Document:
    """The model of a CycloneDX JSON file; clear errors for unreadable or foreign files."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise ExportError(f"{path}: cannot read: {exc.strerror}") from None
    except ValueError:
        raise ExportError(f"{path}: not JSON (sbom diff compares CycloneDX JSON files)") from None
    try:
        return read_cyclonedx(data)
    except ExportError as exc:
        raise ExportError(f"{path}: {exc}") from None


def read_cyclonedx(data: Any) -> Document:
    if not isinstance(data, dict) or data.get("bomFormat") != "CycloneDX":
        raise ExportError("not a CycloneDX JSON document (bomFormat is not CycloneDX)")
    metadata = _dict(data.get("metadata"))
    network = _component(_dict(metadata.get("component")), "network", "network:?")
    counter = iter(range(1, 1 << 62))
    components = tuple(
        _component(c, _top_kind(c), f"component:{next(counter)}")
        for c in _list(data.get("components"))
        if isinstance(c, dict)
    )
    depends = {
        str(d.get("ref")): tuple(str(r) for r in _list(d.get("dependsOn")))
        for d in _list(data.get("dependencies"))
        if isinstance(d, dict)
    }
    services = tuple(
        _service(s, depends) for s in _list(data.get("services")) if isinstance(s, dict)
    )
    fingerprint = network.prop("netsbom:fingerprint") or ""
    return Document(
        network=network,
        at=network.prop("netsbom:at") or str(metadata.get("timestamp") or "?"),
        fingerprint=fingerprint.removeprefix("sha256:"),
        serial=str(data.get("serialNumber") or ""),
        components=components,
        services=services,
        dependencies=tuple(Dependency(ref, on) for ref, on in sorted(depends.items())),
        authors=tuple(_entity(a) for a in _list(metadata.get("authors")) if isinstance(a, dict)),
        supplier=_entity(metadata["supplier"])
        if isinstance(metadata.get("supplier"), dict)
        else None,
        properties=_properties(metadata),
    )


def _dict(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _properties(item: Json) -> tuple[tuple[str, str], ...]:
    return properties(
        (str(p["name"]), str(p.get("value", "")))
        for p in _list(item.get("properties"))
        if isinstance(p, dict) and "name" in p
    )


def _entity(item: Json) -> Entity:
    urls = _list(item.get("url"))
    contacts = [c for c in _list(item.get("contact")) if isinstance(c, dict)]
    email = item.get("email") or next((c.get("email") for c in contacts if c.get("email")), None)
    return Entity(str(item.get("name") or "?"), str(urls[0]) if urls else None, email)


def _top_kind(item: Json) -> Kind:
    if item.get("type") != "device":
        return "package"
    external = any(
        p.get("name") == "netsbom:external"
        for p in _list(item.get("properties"))
        if isinstance(p, dict)
    )
    return "external" if external else "device"


def _child_kind(parent: Kind, item: Json) -> Kind:
    kind = item.get("type")
    is_package = any(
        isinstance(p, dict) and p.get("name") == "netsbom:software:kind"
        for p in _list(item.get("properties"))
    )
    if parent == "device":
        if kind == "operating-system" or (kind == "firmware" and not is_package):
            return "os"
        return "module" if kind == "device" else "package"
    if parent == "module":
        return "module" if kind == "device" else "firmware"
    return "package"


def _component(item: Json, kind: Kind, fallback_ref: str) -> Component:
    ref = str(item.get("bom-ref") or fallback_ref)
    children = tuple(
        _component(c, _child_kind(kind, c), f"{ref}/{n}")
        for n, c in enumerate(_list(item.get("components")))
        if isinstance(c, dict)
    )
    evidence = tuple(
        Identity(
            str(i.get("field")),
            tuple(
                (float(m.get("confidence", 0)), str(m.get("value", "")))
                for m in _list(i.get("methods"))
                if isinstance(m, dict)
            ),
        )
        for i in _list(_dict(item.get("evidence")).get("identity"))
        if isinstance(i, dict) and _list(i.get("methods"))
    )
    return Component(
        ref=ref,
        kind=kind,
        type=str(item.get("type") or "library"),
        name=str(item.get("name") or "?"),
        version=item.get("version") or None,
        supplier=_entity(item["supplier"]) if isinstance(item.get("supplier"), dict) else None,
        manufacturer=(
            _entity(item["manufacturer"]) if isinstance(item.get("manufacturer"), dict) else None
        ),
        description=item.get("description") or None,
        purl=item.get("purl") or None,
        cpe=item.get("cpe") or None,
        hashes=tuple(
            Hash(str(h.get("alg")), str(h.get("content")))
            for h in _list(item.get("hashes"))
            if isinstance(h, dict)
        ),
        properties=_properties(item),
        evidence=evidence,
        children=children,
        licence=_licence(item),
        copyright=item.get("copyright") or None,
    )


def _licence(item: Json) -> str | None:
    """The concluded licence as written (an expression, an SPDX id or a custom licence's name;
    several entries joined by AND)."""
    parts: list[str] = []
    for entry in _list(item.get("licenses")):
        if not isinstance(entry, dict):
            continue
        if entry.get("expression"):
            parts.append(str(entry["expression"]))
        else:
            named = _dict(entry.get("license"))
            if named.get("id") or named.get("name"):
                parts.append(str(named.get("id") or named.get("name")))
    if len(parts) > 1:
        return " AND ".join(f"({p})" if " " in p else p for p in parts)
    return parts[0] if parts else None


def _service(item: Json, depends: dict[str, tuple[str, ...]]) -> Service:
    ref = str(item.get("bom-ref") or "")
    props = _properties(item)
    segment = any(k.startswith("netsbom:segment:") for k, _ in props)
    name = str(item.get("name") or "?")
    return Service(
        ref=ref,
        kind="segment" if segment else "link",
        name=name,
        description=str(item.get("description") or ""),
        summary=name,
        ends=tuple(sorted(depends.get(ref, ()))),
        properties=props,
    )


# --- the diff view -------------------------------------------------------------------------------


def snapshot_of(doc: Document) -> Snapshot:
    """What :func:`netsbom.topology.diff.diff_snapshots` compares, from a model."""
    devices: dict[str, DeviceView] = {}
    # a custom licence by the name CycloneDX carries (it has no place for the LicenseRef id)
    names = {custom.id: custom.name for custom in doc.licences}
    for component in doc.components:
        if component.kind != "device":
            continue
        view = _device_view(component, names)
        name, n = view.name, 1
        while name in devices:  # two devices of one name stay two
            n += 1
            name = f"{view.name}#{n}"
        devices[name] = view
    return Snapshot(
        network=doc.network.name,
        at=doc.at,
        fingerprint=doc.fingerprint or None,
        devices=devices,
        links=frozenset(_link_text(s) for s in doc.services),
    )


def _device_view(device: Component, names: dict[str, str]) -> DeviceView:
    os_text: str | None = None
    modules: dict[str, str] = {}
    packages: dict[str, list[str]] = defaultdict(list)
    licences: dict[str, set[str]] = defaultdict(set)

    def visit_module(module: Component, path: str) -> None:
        key = f"{path}{module.name}"
        n, unique = 1, key
        while unique in modules:
            n += 1
            unique = f"{key}#{n}"
        modules[unique] = _module_text(module)
        for child in module.children:
            if child.kind == "module":
                visit_module(child, f"{unique}/")

    for child in device.children:
        if child.kind == "os":
            family = child.prop("netsbom:os:family") or child.name
            os_text = " ".join(v for v in (family, child.version) if v) or None
            licences["os"].add(names.get(child.licence or "", child.licence or _NO_ASSERTION))
        elif child.kind == "module":
            visit_module(child, "")
        else:
            packages[child.name].append(child.version or "-")
            stated = child.licence or _NO_ASSERTION
            licences[f"package {child.name}"].add(names.get(stated, stated))
    return DeviceView(
        name=device.name,
        vendor=device.manufacturer.name if device.manufacturer else None,
        model=device.prop("netsbom:model") or device.description,
        serial=device.prop("netsbom:serial"),
        chassis_id=device.prop("netsbom:chassis_id"),
        os=os_text,
        modules=modules,
        packages={name: ", ".join(sorted(versions)) for name, versions in packages.items()},
        licences={item: ", ".join(sorted(stated)) for item, stated in licences.items()},
    )


_NO_ASSERTION = "NOASSERTION"  # no concluded licence stated


def _module_text(module: Component) -> str:
    serial = module.prop("netsbom:serial")
    hardware = module.prop("netsbom:hardware_rev")
    parts = [
        module.prop("netsbom:model") or "",
        f"serial {serial}" if serial else "",
        f"hw {hardware}" if hardware else "",
    ]
    for child in module.children:
        if child.kind == "firmware" and child.version:
            kind = (child.prop("netsbom:revision") or "firmware").removesuffix("_rev")
            parts.append(f"{kind} {child.version}")
    return " ".join(p for p in parts if p) or "-"


def _link_text(service: Service) -> str:
    def one(name: str) -> str | None:
        return next((v for k, v in service.properties if k == name), None)

    if service.kind == "segment":
        ends = sorted(v for k, v in service.properties if k == "netsbom:segment:end")
        return f"{' | '.join(ends)} ({one('netsbom:segment:protocols') or '?'} segment)"

    def end(side: str) -> str:
        device = one(f"netsbom:link:{side}:device") or "?"
        return f"{device} {one(f'netsbom:link:{side}:port') or '?'}"

    return f"{end('a')} <-> {end('b')} ({one('netsbom:link:protocols') or '?'})"
