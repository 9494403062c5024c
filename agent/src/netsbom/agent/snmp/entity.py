"""ENTITY-MIB's physical table (RFC 6933 entPhysicalTable): every row as a component, and the
row that stands for the whole device (a free-standing chassis, else a stack's first member).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netsbom.agent.snmp import oids
from netsbom.agent.snmp.view import Oid, SnmpView, Value, dotted, to_int, to_text
from netsbom.core.record import Component

# entPhysicalClass (PhysicalClass) -> the component class a record states
ENT_CLASSES = {
    1: "other", 2: "other", 3: "chassis", 4: "backplane", 5: "container", 6: "power-supply",
    7: "fan", 8: "sensor", 9: "module", 10: "port", 11: "stack", 12: "cpu",
    # ENTITY-MIB v4 (RFC 6933): energyObject, battery, storageDrive
    13: "power-supply", 14: "power-supply", 15: "module",
}  # fmt: skip
# a revision of zeros only ("00 00": a blank field dumped as hex after its NUL padding)
_ZEROS = re.compile(r"^[0\s]*$")


@dataclass(frozen=True, slots=True)
class Chassis:
    """The entPhysicalTable row that stands for the whole device."""

    index: Oid
    component: Component


def physical_table(view: SnmpView) -> tuple[list[Component], Chassis | None]:
    """entPhysicalTable: every row as a component, and the row that stands for the device."""
    columns = (
        oids.ENT_DESCR, oids.ENT_CONTAINED_IN, oids.ENT_CLASS, oids.ENT_NAME,
        oids.ENT_HARDWARE_REV, oids.ENT_FIRMWARE_REV, oids.ENT_SOFTWARE_REV, oids.ENT_SERIAL,
        oids.ENT_MFG_NAME, oids.ENT_MODEL_NAME, oids.ENT_IS_FRU,
    )  # fmt: skip
    rows = view.table(oids.ENT_ENTRY, columns)
    components: list[Component] = []
    chassis: list[tuple[Oid, Component, bool]] = []
    for index, row in rows.items():
        parent = to_int(row.get(oids.ENT_CONTAINED_IN))
        is_fru = to_int(row.get(oids.ENT_IS_FRU))
        component = Component(
            index=dotted(index),
            parent=str(parent) if parent else None,
            cls=ENT_CLASSES.get(to_int(row.get(oids.ENT_CLASS)) or 0, "other"),
            name=to_text(row.get(oids.ENT_NAME)),
            description=to_text(row.get(oids.ENT_DESCR)),
            vendor=to_text(row.get(oids.ENT_MFG_NAME)),
            model=to_text(row.get(oids.ENT_MODEL_NAME)),
            serial=to_text(row.get(oids.ENT_SERIAL)),
            hardware_rev=to_text(row.get(oids.ENT_HARDWARE_REV)),
            firmware_rev=_release(row.get(oids.ENT_FIRMWARE_REV)),
            software_rev=_release(row.get(oids.ENT_SOFTWARE_REV)),
            is_fru=True if is_fru == 1 else False if is_fru == 2 else None,
        )
        components.append(component)
        if component.cls == "chassis":
            chassis.append((index, component, not parent))
    return components, _chassis_row(rows, components, chassis)


def _chassis_row(
    rows: dict[Oid, dict[int, Value]],
    components: list[Component],
    chassis: list[tuple[Oid, Component, bool]],
) -> Chassis | None:
    """The row that stands for the whole device.

    A top-level chassis first; a chassis inside a stack or virtual chassis only when no free-
    standing one exists (the first member). Agents that leave entPhysicalClass empty get their
    first top-level row that names a model or serial. A stack row without identity of its own
    stands for its first member that has one.
    """
    indexes = list(rows)
    if chassis:
        ordered = sorted(chassis, key=lambda item: not item[2])
        return Chassis(ordered[0][0], ordered[0][1])
    top = [
        (index, component)
        for index, component in zip(indexes, components, strict=True)
        if not component.parent and component.cls in ("other", "stack")
    ]
    for index, component in top:
        if component.serial or component.model:
            return Chassis(index, component)
    by_index = dict(zip((c.index for c in components), zip(indexes, components, strict=True),
                        strict=True))  # fmt: skip
    for _index, component in top:
        if component.cls != "stack":
            continue
        # the first member that names itself, level by level down the containment tree (a
        # member's base may be classed a container: "Stack Member" -> "Base" with the serial)
        level = [component.index]
        for _ in range(3):
            inside = [c for c in components if c.parent in level]
            for child in inside:
                if child.cls not in _PARTS and (child.serial or child.model):
                    return Chassis(by_index[child.index][0], child)
            level = [c.index for c in inside if c.cls in ("stack", "container", "other")]
    return None


# classes of rows that are parts of a member, never the member itself
_PARTS = frozenset({"power-supply", "fan", "sensor", "port", "cpu", "backplane"})


def _release(value: Value) -> str | None:
    """An entPhysicalSoftwareRev or FirmwareRev as a release: not zeros only (``00 00``, a blank
    field dumped as hex after its NUL padding), which state none."""
    text = to_text(value)
    return None if text is None or _ZEROS.match(text) else text
