"""Identifiers a scanner can use, derived from a record's final vendor, OS and model.

Applied to every record the agent produces (SNMP, SSH, merged), after the fields are settled, so
the CPEs always name the version and model the record states. The naming rules per vendor (NVD's
conventions) live in ``agent/cpe.py``.
"""

from __future__ import annotations

from dataclasses import replace

from netsbom.core.cpe import hardware_cpe, os_cpe
from netsbom.core.record import DeviceRecord, Identifiers, Provenance


def with_identifiers(record: DeviceRecord) -> DeviceRecord:
    """``record`` with ``identifiers.os_cpe`` / ``hardware_cpe`` derived from its fields."""
    os_id = os_cpe(record.os.family, record.os.version, record.model)
    hardware_id = hardware_cpe(record.vendor, record.model)
    identifiers = Identifiers(os_cpe=os_id, hardware_cpe=hardware_id, purl=record.identifiers.purl)
    if identifiers == record.identifiers:
        return record
    derived = {"identifiers.os_cpe": os_id, "identifiers.hardware_cpe": hardware_id}
    provenance = [p for p in record.provenance if p.field not in derived]
    method = next((p.method for p in provenance if p.field == "os.version"), "derived")
    provenance += [
        Provenance(name, method, "derived from os.family, os.version, model", 1.0)
        for name, value in derived.items()
        if value
    ]
    return replace(record, identifiers=identifiers, provenance=tuple(provenance))
