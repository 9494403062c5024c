"""Virtual or physical: is a device a virtual appliance, a virtual machine or a container?

    record = with_virtual(record)                       # model, product name, sysDescr, DMI
    record = with_virtual(record, hardware=hr_descrs)   # + SNMP hrDeviceDescr rows

The rules are data (``virtual.yaml`` beside this module, each one justified by the vendor's
naming): vendor product names of virtual appliances (vSRX, CSR1000v, VM-Series, FortiGate-VM,
cEOS ...) searched in the model, the sysObjectID's registered name and the sysDescr, and
hypervisor identities (DMI ``sys_vendor``/``product_name`` as Linux reports them, guest CPUs in
hrDeviceDescr, "Hardware: VMware" banners). A match sets ``virtual=True`` with a provenance
entry naming the rule and the text; a record that shows physical hardware (a chassis row with a
serial number and a hardware revision, DMI of a hardware maker) gets ``False``; otherwise the
field stays ``None`` (not known). A value the record already has (from a better source, e.g.
the SNMP poll that saw hrDeviceDescr) is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from netsbom.core.record import DeviceRecord, Provenance

__all__ = ["HR_DEVICE_DESCR", "Evidence", "decide", "rules", "with_virtual"]

HR_DEVICE_DESCR = (1, 3, 6, 1, 2, 1, 25, 3, 2, 1, 3)  # HOST-RESOURCES-MIB hrDeviceDescr
Where = Literal["model", "product", "description", "vendor", "hardware", "serial"]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str
    kind: Literal["vm", "container", "hypervisor-guest"]
    pattern: str
    unless: str | None = None
    where: tuple[Where, ...] = Field(alias="in", min_length=1)


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    products: tuple[_Rule, ...]
    hypervisors: tuple[_Rule, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    kind: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    where: frozenset[str]

    def matches(self, text: str) -> bool:
        return bool(self.pattern.search(text))

    def vetoed(self, texts: Sequence[tuple[str, str]]) -> bool:
        """``unless`` matches any text of the record (ESXi names VMware, but is the host)."""
        return self.unless is not None and any(self.unless.search(t) for _, t in texts)


@dataclass(frozen=True, slots=True)
class Evidence:
    virtual: bool
    rule: str  # the table rule, or why the device is taken for hardware
    where: str  # which field: model, product, description, vendor, hardware, serial, chassis
    text: str  # the text that matched (a model, a sysDescr ...), cut to 120 characters


@cache
def rules() -> tuple[Rule, ...]:
    """The table, products first (a vSRX on KVM is named for the product it is)."""
    text = (resources.files("netsbom.agent") / "virtual.yaml").read_text(encoding="utf-8")
    table = _Table.model_validate(yaml.safe_load(text))
    return tuple(
        Rule(
            r.name,
            r.kind,
            re.compile(r.pattern, re.IGNORECASE),
            re.compile(r.unless, re.IGNORECASE) if r.unless else None,
            frozenset(r.where),
        )
        for r in (*table.products, *table.hypervisors)
    )


def _texts(record: DeviceRecord, hardware: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(where, text) pairs of a record, most telling first."""
    chassis = [c for c in record.components if c.cls == "chassis"]
    for model in dict.fromkeys([record.model, *(c.model for c in chassis)]):
        if model:
            yield "model", model.strip()
    product = _product_name(record.sys_object_id)
    if product:
        yield "product", product
    if record.description:
        yield "description", record.description
    if record.vendor:
        yield "vendor", record.vendor.strip()
    for row in hardware:
        yield "hardware", row
    for serial in dict.fromkeys([record.serial, *(c.serial for c in chassis)]):
        if serial:
            yield "serial", serial.strip()


def _product_name(sys_object_id: str | None) -> str | None:
    """The registered name of the sysObjectID (CISCO-PRODUCTS-MIB ``ciscoCSR1000v``), when the
    agent has registration MIBs (``--mibs``/``NETSBOM_MIBS``)."""
    if not sys_object_id:
        return None
    from netsbom.agent.snmp.mibs import product

    try:
        oid = tuple(int(part) for part in sys_object_id.strip(".").split("."))
    except ValueError:
        return None
    found = product(oid)
    return found.name if found is not None else None


def decide(record: DeviceRecord, hardware: Iterable[str] = ()) -> Evidence | None:
    """Why the device is virtual, or physical, or None when nothing says."""
    texts = list(_texts(record, tuple(hardware)))
    for rule in rules():
        for where, text in texts:
            if where in rule.where and rule.matches(text) and not rule.vetoed(texts):
                return Evidence(True, f"{rule.name} ({rule.kind})", where, text[:120])
    for component in record.components:
        if component.cls == "chassis" and component.serial and component.hardware_rev:
            name = component.model or component.name or component.index
            return Evidence(
                False,
                "a chassis with a serial number and a hardware revision",
                "chassis",
                f"{name} rev {component.hardware_rev}"[:120],
            )
    return None


def with_virtual(
    record: DeviceRecord, hardware: Iterable[str] = (), method: str | None = None
) -> DeviceRecord:
    """``record`` with ``virtual`` decided (kept when already set) and its provenance."""
    if record.virtual is not None:
        return record
    evidence = decide(record, hardware)
    if evidence is None:
        return record
    how = method or next((p.method for p in record.provenance if p.field == "model"), "derived")
    source = f"{evidence.where} {evidence.text!r}: {evidence.rule}"
    provenance = (*record.provenance, Provenance("virtual", how, source, 0.9))
    return replace(record, virtual=evidence.virtual, provenance=provenance)
