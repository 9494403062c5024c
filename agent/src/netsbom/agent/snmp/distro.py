"""The Linux distribution a Net-SNMP host states in a ``distro`` extend.

LibreNMS's host set-up, which many operators' snmpd.conf follows, has snmpd run a script that
prints the distribution and its release on one line (``Debian 11.6``, ``CentOS 7.9.2009``,
``Ubuntu 22.04``, ``OpenWrt 19.07.7``, ``AcmeWRT RT-X100 384.17_0``), served as an
extend's output (``agent/fingerprints/netsnmp.yaml`` names the three places it is found). Over
SNMP it is the one statement of what os-release says over SSH: a distribution the OS-family
registry knows becomes the record's family (``debian``, ``rhel``), as the SSH driver makes it;
any other (a router's firmware built on Linux) keeps the family ``linux`` under its own name and
release, as the SSH driver keeps an os-release ID it does not know. The kernel the sysDescr
states becomes a component either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netsbom.core.families import Family, families, known_family

# the release: the first word that starts with a digit, or a "v" and a digit ("v1.28.1120");
# "/" ends it ("Debian 10.8/PVE 6.3-3" is Debian 10.8 with Proxmox's own release after it)
_RELEASE = re.compile(r"(?:^|\s)v?(?P<release>\d[\w.+~-]*)")


@dataclass(frozen=True, slots=True)
class Distribution:
    family: str  # the registry's id, or "linux" for one it does not know
    name: str  # the registry's name for it, or the words the line names it by
    release: str


def distribution(line: str | None) -> Distribution | None:
    """The distribution a ``distro`` line names and its release; None without a release (a
    failed command's error in its place is refused where the line is read: ``command: true``)."""
    text = " ".join((line or "").split())
    found = _RELEASE.search(text)
    if found is None:
        return None
    # the words before the release that hold no digit: "AcmeWRT RT-X100" names the
    # firmware AcmeWRT on the model RT-X100
    words = [word for word in text[: found.start()].split() if not re.search(r"\d", word)]
    if not words:
        return None
    named = " ".join(words)
    entry = _linux_family(words[0], named)
    if entry is None:
        return Distribution("linux", named, found["release"])
    return Distribution(entry.id, entry.name, found["release"])


def _linux_family(first_word: str, name: str) -> Family | None:
    """The registry's Linux distribution (a family the Linux SSH driver serves; not ``linux``
    itself: "Linux Mint" is another) named by its id or an alias (``Debian``, ``CentOS``,
    ``RedHat``) or by the start of its name (``Red Hat Enterprise Linux``, ``Debian GNU/Linux``)."""
    candidates = [known_family(first_word)]
    candidates += [
        entry for entry in families() if name.casefold().startswith(entry.name.casefold())
    ]
    return next((entry for entry in candidates if entry is not None and _is_linux(entry)), None)


def _is_linux(entry: Family) -> bool:
    return entry.ssh is not None and entry.ssh.driver == "linux"
