"""What polls found, written back to NetBox: ``netsbom netbox sync`` (dry-run unless --apply).

For every record of a NetBox target (label ``netbox_id``), the device's ``serial`` and the custom
fields named in the inventory's ``sync:`` (default ``software_version``: the OS version,
``firmware_version``: the chassis firmware) are compared with what NetBox holds. A value the poll
did not find never erases NetBox's; a custom field NetBox does not define is reported, not created.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from netsbom.agent.netbox.source import NetboxSource, NetboxSync
from netsbom.core.errors import ConfigError
from netsbom.core.record import DeviceRecord


@dataclass(frozen=True, slots=True)
class Change:
    device_id: int
    device: str
    field: str  # "serial" or "custom_fields.NAME"
    old: Any
    new: str

    def describe(self) -> str:
        where = f"{self.device} (netbox #{self.device_id})"
        return f"{where}: {self.field}: {self.old!r} -> {self.new!r}"


@dataclass(frozen=True, slots=True)
class SyncResult:
    changes: tuple[Change, ...]
    notes: tuple[str, ...]  # devices or fields left alone, and why
    failures: tuple[str, ...] = ()  # devices NetBox refused to update (with --apply)


def discovered(record: DeviceRecord, sync: NetboxSync) -> dict[str, str]:
    """The values ``record`` offers NetBox: ``serial`` and ``custom_fields.NAME`` -> value."""
    values: dict[str, str] = {}
    if sync.serial and record.serial:
        values["serial"] = record.serial
    if sync.os_version and record.os.version:
        values[f"custom_fields.{sync.os_version}"] = record.os.version
    firmware = _firmware(record)
    if sync.firmware and firmware:
        values[f"custom_fields.{sync.firmware}"] = firmware
    return values


def _firmware(record: DeviceRecord) -> str | None:
    """The chassis firmware (BIOS, ROMMON, boot loader); for a firmware-only OS, its version."""
    from netsbom.core.families import known_family

    chassis = next((c for c in record.components if c.cls == "chassis" and c.firmware_rev), None)
    if chassis is not None:
        return chassis.firmware_rev
    entry = known_family(record.os.family)
    return record.os.version if entry is not None and entry.kind == "firmware" else None


def plan(
    records: Iterable[DeviceRecord], devices: dict[int, dict[str, Any]], sync: NetboxSync
) -> SyncResult:
    """The changes that would bring NetBox ``devices`` (id -> API JSON) up to the records."""
    changes: list[Change] = []
    notes: list[str] = []
    for record in records:
        device_id = _device_id(record)
        if device_id is None:
            notes.append(f"{record.target.id}: not a NetBox target (no netbox_id label)")
            continue
        device = devices.get(device_id)
        if device is None:
            notes.append(f"{record.target.id}: netbox #{device_id} no longer exists")
            continue
        custom = device.get("custom_fields") or {}
        for field, value in sorted(discovered(record, sync).items()):
            if field.startswith("custom_fields."):
                name = field.removeprefix("custom_fields.")
                if name not in custom:
                    notes.append(
                        f"{record.target.id}: NetBox defines no custom field {name!r} on "
                        "dcim.device (create it, type text, to receive this value)"
                    )
                    continue
                old = custom[name]
            else:
                old = device.get(field)
            if old != value:
                changes.append(Change(device_id, device.get("name") or record.target.id,
                                      field, old, value))  # fmt: skip
    return SyncResult(tuple(changes), tuple(dict.fromkeys(notes)))


def _device_id(record: DeviceRecord) -> int | None:
    value = record.target.label("netbox_id")
    return int(value) if value and value.isdigit() else None


def run_sync(config: NetboxSource, records: Sequence[DeviceRecord], *, apply: bool) -> SyncResult:
    """Read the records' devices from NetBox, plan, and with ``apply`` PATCH each device once."""
    from netsbom.agent.netbox import client

    api = client.connect(config)
    ids = sorted({i for i in (_device_id(r) for r in records) if i is not None})
    devices: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 100):  # id filters in batches keep URLs short
        batch = ids[start : start + 100]
        for device in client.records(f"NetBox {config.url} devices", api.dcim.devices, id=batch):
            devices[int(device["id"])] = device
    result = plan(records, devices, config.sync)
    if not apply:
        return result
    failures: list[str] = []
    for device_id, changes in _by_device(result.changes).items():
        body: dict[str, Any] = {}
        for change in changes:
            if change.field.startswith("custom_fields."):
                body.setdefault("custom_fields", {})[change.field.split(".", 1)[1]] = change.new
            else:
                body[change.field] = change.new
        try:
            update = [{"id": device_id, **body}]
            client.fetch(f"NetBox device #{device_id}", api.dcim.devices.update, update)
        except ConfigError as exc:
            failures.append(str(exc))
    return SyncResult(result.changes, result.notes, tuple(failures))


def _by_device(changes: Iterable[Change]) -> dict[int, list[Change]]:
    grouped: dict[int, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.device_id, []).append(change)
    return grouped
