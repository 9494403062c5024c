"""A small real network: Linux network namespaces joined by veth pairs and a Linux bridge, each
device running Net-SNMP's snmpd (``master agentx``), lldpd with its AgentX subagent and sshd.

    with LldpLab(tmp_path, WIRING) as lab:
        lab.address("r1")                              10.0.0.1 (management network)
        lab.run_in_mgmt([netsbom, "agent", "poll", ...])   where the agent runs
        lab.wiring                                     the truth the topology must equal

Namespaces: one per device, one per shared segment (a bridge that forwards LLDP like a switch
that does not speak it: ``group_fwd_mask 0x4000``) and one management namespace whose bridge
reaches every device's ``mgmt0``. Nothing is addressed in the host's namespace: the agent runs
inside the management namespace (``ip netns exec``). Each device's daemons share a private
mount and UTS namespace: ``hostname`` is the device name, ``/run`` is its own (``lldpctl``
finds its lldpd at the default socket, as on a real host). lldpd runs on the ``eth*`` ports
only. Names carry this process's id, so concurrent runs do not collide; everything is removed
when the block ends.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pytest

from tests.harness.programs import need, stop
from tests.harness.snmpd import COMMUNITY, snmpd_config
from tests.harness.sshd import keygen, sshd_config

Port = tuple[str, str]  # (device, interface)


@dataclass(frozen=True, slots=True)
class Wiring:
    """What is plugged where: point-to-point cables and shared segments (bridges)."""

    devices: tuple[str, ...]
    cables: tuple[tuple[Port, Port], ...]
    segments: tuple[tuple[Port, ...], ...] = ()

    def ports(self, device: str) -> list[str]:
        ends = [end for cable in self.cables for end in cable]
        ends += [end for segment in self.segments for end in segment]
        return sorted(port for name, port in ends if name == device)

    def neighbours(self, device: str) -> int:
        """How many LLDP neighbours ``device`` sees once LLDP has converged."""
        count = sum(1 for cable in self.cables for name, _ in cable if name == device)
        for segment in self.segments:
            mine = sum(1 for name, _ in segment if name == device)
            count += mine * (len(segment) - 1)
        return count


# A chain r1 - r2 - r3 and a shared segment through a bridge: r1, r3 and r4.
WIRING = Wiring(
    devices=("r1", "r2", "r3", "r4"),
    cables=((("r1", "eth1"), ("r2", "eth1")), (("r2", "eth2"), ("r3", "eth1"))),
    segments=((("r1", "eth2"), ("r3", "eth2"), ("r4", "eth1")),),
)

# One device: its own /run (lldpd's default socket and chroot, sshd's privilege separation), its
# own hostname, and its own /etc/lldpd.d (read by lldpd at start: tx-interval 1 s, not 30 s).
# The loops are bounded (60 s); the harness gives up on the whole lab after _wait_for_lldp.
SUPERVISOR = r"""
set -u
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/sshd /run/lldpd
mount --bind "$DIR/lldpd.d" /etc/lldpd.d
hostname "$DEVICE"
trap 'kill $(jobs -p) 2>/dev/null; wait; exit 0' TERM INT
"$SNMPD" -f -Lf "$DIR/snmpd.log" -C -c "$DIR/snmpd.conf" --persistentDir="$DIR/state" &
i=0; while [ ! -S /run/agentx.sock ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
"$LLDPD" -d -I 'eth*' -x -X /run/agentx.sock >"$DIR/lldpd.log" 2>&1 &
"$SSHD" -D -e -f "$DIR/sshd_config" >"$DIR/sshd.log" 2>&1 &
wait
"""


class LldpLab:
    def __init__(self, directory: Path, wiring: Wiring = WIRING) -> None:
        self.directory = directory
        self.wiring = wiring
        self.tools = need("ip", "unshare", "snmpd", "snmpbulkwalk", "lldpd", "sshd",
                          "ssh-keygen", root=True)  # fmt: skip
        self.prefix = f"nsb{os.getpid()}"
        self.community = COMMUNITY
        self.namespaces: list[str] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        self.user_key = directory / "user_ed25519"

    # --- names ----------------------------------------------------------------------------

    def namespace(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def mgmt(self) -> str:
        return self.namespace("mgmt")

    def address(self, device: str) -> str:
        return f"10.0.0.{self.wiring.devices.index(device) + 1}"

    # --- running things ---------------------------------------------------------------------

    def ip(self, *args: str) -> None:
        subprocess.run([self.tools["ip"], *args], check=True, capture_output=True, timeout=30)

    def run_in_mgmt(
        self, argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` in the management namespace (where the agent polls from)."""
        return subprocess.run(
            [self.tools["ip"], "netns", "exec", self.mgmt, *argv],
            capture_output=True, text=True, timeout=timeout, env=env, check=False,
        )  # fmt: skip

    # --- building the network ---------------------------------------------------------------

    def __enter__(self) -> LldpLab:
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self._build()
            self._start_devices()
            self._wait_for_lldp()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _add_namespace(self, name: str) -> str:
        namespace = self.namespace(name)
        self.ip("netns", "add", namespace)
        self.namespaces.append(namespace)
        self.ip("-n", namespace, "link", "set", "lo", "up")
        return namespace

    def _build(self) -> None:
        mgmt = self._add_namespace("mgmt")
        self.ip("-n", mgmt, "link", "add", "mgmt", "type", "bridge")
        self.ip("-n", mgmt, "addr", "add", "10.0.0.254/24", "dev", "mgmt")
        self.ip("-n", mgmt, "link", "set", "mgmt", "up")
        for device in self.wiring.devices:
            namespace = self._add_namespace(device)
            self.ip("link", "add", "mgmt0", "netns", namespace, "type", "veth",
                    "peer", "name", f"to-{device}", "netns", mgmt)  # fmt: skip
            self.ip("-n", mgmt, "link", "set", f"to-{device}", "master", "mgmt", "up")
            self.ip("-n", namespace, "addr", "add", f"{self.address(device)}/24", "dev", "mgmt0")
            self.ip("-n", namespace, "link", "set", "mgmt0", "up")
        for (a_dev, a_port), (b_dev, b_port) in self.wiring.cables:
            self.ip("link", "add", a_port, "netns", self.namespace(a_dev), "type", "veth",
                    "peer", "name", b_port, "netns", self.namespace(b_dev))  # fmt: skip
            self.ip("-n", self.namespace(a_dev), "link", "set", a_port, "up")
            self.ip("-n", self.namespace(b_dev), "link", "set", b_port, "up")
        for number, segment in enumerate(self.wiring.segments, start=1):
            hub = self._add_namespace(f"seg{number}")
            # forward LLDP (01:80:c2:00:00:0e, bit 14) like a switch that does not speak it
            self.ip("-n", hub, "link", "add", "br0", "type", "bridge", "group_fwd_mask", "0x4000")
            self.ip("-n", hub, "link", "set", "br0", "up")
            for device, port in segment:
                self.ip("link", "add", port, "netns", self.namespace(device), "type", "veth",
                        "peer", "name", f"{device}-{port}", "netns", hub)  # fmt: skip
                self.ip("-n", hub, "link", "set", f"{device}-{port}", "master", "br0", "up")
                self.ip("-n", self.namespace(device), "link", "set", port, "up")

    def _start_devices(self) -> None:
        keygen(self.user_key)
        for device in self.wiring.devices:
            folder = self.directory / device
            (folder / "state").mkdir(parents=True)
            address = self.address(device)
            snmpd_config(folder / "snmpd.conf", address=address, port=161, users=(),
                         source="10.0.0.0/24",
                         extra="master agentx\nagentXSocket /run/agentx.sock\n")  # fmt: skip
            authorized = folder / "authorized_keys"
            authorized.write_text(self.user_key.with_suffix(".pub").read_text())
            host_key = keygen(folder / "host_ed25519")
            sshd_config(folder, address=address, port=22, host_key=host_key, authorized=authorized)
            (folder / "lldpd.d").mkdir()
            (folder / "lldpd.d" / "netsbom-lab.conf").write_text("configure lldp tx-interval 1\n")
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEVICE": device,
                "DIR": str(folder), "SNMPD": self.tools["snmpd"], "LLDPD": self.tools["lldpd"],
                "SSHD": self.tools["sshd"],
            }  # fmt: skip
            with (folder / "supervisor.log").open("ab") as log:
                self.processes.append(
                    subprocess.Popen(
                        [self.tools["ip"], "netns", "exec", self.namespace(device),
                         self.tools["unshare"], "--mount", "--uts", "--propagation", "private",
                         "sh", "-c", SUPERVISOR],
                        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                    )
                )  # fmt: skip

    def _wait_for_lldp(self, timeout: float = 90) -> None:
        """Until every device's LLDP-MIB (served by lldpd through snmpd) lists every neighbour."""
        deadline = time.monotonic() + timeout
        waiting = list(self.wiring.devices)
        while waiting:
            for process in self.processes:
                if process.poll() is not None:
                    pytest.fail(f"a device of the LLDP lab stopped: exit {process.returncode}")
            device = waiting[0]
            if self._neighbours(device) >= self.wiring.neighbours(device):
                waiting.pop(0)
                continue
            if time.monotonic() > deadline:
                pytest.fail(f"LLDP lab: {device} does not see its neighbours within {timeout} s")
            time.sleep(0.5)

    def _neighbours(self, device: str) -> int:
        walk = self.run_in_mgmt(
            [self.tools["snmpbulkwalk"], "-v2c", "-c", self.community, "-r0", "-t1", "-On",
             self.address(device), "1.0.8802.1.1.2.1.4.1.1.9"],
            timeout=30,
        )  # fmt: skip
        return sum(1 for line in walk.stdout.splitlines() if "STRING" in line)

    def close(self) -> None:
        for process in self.processes:
            stop(process)
        self.processes.clear()
        for namespace in reversed(self.namespaces):
            with contextlib.suppress(subprocess.CalledProcessError):
                self.ip("netns", "del", namespace)
        self.namespaces.clear()


@contextlib.contextmanager
def lldp_lab(directory: Path, wiring: Wiring = WIRING) -> Iterator[LldpLab]:
    with LldpLab(directory, wiring) as lab:
        yield lab
