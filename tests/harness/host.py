"""What this host really is, read the way its own tools say it: the truth a record must equal."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
from dataclasses import dataclass

Package = tuple[str, str, str]  # (name, version, architecture)


@dataclass(frozen=True, slots=True)
class HostTruth:
    hostname: str
    kernel: str  # uname -r
    os_release: dict[str, str]  # /etc/os-release
    packages: frozenset[Package]  # dpkg-query -W: every package with its version and arch


def dpkg_packages() -> frozenset[Package]:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${Architecture}\n"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    return frozenset(tuple(line.split("\t")) for line in out.splitlines() if line)  # type: ignore[misc]


def host_truth() -> HostTruth:
    return HostTruth(
        hostname=socket.gethostname(),
        kernel=os.uname().release,
        os_release=platform.freedesktop_os_release(),
        packages=dpkg_packages(),
    )
