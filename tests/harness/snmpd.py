"""Net-SNMP's snmpd on a loopback address: v2c and SNMPv3 users, private config and state.

    with net_snmpd(tmp_path) as agent:       # agent.port, agent.community, agent.users
        ...

Started as ../shared/FIELD-NOTES.md says (``snmpd -f -Lo -C -c FILE --persistentDir=DIR``):
nothing of the host's /etc/snmp is read, the v3 users are created from the private config
(one per SHA-256/SHA-512 x AES-128/AES-256 combination), the engine's state stays in ``DIR``.
``config`` adds snmpd.conf lines (``master agentx`` for lldpd's subagent).
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.harness.programs import daemon, free_port, need

COMMUNITY = "netsbom-ro"
AUTH_KEY = "netsbom-auth-key"  # Net-SNMP wants 8 characters at least
PRIV_KEY = "netsbom-priv-key"


@dataclass(frozen=True, slots=True)
class V3User:
    name: str
    auth: str  # netsbom's names: sha256, sha512
    priv: str  # aes128, aes256

    @property
    def net_snmp(self) -> tuple[str, str]:
        """Net-SNMP's names of the protocols (``SHA-256``, ``AES-128``, ``MD5``, ``DES``)."""
        auth, priv = (_NET_SNMP.get(name, name.upper()) for name in (self.auth, self.priv))
        return auth, priv


_NET_SNMP = {"sha224": "SHA-224", "sha256": "SHA-256", "sha512": "SHA-512", "aes128": "AES-128",
             "aes192": "AES-192", "aes256": "AES-256"}  # fmt: skip
# the current protocols both ways, and the legacy ones older devices still speak (RFC 3414's
# MD5/SHA-1 and DES, RFC 3826's AES-128, RFC 7860's SHA-224 with Cisco's AES-192)
V3_USERS = (
    *(V3User(f"u-{auth}-{priv}", auth, priv)
      for auth in ("sha256", "sha512") for priv in ("aes128", "aes256")),
    V3User("u-md5-des", "md5", "des"),
    V3User("u-sha-aes128", "sha", "aes128"),
    V3User("u-sha224-aes192", "sha224", "aes192"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Snmpd:
    address: str
    port: int
    community: str
    users: tuple[V3User, ...]
    auth_key: str
    priv_key: str


def snmpd_config(
    path: Path,
    *,
    address: str,
    port: int,
    users: tuple[V3User, ...] = V3_USERS,
    source: str | None = None,
    extra: str = "",
) -> Path:
    """An snmpd.conf: the agent on ``address:port``, the community for requests from ``source``
    (default: ``address`` itself), one v3 user per ``users``, then ``extra``."""
    lines = [
        f"agentAddress udp:{address}:{port}",
        f"rocommunity {COMMUNITY} {source or address}",
        "dontLogTCPWrappersConnects yes",
    ]
    for user in users:
        auth, priv = user.net_snmp
        lines += [
            f"createUser {user.name} {auth} {AUTH_KEY} {priv} {PRIV_KEY}",
            f"rouser {user.name} priv",
        ]
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def answers(address: str, port: int, community: str = COMMUNITY) -> Callable[[], bool]:
    """A readiness check: ``snmpget`` of sysDescr.0 succeeds."""
    snmpget = need("snmpget")["snmpget"]

    def check() -> bool:
        result = subprocess.run(
            [snmpget, "-v2c", "-c", community, "-r0", "-t1", "-On", f"{address}:{port}",
             "1.3.6.1.2.1.1.1.0"],
            check=False, capture_output=True, timeout=10,
        )  # fmt: skip
        return result.returncode == 0

    return check


def snmpd_argv(snmpd: str, config: Path, state: Path, log: Path) -> list[str]:
    """Foreground, private config only (-C), logging to a file, state in ``state``."""
    return [snmpd, "-f", "-Lf", str(log), "-C", "-c", str(config), f"--persistentDir={state}"]


@contextlib.contextmanager
def net_snmpd(
    directory: Path,
    *,
    address: str = "127.0.0.1",
    users: tuple[V3User, ...] = V3_USERS,
    extra: str = "",
) -> Iterator[Snmpd]:
    """Run snmpd on a free UDP port of ``address`` until the block ends (``extra``: more
    snmpd.conf lines)."""
    snmpd = need("snmpd", "snmpget")["snmpd"]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "state").mkdir(exist_ok=True)
    port = free_port("udp", address)
    config = snmpd_config(
        directory / "snmpd.conf", address=address, port=port, users=users, extra=extra
    )
    with daemon(
        snmpd_argv(snmpd, config, directory / "state", directory / "snmpd.log"),
        ready=answers(address, port),
        what=f"snmpd on {address}:{port}",
        log=directory / "snmpd.out",
        timeout=30,
    ):
        yield Snmpd(address, port, COMMUNITY, users, AUTH_KEY, PRIV_KEY)
