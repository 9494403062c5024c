"""The OIDs netsbom reads: one list shared by the live walk and snmprec replay (replay == live)."""

from __future__ import annotations

from dataclasses import dataclass

from netsbom.agent.snmp.view import Oid, parse_oid

# SNMPv2-MIB system group
SYSTEM: Oid = (1, 3, 6, 1, 2, 1, 1)
SYS_DESCR: Oid = (*SYSTEM, 1, 0)
SYS_OBJECT_ID: Oid = (*SYSTEM, 2, 0)
SYS_CONTACT: Oid = (*SYSTEM, 4, 0)
SYS_NAME: Oid = (*SYSTEM, 5, 0)
SYS_LOCATION: Oid = (*SYSTEM, 6, 0)
# the system group's texts, which name the product or the device, never one unit
SYSTEM_TEXTS: tuple[Oid, ...] = (SYS_DESCR, SYS_CONTACT, SYS_NAME, SYS_LOCATION)
DEVICE_NAMES: tuple[Oid, ...] = (SYS_CONTACT, SYS_NAME, SYS_LOCATION)  # this device's, not a model

# IF-MIB
IF_DESCR: Oid = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
IF_NAME: Oid = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)

# ENTITY-MIB entPhysicalTable / entPhysicalEntry columns
ENT_PHYSICAL: Oid = (1, 3, 6, 1, 2, 1, 47, 1, 1, 1)
ENT_ENTRY: Oid = (*ENT_PHYSICAL, 1)
ENT_DESCR = 2
ENT_VENDOR_TYPE = 3
ENT_CONTAINED_IN = 4
ENT_CLASS = 5
ENT_PARENT_REL_POS = 6
ENT_NAME = 7
ENT_HARDWARE_REV = 8
ENT_FIRMWARE_REV = 9
ENT_SOFTWARE_REV = 10
ENT_SERIAL = 11
ENT_MFG_NAME = 12
ENT_MODEL_NAME = 13
ENT_IS_FRU = 16

# LLDP-MIB (IEEE 802.1AB-2005)
LLDP_LOCAL: Oid = (1, 0, 8802, 1, 1, 2, 1, 3)
LLDP_LOC_CHASSIS_ID_SUBTYPE: Oid = (*LLDP_LOCAL, 1, 0)
LLDP_LOC_CHASSIS_ID: Oid = (*LLDP_LOCAL, 2, 0)
LLDP_LOC_PORT_ENTRY: Oid = (*LLDP_LOCAL, 7, 1)  # .2 subtype .3 id .4 desc, index lldpLocPortNum
LLDP_REM_TABLE: Oid = (1, 0, 8802, 1, 1, 2, 1, 4, 1)
LLDP_REM_ENTRY: Oid = (*LLDP_REM_TABLE, 1)  # index timeMark.localPortNum.remIndex
LLDP_REM_CHASSIS_ID_SUBTYPE = 4
LLDP_REM_CHASSIS_ID = 5
LLDP_REM_PORT_ID_SUBTYPE = 6
LLDP_REM_PORT_ID = 7
LLDP_REM_PORT_DESC = 8
LLDP_REM_SYS_NAME = 9
LLDP_REM_SYS_DESC = 10
LLDP_REM_MAN_ADDR_TABLE: Oid = (1, 0, 8802, 1, 1, 2, 1, 4, 2)

# CISCO-CDP-MIB cdpCacheTable / cdpCacheEntry, index ifIndex.deviceIndex
CDP_CACHE_TABLE: Oid = (1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1)
CDP_CACHE_ENTRY: Oid = (*CDP_CACHE_TABLE, 1)
CDP_ADDRESS_TYPE = 3
CDP_ADDRESS = 4
CDP_VERSION = 5
CDP_DEVICE_ID = 6
CDP_DEVICE_PORT = 7
CDP_PLATFORM = 8

# HOST-RESOURCES-MIB hrSWInstalledTable; its Entry .1 has the columns .1.N by hrSWInstalledIndex
HR_SW_INSTALLED: Oid = (1, 3, 6, 1, 2, 1, 25, 6, 3)
HR_SW_ENTRY: Oid = (*HR_SW_INSTALLED, 1)
HR_SW_NAME = 2
HR_SW_TYPE = 4

# SNMP-FRAMEWORK-MIB snmpEngineID (RFC 3411): its first four octets are the agent's private
# enterprise number (the top bit set when the RFC 3411 format follows), read when a device states no
# sysObjectID, to name its maker.
SNMP_ENGINE_ID: Oid = (1, 3, 6, 1, 6, 3, 10, 2, 1, 1)
# HOST-RESOURCES-MIB hrDeviceDescr: CPUs and disks of a VM name the hypervisor ("QEMU Virtual CPU")
HR_DEVICE_DESCR: Oid = (1, 3, 6, 1, 2, 1, 25, 3, 2, 1, 3)
# A printer (one that answers Printer-MIB, RFC 3805: one GETNEXT on its root) names its model in
# the hrDeviceDescr of its printer device (hrDeviceType hrDevicePrinter, RFC 2790), its first row
HR_DEVICE_TYPE: Oid = (1, 3, 6, 1, 2, 1, 25, 3, 2, 1, 2)
HR_DEVICE_PRINTER: Oid = (1, 3, 6, 1, 2, 1, 25, 3, 1, 5)
PRINTER_MIB: Oid = (1, 3, 6, 1, 2, 1, 43)

# SNMPv2-SMI enterprises: the private subtree 1.3.6.1.4.1.N of the vendor with IANA number N
ENTERPRISES: Oid = (1, 3, 6, 1, 4, 1)
# A device's own enterprise subtree is read whole, as a last resort, only when it holds at most
# this many objects (see netsbom.agent.snmp.shape); a larger one is not read past this.
ENTERPRISE_ROWS = 5_000
# Behind a general agent's sysObjectID (Net-SNMP's), the private subtrees the agent serves are
# listed (one GETNEXT each, the first this many): one of a maker beside them makes the host that
# maker's appliance (netsbom.agent.snmp.parse.device_enterprise).
SERVED_ENTERPRISES = 16

# Walked in this order; the system group first (its failure means the device is unreachable).
STANDARD_SUBTREES: tuple[Oid, ...] = (
    SYSTEM,
    ENT_PHYSICAL,
    IF_NAME,
    IF_DESCR,
    LLDP_LOCAL,
    LLDP_REM_TABLE,
    LLDP_REM_MAN_ADDR_TABLE,
    CDP_CACHE_TABLE,
    HR_SW_INSTALLED,
    HR_DEVICE_DESCR,
)


@dataclass(frozen=True, slots=True)
class Plan:
    """What to read from one device: whole subtrees, and objects of which only the first instance
    (one GETNEXT) counts. Decided from the system group alone, identically live and in replay."""

    subtrees: tuple[Oid, ...]
    objects: tuple[Oid, ...]
    # a general agent's sysObjectID, or one naming no maker: list the subtrees it serves
    list_enterprises: bool = False


def collection_plan(sys_object_id: str | None, sys_descr: str | None) -> Plan:
    from netsbom.agent.snmp import mibs
    from netsbom.agent.snmp.fingerprint import knowledge_base

    objects, tables = knowledge_base().plan_all(sys_object_id, sys_descr)
    named = tuple(item.oid for item in mibs.identity_objects(_sys_oid(sys_object_id)))
    objects = (*objects, *(oid for oid in named if oid not in objects), HR_DEVICE_TYPE, PRINTER_MIB)
    anonymous = enterprise_arc(sys_object_id) is None
    if anonymous:
        objects = (*objects, SNMP_ENGINE_ID)
    subtrees = _minimal((*STANDARD_SUBTREES, *tables))
    return Plan(
        subtrees,
        tuple(o for o in objects if not in_subtrees(o, subtrees)),
        anonymous or knowledge_base().general_agent(sys_object_id),
    )


def enterprise_arc(sys_object_id: str | None) -> Oid | None:
    """The enterprise subtree (1.3.6.1.4.1.N) a sysObjectID lies in, if it lies in one. One that
    lies in none (absent, a standard MIB's OID, garbled: ``.0.10.43.6.1.4.1``) names no maker:
    SNMPv2-MIB defines sysObjectID as an identification "allocated within the SMI enterprises
    subtree"."""
    oid = _sys_oid(sys_object_id)
    if oid is None or len(oid) <= len(ENTERPRISES) or oid[: len(ENTERPRISES)] != ENTERPRISES:
        return None
    return oid[: len(ENTERPRISES) + 1]


def _sys_oid(text: str | None) -> Oid | None:
    try:
        return parse_oid(text) if text else None
    except ValueError:
        return None


def collection_subtrees() -> tuple[Oid, ...]:
    """Standard subtrees plus every absolute vendor object: the union of all plans (for tools)."""
    from netsbom.agent.snmp.fingerprint import knowledge_base

    extra = knowledge_base().vendor_oids()
    return _minimal((*STANDARD_SUBTREES, *extra))


def _minimal(subtrees: tuple[Oid, ...]) -> tuple[Oid, ...]:
    """Drop subtrees already covered by another one; keep the first-seen order."""
    result: list[Oid] = []
    for oid in subtrees:
        if any(oid[: len(other)] == other for other in result):
            continue
        result = [other for other in result if other[: len(oid)] != oid]
        result.append(oid)
    return tuple(result)


def in_subtrees(oid: Oid, subtrees: tuple[Oid, ...]) -> bool:
    return any(oid[: len(prefix)] == prefix for prefix in subtrees)
