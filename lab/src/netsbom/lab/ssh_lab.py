"""The SSH side of the lab: device recordings rendered from the lab definition, and servers.

``render_all`` writes ``data/ssh/<device>/`` for every device whose OS has an SSH driver
here (ios-xe, nxos, eos, junos, sros, vrp): the recordings are *derived* from lab.yaml, so their
hostnames, serials, versions and neighbour tables agree with the SNMP devices by construction.
``SshLab`` serves those recordings on 127.0.0.1, one port per device::

    with SshLab(load_lab(path), LAB_SSH_DIR, state_dir) as lab:
        lab.ports        # {"acc-1": 40123, ...}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from netsbom.agent.platforms import platform_for_family
from netsbom.agent.ssh.naming import command_filename
from netsbom.agent.ssh.recording import read_recording
from netsbom.lab.definition import Device, LabDefinition, load_lab
from netsbom.lab.service import Service
from netsbom.lab.ssh_server import SshLabServer

LAB_USERNAME = "netsbom"
LAB_PASSWORD = "netsbom-lab"  # noqa: S105 - lab devices only, never a real credential


def _dotted(mac: str) -> str:
    digits = mac.replace(":", "")
    return ".".join(digits[i : i + 4] for i in range(0, 12, 4))


def _dashed(mac: str) -> str:
    digits = mac.replace(":", "")
    return "-".join(digits[i : i + 4] for i in range(0, 12, 4))


Peers = list[tuple[str, Device, str, list[str]]]  # (local port, remote device, remote port, protos)


def _peers(lab: LabDefinition, device: Device) -> Peers:
    out = []
    for link, local, remote in lab.links_of(device.name):
        protocols: list[str] = list(link.protocols)
        out.append((local.port, lab.device(remote.device), remote.port, protocols))
    return out


_CISCO_LONG = {"Te": "TenGigabitEthernet", "Gi": "GigabitEthernet", "Fa": "FastEthernet"}


def _long(port: str) -> str:
    for short, long in _CISCO_LONG.items():
        if port.startswith(short) and port[len(short) : len(short) + 1].isdigit():
            return long + port[len(short) :]
    return port


# --- Cisco IOS XE ----------------------------------------------------------------------------


def _ios_xe(lab: LabDefinition, d: Device) -> dict[str, str]:
    v = d.os.version
    mac = _dotted(d.chassis_id)
    version = f"""Cisco IOS XE Software, Version {v}
Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version {v}, \
RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2023 by Cisco Systems, Inc.
Compiled Fri 20-Oct-23 10:44 by mcpre


Cisco IOS-XE software, Copyright (c) 2005-2023 by cisco Systems, Inc.
All rights reserved.  Certain components of Cisco IOS-XE software are
licensed under the GNU General Public License ("GPL") Version 2.0.

ROM: IOS-XE ROMMON
BOOTLDR: System Bootstrap, Version 17.9.1r, RELEASE SOFTWARE (P)

{d.hostname} uptime is 12 weeks, 3 days, 4 hours, 18 minutes
Uptime for this control processor is 12 weeks, 3 days, 4 hours, 20 minutes
System returned to ROM by Reload Command
System image file is "flash:packages.conf"
Last reload reason: Reload Command

cisco {d.model} (X86) processor with 1338934K/6147K bytes of memory.
Processor board ID {d.serial}
2 Virtual Ethernet interfaces
48 Gigabit Ethernet interfaces
8 Ten Gigabit Ethernet interfaces
2048K bytes of non-volatile configuration memory.
8388608K bytes of physical memory.
1638400K bytes of Crash Files at crashinfo:.
11264000K bytes of Flash at flash:.

Base Ethernet MAC Address          : {d.chassis_id}
Motherboard Assembly Number        : 73-18785-04
Motherboard Serial Number          : {d.serial}
Model Revision Number              : B0
Motherboard Revision Number        : A0
Model Number                       : {d.model}
System Serial Number               : {d.serial}


Switch Ports Model              SW Version        SW Image              Mode
------ ----- -----              ----------        ----------            ----
*    1 56    {d.model:<17} {v:<17} CAT9K_IOSXE           INSTALL


Configuration register is 0x102
"""
    inventory_rows = []
    for c in d.components:
        inventory_rows.append(
            f'NAME: "{c.name}", DESCR: "{c.description}"\n'
            f"PID: {c.model or 'N/A':<20}, VID: {c.hardware_rev or 'N/A':<4}, "
            f"SN: {c.serial or 'N/A'}\n"
        )
    lldp = []
    cdp = []
    for local, peer, port, protocols in _peers(lab, d):
        lldp.append(f"""------------------------------------------------
Local Intf: {local}
Chassis id: {_dotted(peer.chassis_id)}
Port id: {port}
Port Description: {port}
System Name: {peer.hostname}

System Description:
{peer.sys_descr.splitlines()[0].strip()}

Time remaining: 105 seconds
System Capabilities: B,R
Enabled Capabilities: B,R
Management Addresses - not advertised
Auto Negotiation - not supported
Physical media capabilities - not advertised
Media Attachment Unit type - not advertised
Vlan ID: - not advertised
""")
        if "cdp" in protocols:
            cdp.append(f"""-------------------------
Device ID: {peer.hostname}
Entry address(es):
  IP address: {peer.address}
Platform: cisco {peer.model},  Capabilities: Router Switch IGMP
Interface: {_long(local)},  Port ID (outgoing port): {_long(port)}
Holdtime : 142 sec

Version :
{peer.sys_descr.replace(chr(13), "").strip()}

advertisement version: 2
Native VLAN: 1
Duplex: full

""")
    lldp.append(f"\nTotal entries displayed: {len(_peers(lab, d))}\n")
    cdp.append(f"\nTotal cdp entries displayed : {len(cdp)}\n")
    install = f"""[ Switch 1 ] Installed Package(s) Information:
State (St): I - Inactive, U - Activated & Uncommitted,
            C - Activated & Committed, D - Deactivated & Uncommitted
--------------------------------------------------------------------------------
Type  St   Filename/Version
--------------------------------------------------------------------------------
IMG   C    {v}.0.5

--------------------------------------------------------------------------------
Auto abort timer: inactive
--------------------------------------------------------------------------------
"""
    _ = mac
    return {
        "show version": version,
        "show inventory": "\n".join(inventory_rows),
        "show install summary": install,
        "show lldp neighbors detail": "".join(lldp),
        "show cdp neighbors detail": "".join(cdp),
    }


# --- Cisco NX-OS -----------------------------------------------------------------------------


def _nxos(lab: LabDefinition, d: Device) -> dict[str, str]:
    v = d.os.version
    chassis = d.components[0]
    version = f"""Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Copyright (C) 2002-2023, Cisco and/or its affiliates.
All rights reserved.

Software
  BIOS: version 07.69
 NXOS: version {v}
  BIOS compile time:  04/20/2023
  NXOS image file is: bootflash:///nxos64-cs.{v.replace("(", ".").replace(")", "")}.M.bin
  NXOS compile time:  8/10/2023 4:00:00 [08/10/2023 12:55:31]

Hardware
  cisco {chassis.description}
  Intel(R) Xeon(R) CPU  @ 1.80GHz with 24570092 kB of memory.
  Processor Board ID {d.serial}

  Device name: {d.hostname}
  bootflash:   53298520 kB

Kernel uptime is 41 day(s), 2 hour(s), 10 minute(s), 4 second(s)

Last reset at 139920 usecs after Thu Jun  1 08:00:00 2023
  Reason: Reset Requested by CLI command reload
  System version: {v}
  Service:

plugin
  Core Plugin, Ethernet Plugin

Active Package(s):
"""
    inventory = "".join(
        f'NAME: "{c.name}",  DESCR: "{c.description}"\n'
        f"PID: {c.model or 'N/A':<20},  VID: {c.hardware_rev or 'N/A':<4},  "
        f"SN: {c.serial or 'N/A'}\n\n"
        for c in d.components
    )
    slot = next((c for c in d.components if c.cls == "module"), chassis)
    module = f"""Mod Ports             Module-Type                      Model           Status
--- ----- ------------------------------------- --------------------- ---------
1    54   {slot.description:<37} {slot.model:<21} active *

Mod  Sw                       Hw    Slot
---  -----------------------  ------  ----
1    {slot.software_rev or v:<24} 1.0    NA

Mod  MAC-Address(es)                         Serial-Num
---  --------------------------------------  ----------
1    {_dashed(d.chassis_id)} to 00-00-5e-00-53-ff  {slot.serial}

Mod  Online Diag Status
---  ------------------
1    Pass

* this terminal session
"""
    lldp = [
        """Capability codes:
  (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device
  (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other
Device ID            Local Intf      Hold-time  Capability  Port ID

"""
    ]
    cdp = []
    for local, peer, port, protocols in _peers(lab, d):
        lldp.append(f"""Chassis id: {_dotted(peer.chassis_id)}
Port id: {port}
Local Port id: {local}
Port Description: {port}
System Name: {peer.hostname}
System Description: {peer.sys_descr.splitlines()[0].strip()}
Time remaining: 98 seconds
System Capabilities: B, R
Enabled Capabilities: B, R
Management Address: not advertised
Vlan ID: not advertised


""")
        if "cdp" in protocols:
            cdp.append(f"""----------------------------------------
Device ID:{peer.hostname}
System Name: {peer.hostname}

Interface address(es): 1
    IPv4 Address: {peer.address}
Platform: cisco {peer.model}, Capabilities: Router Switch IGMP Filtering Supports-STP-Dispute
Interface: {local}, Port ID (outgoing port): {_long(port)}
Holdtime: 151 sec

Version:
{peer.sys_descr.replace(chr(13), "").strip()}

Advertisement Version: 2

Native VLAN: 1
Duplex: full

""")
    lldp.append(f"Total entries displayed: {len(_peers(lab, d))}\n")
    return {
        "show version": version,
        "show inventory": inventory,
        "show module": module,
        "show lldp neighbors detail": "".join(lldp),
        "show cdp neighbors detail": "".join(cdp),
    }


# --- Arista EOS ------------------------------------------------------------------------------


def _eos(lab: LabDefinition, d: Device, as_json: bool) -> dict[str, str]:
    chassis = d.components[0]
    v = d.os.version
    out: dict[str, str] = {}
    if as_json:
        out["show version | json"] = json.dumps(
            {
                "mfgName": "Arista",
                "modelName": d.model,
                "hardwareRevision": chassis.hardware_rev,
                "serialNumber": d.serial,
                "systemMacAddress": d.chassis_id,
                "hwMacAddress": d.chassis_id,
                "configMacAddress": "00:00:00:00:00:00",
                "version": v,
                "architecture": "x86_64",
                "internalVersion": f"{v}-33092737.{v.replace('.', '')}",
                "internalBuildId": "6fcb426e-70a9-48b8-8958-54bb72ee28ed",
                "imageFormatVersion": "3.0",
                "imageOptimization": "Strata-4GB",
                "bootupTimestamp": 1700000000.0,
                "uptime": 3560000.0,
                "memTotal": 8099732,
                "memFree": 5540140,
                "isIntlVersion": False,
            },
            indent=2,
        )
        out["show hostname | json"] = json.dumps({"hostname": d.hostname, "fqdn": d.hostname})
    else:
        out["show version"] = f"""Arista {d.model}
Hardware version: {chassis.hardware_rev}
Serial number: {d.serial}
Hardware MAC address: {_dotted(d.chassis_id)}
System MAC address: {_dotted(d.chassis_id)}

Software image version: {v}
Architecture: x86_64
Internal build version: {v}-33092737.{v.replace(".", "")}
Internal build ID: 6fcb426e-70a9-48b8-8958-54bb72ee28ed
Image format version: 3.0
Image optimization: Strata-4GB

Uptime: 41 days, 4 hours and 23 minutes
Total memory: 8099732 kB
Free memory: 5540140 kB
"""
        out["show hostname"] = f"Hostname: {d.hostname}\nFQDN:     {d.hostname}\n"
    psus = [c for c in d.components if c.cls == "power-supply"]
    fans = [c for c in d.components if c.cls == "fan"]
    psu_rows = "".join(f"  {i:<4} {c.model:<16} {c.serial}\n" for i, c in enumerate(psus, 1))
    fan_rows = "".join(
        f"  {i:<7} 4               {c.model:<16} {c.serial}\n" for i, c in enumerate(fans, 1)
    )
    out["show inventory"] = f"""System information
  Model                    Description
  ------------------------ ----------------------------------------------------
  {d.model:<24} {chassis.description}

  HW Version  Serial Number  Mfg Date   Epoch
  ----------- -------------- ---------- -----
  {chassis.hardware_rev:<11} {d.serial:<14} 2022-02-17 02.00

System has {len(psus)} power supply slots
  Slot Model            Serial Number
  ---- ---------------- ----------------
{psu_rows}
System has {len(fans)} fan modules
  Module  Number of Fans  Model            Serial Number
  ------- --------------- ---------------- ----------------
{fan_rows}
System has 56 ports
  Type               Count
  ----------------   ----
  QSFP28             8
  SFP28              48
"""
    out[
        "show extensions"
    ] = """Name                                   Version/Release      Status      Extension
-------------------------------------- -------------------- ----------- ---------
TerminAttr-1.26.0-1.swix               1.26.0/1.el7         A, I        1


A: available | NA: not available | I: installed | F: forced | NI: not installed
S: valid signature | NS: invalid signature
The extensions are stored on internal flash (flash:)
"""
    lldp = []
    for local, peer, port, _protocols in _peers(lab, d):
        lldp.append(f"""Interface {local} detected 1 LLDP neighbors:

  Neighbor {_dotted(peer.chassis_id)}/"{port}", age 14 seconds
  Discovered 41 days, 4:10:11 ago; Last changed 41 days, 4:10:11 ago
  - Chassis ID type: MAC address (4)
    Chassis ID     : {_dotted(peer.chassis_id)}
  - Port ID type: Interface name (5)
    Port ID     : "{port}"
  - Time To Live: 120 seconds
  - Port Description: "{port}"
  - System Name: "{peer.hostname}"
  - System Description: "{peer.sys_descr.splitlines()[0].strip()}"
  - System Capabilities : Bridge, Router
    Enabled Capabilities: Bridge, Router

""")
    out["show lldp neighbors detail"] = "".join(lldp)
    return out


# --- Juniper Junos ---------------------------------------------------------------------------


def _junos(lab: LabDefinition, d: Device) -> dict[str, str]:
    v = d.os.version
    version = f"""Hostname: {d.hostname}
Model: {d.model.lower()}
Junos: {v}
JUNOS OS Kernel 64-bit  [20230919.d2e8b2b_builder_stable_12_214]
JUNOS OS libs [20230919.d2e8b2b_builder_stable_12_214]
JUNOS OS runtime [20230919.d2e8b2b_builder_stable_12_214]
JUNOS OS time zone information [20230919.d2e8b2b_builder_stable_12_214]
JUNOS network stack and utilities [20231019.051744_builder_junos_214_r3_s5]
JUNOS libs [20231019.051744_builder_junos_214_r3_s5]
JUNOS OS libs compat32 [20230919.d2e8b2b_builder_stable_12_214]
JUNOS Packet Forwarding Engine Support (MX Common) [{v}]
JUNOS Routing Software Suite [{v}]
JUNOS Crypto Software Suite [{v}]
JUNOS Online Documentation [{v}]
JUNOS Kernel Software Suite [{v}]
JUNOS py-base [{v}]
JUNOS SDN Software Suite [{v}]
JUNOS Services URL Filter package [{v}]
JUNOS Services Stateful Firewall [{v}]
JUNOS Services NAT [{v}]
"""
    rows = [
        "Hardware inventory:",
        "Item             Version  Part number  Serial number     Description",
    ]
    depth = {d.components[0].name: 0}
    for c in d.components:
        level = (
            0
            if c.parent is None or c.parent == d.components[0].name
            else depth.get(c.parent, 0) + 1
        )
        depth[c.name] = level
        name = ("  " * level + c.name)[:16]
        if c.cls == "chassis":
            rows.append(f"{'Chassis':<16} {'':<8} {'':<12} {c.serial:<17} {c.model}")
            continue
        rev = c.hardware_rev.upper() if c.hardware_rev else ""
        rows.append(f"{name:<16} {rev:<8} {c.model:<12} {c.serial:<17} {c.description}")
    hardware = "\n".join(rows) + "\n"
    lldp = [
        "Local Interface    Parent Interface    Chassis Id          Port info          System Name"
    ]
    for local, peer, port, _protocols in _peers(lab, d):
        lldp.append(f"{local:<18} {'-':<19} {peer.chassis_id:<19} {port:<18} {peer.hostname}")
    return {
        "show version | no-more": version,
        "show chassis hardware | no-more": hardware,
        "show lldp neighbors | no-more": "\n".join(lldp) + "\n",
    }


# --- Nokia SR OS -----------------------------------------------------------------------------


def _sros(lab: LabDefinition, d: Device) -> dict[str, str]:
    rule = "=" * 79
    dash = "-" * 79
    chassis = d.components[0]
    version = d.sys_descr.replace("\r", "") + "\n"
    show_chassis = f"""
{rule}
System Information
{rule}
  Name                              : {d.hostname}
  Type                              : {d.model}
  Chassis Topology                  : Standalone
  Location                          : {d.location}
  Coordinates                       : (Not Specified)
  CLLI code                         :
  Number of slots                   : 2
  Oper number of slots              : 2
  Number of ports                   : 14
  Critical LED state                : Off
  Major LED state                   : Off
  Minor LED state                   : Off
  Over Temperature state            : OK
  Base MAC address                  : {d.chassis_id}

Hardware Data
    Platform type                   : 7750
    Part number                     : {chassis.hardware_rev}
    CLEI code                       : IPUCBAM8AA
    Serial number                   : {d.serial}
    Manufacture date                : 06022022
    Manufacturing deviations        : (Not Specified)
    Administrative state            : up
    Operational state               : up
    Temperature                     : 31C
    Temperature threshold           : 75C
{rule}
"""
    cards = []
    for c in d.components[1:]:
        if c.cls == "cpu":
            header = f"Slot {c.name.split()[-1]}"
        elif c.name.startswith("Card"):
            header = f"Card {c.name.split()[-1]}"
        elif c.name.startswith("MDA"):
            header = f"MDA {c.name.split()[-1]}"
        else:
            continue
        cards.append(f"""{rule}
{header}
{rule}
  Equipped type                     : {c.model}
  Admin State                       : up
  Operational state                 : up
    Hardware Data
        Firmware version            : {c.firmware_rev or "N/A"}
        Software version            : {c.software_rev or "N/A"}
        Part number                 : {c.hardware_rev}
        CLEI code                   : IPUCBAM8AA
        Serial number               : {c.serial}
        Manufacture date            : 06022022
{rule}
""")
    lldp = [
        f"""
Link Layer Discovery Protocol (LLDP) System Information

{rule}
NB = nearest-bridge   NTPMR = nearest-non-tpmr   NC = nearest-customer
{rule}
Lcl Port      Scope Remote Chassis ID  Index  Remote Port     Remote Sys Name
{dash}"""
    ]
    peers = _peers(lab, d)
    for local, peer, port, _protocols in peers:
        lldp.append(
            f"{local:<13} NB    {peer.chassis_id.upper():<18} 1      {port:<15} {peer.hostname}"
        )
    lldp.append(f"{dash}\nNumber of neighbors : {len(peers)}\n")
    return {
        "show version": version,
        "show chassis": show_chassis,
        "show card detail": "".join(cards),
        "show system lldp neighbor": "\n".join(lldp),
    }


# --- Huawei VRP ------------------------------------------------------------------------------


def _vrp(lab: LabDefinition, d: Device) -> dict[str, str]:
    version = d.sys_descr.replace("\r", "").rstrip("\n") + "\n"
    version = version.replace(
        f"HUAWEI {d.model}\n", f"HUAWEI {d.model} uptime is 98 days, 3 hours, 11 minutes\n"
    )
    esn = f"ESN of slot 1: {d.serial}\n"
    device = f"""{d.model}'s Device status:
-------------------------------------------------------------------------------
Slot  Sub Type                   Online    Power Register     Alarm     Primary
-------------------------------------------------------------------------------
1     -   {d.model:<26} Present   On    Registered   Normal    Master
      1   {"CE6865-48S8CQ-EI-CARD":<26} Present   On    Registered   Normal    NA
PWR1  -   PAC1K2S12-PL               Present   On    Registered   Normal    NA
PWR2  -   PAC1K2S12-PL               Present   On    Registered   Normal    NA
FAN1  -   FAN-40HB-F                 Present   On    Registered   Normal    NA
-------------------------------------------------------------------------------
"""
    lldp = []
    for local, peer, port, _protocols in _peers(lab, d):
        lldp.append(f"""{local} has 1 neighbor(s):

Neighbor index :1
Chassis type   :MAC address
Chassis ID     :{_dashed(peer.chassis_id)}
Port ID type   :Interface name
Port ID        :{port}
Port description    :{port}
System name         :{peer.hostname}
System description  :{peer.sys_descr.splitlines()[0].strip()}
System capabilities supported   :bridge router
System capabilities enabled     :bridge router
Management address type  :ipv4
Management address       :{peer.address}
Expired time   :103s

""")
    return {
        "display version": version,
        "display esn": esn,
        "display device": device,
        "display lldp neighbor": "".join(lldp),
    }


def render_device(lab: LabDefinition, device: Device, *, as_json: bool = False) -> dict[str, str]:
    """{command: output} for one lab device (empty when no SSH platform renders its OS)."""
    renderers: dict[str, Callable[[], dict[str, str]]] = {
        "ios-xe": lambda: _ios_xe(lab, device),
        "nxos": lambda: _nxos(lab, device),
        "eos": lambda: _eos(lab, device, as_json),
        "junos": lambda: _junos(lab, device),
        "sros": lambda: _sros(lab, device),
        "vrp": lambda: _vrp(lab, device),
    }
    render = renderers.get(device.os.family)
    return render() if render else {}


def render_all(definition: Path, out_dir: Path, *, check: bool = False) -> list[Path]:
    """Write (or with ``check`` compare) every device's recording; returns changed files."""
    lab = load_lab(definition)
    changed: list[Path] = []
    json_devices = {"spine-1"}  # one EOS device answers | json, the other only text
    for device in lab.devices:
        outputs = render_device(lab, device, as_json=device.name in json_devices)
        if not outputs:
            continue
        directory = out_dir / device.name
        files = {
            "device.yaml": yaml.safe_dump(
                {
                    "platform": platform_for_family(device.os.family),
                    "hostname": device.hostname,
                    "credentials": {"username": LAB_USERNAME, "password": LAB_PASSWORD},
                },
                sort_keys=False,
            ),
            **{
                command_filename(cmd): text if text.endswith("\n") else text + "\n"
                for cmd, text in outputs.items()
            },
        }
        for name, text in files.items():
            path = directory / name
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                changed.append(path)
                if not check:
                    directory.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
    return changed


class SshLab(Service):
    """Serve every recording under ``recordings`` that belongs to a lab device, on ``host``
    (default: the device's own loopback address, as its SNMP agent), one port per device."""

    def __init__(
        self, lab: LabDefinition, recordings: Path, state_dir: Path, host: str | None = None
    ) -> None:
        self.lab = lab
        self.recordings = recordings
        self.state_dir = state_dir
        self.host = host
        self.servers: dict[str, SshLabServer] = {}

    @property
    def ports(self) -> dict[str, int]:
        return {name: server.port for name, server in self.servers.items()}

    def start(self) -> None:
        try:
            for device in self.lab.devices:
                directory = self.recordings / device.name
                if not (directory / "device.yaml").is_file():
                    continue
                server = SshLabServer(
                    read_recording(directory),
                    host=self.host or device.address,
                    port=0,
                    host_key_path=self.state_dir / "ssh-keys" / f"{device.name}.key",
                )
                server.start()
                self.servers[device.name] = server
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()
