"""The distribution line of LibreNMS's ``distro`` extend, read as os-release is over SSH."""

from __future__ import annotations

import pytest

from netsbom.agent.snmp.distro import Distribution, distribution


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Debian 11.6", Distribution("debian", "Debian GNU/Linux", "11.6")),
        ("Debian GNU/Linux 12", Distribution("debian", "Debian GNU/Linux", "12")),
        ("CentOS 7.9.2009", Distribution("centos", "CentOS Linux", "7.9.2009")),
        ("RedHat 8.4", Distribution("rhel", "Red Hat Enterprise Linux", "8.4")),  # an alias
        ("Red Hat Enterprise Linux 9.2", Distribution("rhel", "Red Hat Enterprise Linux", "9.2")),
        # Proxmox's own release after the slash is not Debian's
        ("Debian 10.8/PVE 6.3-3", Distribution("debian", "Debian GNU/Linux", "10.8")),
        # distributions the registry does not know stay Linux, under their own name
        ("OpenWrt 19.07.7", Distribution("linux", "OpenWrt", "19.07.7")),
        ("Linux Mint 21.2", Distribution("linux", "Linux Mint", "21.2")),
        ("Tomato v1.28.1120", Distribution("linux", "Tomato", "1.28.1120")),
        # a model between the firmware's name and its release names no distribution
        ("AcmeWRT RT-X100 384.17_0", Distribution("linux", "AcmeWRT", "384.17_0")),
    ],
)
def test_a_distro_line_names_the_distribution_and_its_release(
    line: str, expected: Distribution
) -> None:
    assert distribution(line) == expected


@pytest.mark.parametrize("line", [None, "", "   ", "no release here", "12.1", "\x00"])
def test_a_line_without_a_name_and_a_release_names_none(line: str | None) -> None:
    assert distribution(line) is None
