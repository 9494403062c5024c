"""Vendors' product SBOMs, attached to what devices run and referenced from the system SBOM.

    bom = read_vendor_sbom(Path("eos-4.30.2F.cdx.json"))        # what the document is
    attach(store, bom, parse_match("model=DCS-7050*,version=4.30.2F"), embed=False)
    attachments_for(config, store)  # node id -> [VendorBom, ...] for the SBOM writer

A vendor's SBOM describes one product release (an OS image, a firmware); the system SBOM of a
network names, per device, the vendor SBOMs of what it runs, by reference: CycloneDX
``externalReferences`` of type ``bom`` (a BOM-Link ``urn:cdx:<serial>/<version>`` when the
document has a serial number, with its SHA-256), SPDX 3 ``ExternalMap``. The document's content
is stored only when attached with ``--embed`` (vendors' terms often forbid passing it on).

A match names a device model (shell patterns, case-insensitive) and optionally an OS release
(compared with the family's version grammar) and family, or an OS image file name, or the
SHA-256 of an image (matched where a record carries image hashes).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from netsbom.collector.store import Store
from netsbom.collector.store.schema import vendor_sboms
from netsbom.core.errors import ConfigError, NetsbomError, StoreError
from netsbom.core.families import known_family
from netsbom.core.record import DeviceRecord
from netsbom.topology.configuration import Configuration

if TYPE_CHECKING:
    from netsbom.collector.sbom.model import ExternalBom

__all__ = [
    "Match",
    "VendorBom",
    "attach",
    "attachments",
    "attachments_for",
    "parse_match",
    "read_vendor_sbom",
]

MAX_BYTES = 64 * 1024 * 1024  # a product SBOM of a whole NOS image is a few MB
_MATCH_KEYS = ("model", "version", "family", "image", "image-sha256")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Match:
    """Which devices a vendor SBOM is of."""

    model: str | None = None
    version: str | None = None
    family: str | None = None
    image: str | None = None
    image_sha256: str | None = None

    @property
    def key(self) -> str:
        """The canonical ``--match`` text (what the store keeps unique with the document)."""
        pairs = [
            ("model", self.model),
            ("version", self.version),
            ("family", self.family),
            ("image", self.image),
            ("image-sha256", self.image_sha256),
        ]
        return ",".join(f"{k}={v}" for k, v in pairs if v is not None)

    def matches(self, record: DeviceRecord) -> bool:
        if self.image_sha256 is not None and self.image_sha256 not in _image_hashes(record):
            return False
        if self.image is not None and not _image_named(record, self.image):
            return False
        if self.model is not None and not _model_matches(record, self.model):
            return False
        if self.family is not None:
            entry = known_family(record.os.family)
            if entry is None or entry.id != self.family:
                return False
        return self.version is None or _same_release(record, self.version)


@dataclass(frozen=True, slots=True)
class VendorBom:
    """A vendor's product SBOM as the system SBOM references it."""

    format: str  # "CycloneDX", "SPDX-2", "SPDX-3"
    spec_version: str | None  # "1.6", "2.3", "3.0.1"
    serial: str | None  # CycloneDX serialNumber, SPDX 2 documentNamespace, SPDX 3 document spdxId
    bom_version: int | None  # CycloneDX version
    name: str  # the product it describes (its main component), else the document's name
    component_version: str | None
    supplier: str | None
    filename: str
    sha256: str
    sha512: str
    size: int
    url: str | None = None  # where the vendor publishes it
    content: bytes | None = None  # the document, only when attached with --embed
    match: str = ""  # the --match it was attached with

    @property
    def bom_link(self) -> str | None:
        """CycloneDX BOM-Link ``urn:cdx:<uuid>/<version>`` (None for SPDX or without serial)."""
        if self.format != "CycloneDX" or not self.serial:
            return None
        serial = self.serial.removeprefix("urn:uuid:")
        return f"urn:cdx:{serial}/{self.bom_version or 1}"

    @property
    def reference(self) -> str:
        """What the system SBOM points at: the URL given, else the BOM-Link, the SPDX document
        namespace, else the file name."""
        return self.url or self.bom_link or self.serial or self.filename


def parse_match(text: str) -> Match:
    """``model=M[,version=V][,family=F]``, ``image=FILE`` or ``image-sha256=HEX``."""
    values: dict[str, str] = {}
    for term in (t.strip() for t in text.split(",")):
        key, sep, value = term.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise ConfigError(f"--match: {term!r} is not KEY=VALUE")
        if key not in _MATCH_KEYS:
            raise ConfigError(f"--match: unknown key {key!r} (known: {', '.join(_MATCH_KEYS)})")
        if key in values:
            raise ConfigError(f"--match: {key} given twice")
        values[key] = value
    if not ({"model", "image", "image-sha256"} & values.keys()):
        raise ConfigError("--match needs model=..., image=... or image-sha256=...")
    family = values.get("family")
    if family is not None:
        entry = known_family(family)
        if entry is None:
            raise ConfigError(f"--match: {family!r} is not an OS family id")
        family = entry.id
    digest = values.get("image-sha256")
    if digest is not None:
        digest = digest.lower().removeprefix("sha256:")
        if not _SHA256.match(digest):
            raise ConfigError("--match: image-sha256 must be 64 hex digits")
    return Match(
        model=values.get("model"),
        version=values.get("version"),
        family=family,
        image=values.get("image"),
        image_sha256=digest,
    )


def read_vendor_sbom(path: Path, url: str | None = None) -> VendorBom:
    """What a vendor SBOM file is: CycloneDX (JSON or XML), SPDX 2 JSON or SPDX 3 JSON-LD."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_BYTES // 2**20} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    facts = _describe(data, path)
    return VendorBom(
        filename=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        sha512=hashlib.sha512(data).hexdigest(),
        size=len(data),
        url=url,
        content=data,
        **facts,
    )


def _describe(data: bytes, path: Path) -> dict[str, Any]:
    head = data.lstrip()[:1]
    if head == b"<":
        return _cyclonedx_xml(data, path)
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ConfigError(f"{path}: neither JSON nor XML: not an SBOM") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: not an SBOM (a JSON object is expected)")
    if document.get("bomFormat") == "CycloneDX":
        return _cyclonedx_json(document, path)
    if str(document.get("spdxVersion", "")).startswith("SPDX-2"):
        return _spdx2(document, path)
    if "@context" in document and "spdx.org/rdf/3" in json.dumps(document.get("@context")):
        return _spdx3(document, path)
    raise ConfigError(f"{path}: not a CycloneDX, SPDX 2 or SPDX 3 document")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _cyclonedx_json(document: dict[str, Any], path: Path) -> dict[str, Any]:
    metadata = _object(document.get("metadata"))
    component = _object(metadata.get("component"))
    supplier = component.get("supplier") or metadata.get("supplier") or metadata.get("manufacturer")
    version = document.get("version")
    return {
        "format": "CycloneDX",
        "spec_version": _text(document.get("specVersion")),
        "serial": _text(document.get("serialNumber")),
        "bom_version": version if isinstance(version, int) else None,
        "name": _text(component.get("name")) or path.name,
        "component_version": _text(component.get("version")),
        "supplier": _text(supplier.get("name")) if isinstance(supplier, dict) else None,
    }


def _cyclonedx_xml(data: bytes, path: Path) -> dict[str, Any]:
    from lxml import etree

    try:
        root = etree.fromstring(
            data, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"{path}: not well-formed XML ({exc.msg})") from None
    match = re.match(r"\{http://cyclonedx\.org/schema/bom/([\d.]+)\}bom$", str(root.tag))
    if match is None:
        raise ConfigError(f"{path}: XML, but not a CycloneDX document")
    ns = {"c": root.tag[1:].split("}")[0]}
    version = root.get("version")

    def first(path_: str) -> str | None:
        found = root.findtext(path_, namespaces=ns)
        return _text(found)

    return {
        "format": "CycloneDX",
        "spec_version": match.group(1),
        "serial": _text(root.get("serialNumber")),
        "bom_version": int(version) if version and version.isdigit() else None,
        "name": first("c:metadata/c:component/c:name") or path.name,
        "component_version": first("c:metadata/c:component/c:version"),
        "supplier": first("c:metadata/c:component/c:supplier/c:name")
        or first("c:metadata/c:supplier/c:name"),
    }


def _spdx2(document: dict[str, Any], path: Path) -> dict[str, Any]:
    described = set(document.get("documentDescribes") or [])
    packages = [p for p in document.get("packages") or [] if isinstance(p, dict)]
    main = next((p for p in packages if p.get("SPDXID") in described), None)
    supplier = _text((main or {}).get("supplier"))
    return {
        "format": "SPDX-2",
        "spec_version": str(document["spdxVersion"]).removeprefix("SPDX-"),
        "serial": _text(document.get("documentNamespace")),
        "bom_version": None,
        "name": _text((main or {}).get("name")) or _text(document.get("name")) or path.name,
        "component_version": _text((main or {}).get("versionInfo")),
        "supplier": supplier.split(":", 1)[-1].strip() if supplier else None,
    }


def _spdx3(document: dict[str, Any], path: Path) -> dict[str, Any]:
    elements = [e for e in document.get("@graph") or [] if isinstance(e, dict)]
    doc = next((e for e in elements if e.get("type") == "SpdxDocument"), {})
    roots = set(doc.get("rootElement") or [])
    main = next(
        (e for e in elements if e.get("type") == "software_Package" and e.get("spdxId") in roots),
        None,
    ) or next((e for e in elements if e.get("type") == "software_Package"), None)
    return {
        "format": "SPDX-3",
        "spec_version": "3.0.1" if "3.0.1" in json.dumps(document.get("@context")) else "3",
        "serial": _text(doc.get("spdxId")),
        "bom_version": None,
        "name": _text((main or {}).get("name")) or _text(doc.get("name")) or path.name,
        "component_version": _text((main or {}).get("software_packageVersion")),
        "supplier": None,
    }


def attach(store: Store, bom: VendorBom, match: Match, *, embed: bool = False) -> bool:
    """Keep the link (and the content with ``embed``); False when this document was already
    attached to this match (nothing written)."""
    row = {
        "match_model": match.model,
        "match_version": match.version,
        "match_family": match.family,
        "match_image": match.image,
        "match_image_sha256": match.image_sha256,
        "match_key": match.key,
        "format": bom.format,
        "spec_version": bom.spec_version,
        "serial": bom.serial,
        "bom_version": bom.bom_version,
        "name": bom.name,
        "component_version": bom.component_version,
        "supplier": bom.supplier,
        "filename": bom.filename,
        "url": bom.url,
        "sha256": bom.sha256,
        "sha512": bom.sha512,
        "size": bom.size,
        "content": bom.content if embed else None,
        "attached_at": datetime.now(UTC),
    }
    try:
        with store.engine.begin() as connection:
            connection.execute(vendor_sboms.insert().values(**row))
    except IntegrityError:
        return False
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store the vendor SBOM link: {type(exc).__name__}") from None
    return True


def attachments(store: Store) -> list[VendorBom]:
    """Every attached vendor SBOM, in attachment order."""
    try:
        with store.engine.connect() as connection:
            rows = connection.execute(select(vendor_sboms).order_by(vendor_sboms.c.id)).all()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read vendor SBOM links: {type(exc).__name__}") from None
    return [
        VendorBom(
            format=row.format,
            spec_version=row.spec_version,
            serial=row.serial,
            bom_version=row.bom_version,
            name=row.name,
            component_version=row.component_version,
            supplier=row.supplier,
            filename=row.filename,
            sha256=row.sha256,
            sha512=row.sha512,
            size=row.size,
            url=row.url,
            content=row.content,
            match=row.match_key,
        )
        for row in rows
    ]


def external_bom(bom: VendorBom) -> ExternalBom:
    """How the system SBOM references ``bom``: its URL (else BOM-Link, SPDX namespace, file
    name), what it is, and its hashes (the device's ref is set by the model's builder)."""
    from netsbom.collector.sbom.model import ExternalBom, Hash

    what = " ".join(filter(None, (bom.name, bom.component_version)))
    return ExternalBom(
        url=bom.reference,
        comment=f"vendor SBOM ({bom.format} {bom.spec_version or '?'}) of {what}",
        hashes=(Hash("SHA-256", bom.sha256), Hash("SHA-512", bom.sha512)),
    )


def attachments_for(config: Configuration, store: Store) -> dict[str, list[VendorBom]]:
    """Node id -> the vendor SBOMs of what that device runs (devices with none are left out)."""
    known = attachments(store)
    if not known:
        return {}
    matches = [(parse_match(bom.match), bom) for bom in known]
    out: dict[str, list[VendorBom]] = {}
    for record, node in zip(config.records, config.nodes, strict=True):
        found = [bom for match, bom in matches if match.matches(record)]
        if found:
            out[node] = found
    return out


def _model_matches(record: DeviceRecord, pattern: str) -> bool:
    chassis = [c.model for c in record.components if c.cls == "chassis"]
    names = [m.lower() for m in (record.model, *chassis) if m]
    return any(fnmatch.fnmatchcase(name, pattern.lower()) for name in names)


def _same_release(record: DeviceRecord, version: str) -> bool:
    running = record.os.version
    if not running:
        return False
    if running.strip().lower() == version.strip().lower():
        return True
    from netsbom.core.versions import compare, parse_version

    family = known_family(record.os.family)
    if family is None:
        return False
    try:
        return compare(parse_version(family.id, running), parse_version(family.id, version)) == 0
    except NetsbomError:
        return False


def _image_named(record: DeviceRecord, name: str) -> bool:
    images = [record.os.image, *(s.name for s in record.software if s.kind == "image")]
    # "bootflash:/x.bin", "flash:x.bin", "/mnt/x.swi", "C:\\x.bin": the file name is the last part
    return any(i and re.split(r"[/\\:]", i)[-1].lower() == name.lower() for i in images)


def _image_hashes(record: DeviceRecord) -> Iterable[str]:
    """SHA-256 digests the record states for its image (read from a ``hashes`` field of the OS
    or image software where the record model has one: devices that report an image hash)."""
    holders: list[object] = [record.os, *(s for s in record.software if s.kind == "image")]
    for holder in holders:
        for algorithm, value in dict(getattr(holder, "hashes", ()) or ()).items():
            if str(algorithm).replace("-", "").lower() == "sha256":
                yield str(value).lower()
