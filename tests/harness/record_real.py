"""Record the real programs with ``netsbom agent record``: the recordings in tests/data/real.

    sudo .venv/bin/python -m tests.harness.record_real tests/data/real

Needs what the live tests need (root, Debian's snmpd, snmp, openssh-server, lldpd, iproute2).
Writes, replacing what is there:

    host/snmp/host.snmprec.bz2       this host's Net-SNMP snmpd (v2c)
    host/ssh/host/                   this host over OpenSSH as a ``linux`` target
    lldp-lab/snmp/rN.snmprec.bz2     each LLDP lab device's snmpd + lldpd AgentX
    lldp-lab/ssh/rN/                 each LLDP lab device over sshd (``lldpctl -f json``...)
    lldp-lab/wiring.yaml             what is plugged where (the truth a replay must give)
    SOURCE.md                        the programs, their versions, the host, the date
"""

from __future__ import annotations

import bz2
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import yaml

from tests.harness.lldp_lab import LldpLab
from tests.harness.snmpd import net_snmpd
from tests.harness.sshd import openssh

NETSBOM = [sys.executable, "-m", "netsbom.core"]


def _run(argv: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:6])}...: exit {result.returncode}: {result.stderr}")


def _compress(path: Path) -> None:
    path.with_name(path.name + ".bz2").write_bytes(bz2.compress(path.read_bytes(), 9))
    path.unlink()


def _version(argv: list[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    lines = (result.stdout + result.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def record_host(out: Path, work: Path) -> None:
    env = {**os.environ, "NSB_REC_COMMUNITY": ""}
    with net_snmpd(work / "snmpd") as agent:
        env["NSB_REC_COMMUNITY"] = agent.community
        target = out / "snmp" / "host.snmprec"
        target.parent.mkdir(parents=True)
        _run([*NETSBOM, "agent", "record", f"snmp://{agent.address}:{agent.port}",
              "--community", "env:NSB_REC_COMMUNITY", "--out", str(target)], env)  # fmt: skip
        _compress(target)
    with openssh(work / "sshd") as server:
        _run([*NETSBOM, "agent", "record",
              f"ssh://{server.user}@{server.address}:{server.port}", "--platform", "linux",
              "--key-file", str(server.user_key), "--known-hosts", str(work / "known_hosts"),
              "--tofu", "--out", str(out / "ssh" / "host")])  # fmt: skip


def record_lab(out: Path, work: Path) -> None:
    with LldpLab(work / "lab") as lab:
        env = {**os.environ, "NSB_REC_COMMUNITY": lab.community}
        (out / "snmp").mkdir(parents=True)
        for device in lab.wiring.devices:
            target = out / "snmp" / f"{device}.snmprec"
            result = lab.run_in_mgmt(
                [*NETSBOM, "agent", "record", f"snmp://{lab.address(device)}",
                 "--community", "env:NSB_REC_COMMUNITY", "--out", str(target)], env=env,
            )  # fmt: skip
            if result.returncode != 0:
                raise SystemExit(f"recording {device} over SNMP failed: {result.stderr}")
            _compress(target)
            result = lab.run_in_mgmt(
                [*NETSBOM, "agent", "record", f"ssh://root@{lab.address(device)}",
                 "--platform", "linux", "--key-file", str(lab.user_key),
                 "--known-hosts", str(work / "lab-known-hosts"), "--tofu",
                 "--out", str(out / "ssh" / device)], env=env,
            )  # fmt: skip
            if result.returncode != 0:
                raise SystemExit(f"recording {device} over SSH failed: {result.stderr}")
        wiring = {
            "devices": list(lab.wiring.devices),
            "cables": [[list(a), list(b)] for a, b in lab.wiring.cables],
            "segments": [[list(end) for end in segment] for segment in lab.wiring.segments],
        }
        (out / "wiring.yaml").write_text(yaml.safe_dump(wiring, sort_keys=False))


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in ("host", "lldp-lab"):
            shutil.rmtree(out / name, ignore_errors=True)
        record_host(out / "host", work)
        record_lab(out / "lldp-lab", work)
    release = Path("/etc/os-release").read_text()
    pretty = next((line.split("=", 1)[1].strip('"') for line in release.splitlines()
                   if line.startswith("PRETTY_NAME=")), "?")  # fmt: skip
    (out / "SOURCE.md").write_text(
        f"""# Recordings of real programs

Recorded {datetime.now(UTC):%Y-%m-%d} with `netsbom agent record` by
`python -m tests.harness.record_real tests/data/real` (tests/harness/record_real.py), on
{pretty}, kernel {os.uname().release}, from the Debian packages:

- Net-SNMP {_snmpd_version()} (`snmpd`, private config: tests/harness/snmpd.py)
- lldpd {_version(["lldpd", "-v"])} with its AgentX subagent (tests/harness/lldp_lab.py)
- {_version(["/usr/sbin/sshd", "-V"])} (tests/harness/sshd.py)

`host/` is the recording host itself: its snmpd (hrSWInstalledTable = its dpkg list, sysDescr =
its kernel) and the same host over SSH as a `linux` target. `lldp-lab/` is the four-device LLDP
lab (network namespaces, veth pairs and a bridge): `wiring.yaml` is what was plugged where.
Replay: `netsbom agent poll --replay tests/data/real/lldp-lab/snmp`.
"""
    )


def _snmpd_version() -> str:
    text = subprocess.run(["/usr/sbin/snmpd", "-v"], capture_output=True, text=True,
                          timeout=30, check=False).stdout  # fmt: skip
    return next((line.split(":", 1)[1].strip() for line in text.splitlines()
                 if "version" in line.lower()), "?")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/real"))
