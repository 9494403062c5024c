"""Identifiers a scanner can use, derived from a record's final vendor, OS, model and software.

Applied to every record the agent produces (SNMP, SSH, merged), after the fields are settled, so
the CPEs always name the version and model the record states and package URLs the distribution
it runs. The naming rules live in core: CPEs per vendor (NVD's conventions) in ``core/cpe.py``,
package URLs in ``core/purl.py``. The Linux kernel is a software component of its own
(:func:`kernel_software`), with its own CPE, beside the distribution that is the record's OS.
"""

from __future__ import annotations

from dataclasses import replace

from netsbom.agent.virtual import with_virtual
from netsbom.core.cpe import hardware_cpe, kernel_cpe, os_cpe
from netsbom.core.families import known_family
from netsbom.core.purl import software_purl
from netsbom.core.record import DeviceRecord, Identifiers, OsInfo, Provenance, Software

KERNEL = "linux-kernel"  # the kernel's Software.name


def kernel_software(release: str, source: str) -> Software:
    """The Linux kernel (``release`` as ``uname -r`` writes it) as a component of its own."""
    return Software(KERNEL, release, "kernel", source=source, cpe=kernel_cpe(release))


def kernel_of(os: OsInfo, source: str) -> Software | None:
    """The kernel an OS *is* (the family the registry names by a kernel CPE: Linux, whose
    version is the kernel release), else None."""
    entry = known_family(os.family)
    is_kernel = entry is not None and any(name.of == "kernel" for name in entry.cpe)
    return kernel_software(os.version, source) if is_kernel and os.version else None


def with_identifiers(record: DeviceRecord) -> DeviceRecord:
    """``record`` with ``identifiers.os_cpe`` / ``hardware_cpe`` derived from its fields and its
    packages' purls completed with its distribution (:func:`netsbom.core.purl.software_purl`),
    and ``virtual`` decided (:mod:`netsbom.agent.virtual`) where the record does not say."""
    record = with_virtual(record)
    software = _with_purls(record)
    if software != record.software:
        record = replace(record, software=software)
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


def _with_purls(record: DeviceRecord) -> tuple[Software, ...]:
    family, version = record.os.family, record.os.version
    out: list[Software] = []
    for item in record.software:
        purl = software_purl(item, family, version)
        out.append(item if purl == item.purl else replace(item, purl=purl))
    return tuple(out)
