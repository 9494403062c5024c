"""Package URLs as the purl spec writes them, for distributions' and vendors' package systems."""

from __future__ import annotations

import pytest
from packageurl import PackageURL

from netsbom.core.purl import package_purl, purl_arch, software_purl, union_software
from netsbom.core.record import Software


def deb(name: str, version: str, arch: str = "amd64") -> Software:
    return Software(
        name, version, source="dpkg", purl=package_purl("deb", name, version, arch=arch)
    )


def test_a_package_list_gives_type_name_version_and_arch() -> None:
    purl = package_purl("deb", "libstdc++6", "12.2.0-14+deb12u1", arch="amd64")
    assert purl == "pkg:deb/libstdc%2B%2B6@12.2.0-14%2Bdeb12u1?arch=amd64"  # "+" encoded
    parsed = PackageURL.from_string(purl)
    assert (parsed.name, parsed.version) == ("libstdc++6", "12.2.0-14+deb12u1")
    assert purl_arch(purl) == "amd64" and purl_arch("pkg:deb/x@1") is None
    assert purl_arch("not a purl") is None


@pytest.mark.parametrize(
    "family,version,expected",
    [
        ("debian", "12", "pkg:deb/debian/openssh-server@1:9.2p1-2%2Bdeb12u2"
                         "?arch=amd64&distro=debian-12"),
        ("ubuntu", "22.04", "pkg:deb/ubuntu/openssh-server@1:9.2p1-2%2Bdeb12u2"
                            "?arch=amd64&distro=ubuntu-22.04"),
        # the OS says nothing about its distribution (SNMP: "Linux"): the purl stays as listed
        ("linux", "6.1.0", "pkg:deb/openssh-server@1:9.2p1-2%2Bdeb12u2?arch=amd64"),
        (None, None, "pkg:deb/openssh-server@1:9.2p1-2%2Bdeb12u2?arch=amd64"),
        # an rpm distribution does not claim a deb package
        ("rhel", "9.3", "pkg:deb/openssh-server@1:9.2p1-2%2Bdeb12u2?arch=amd64"),
    ],
)  # fmt: skip
def test_the_distribution_completes_a_package_purl(
    family: str | None, version: str | None, expected: str
) -> None:
    assert software_purl(deb("openssh-server", "1:9.2p1-2+deb12u2"), family, version) == expected


def test_rpm_apk_and_vendor_package_systems() -> None:
    rpm = Software("zlib", "1.2.11-40.el9", purl=package_purl("rpm", "zlib", "1.2.11-40.el9",
                                                              arch="x86_64"))  # fmt: skip
    assert software_purl(rpm, "rhel", "9.3") == (
        "pkg:rpm/redhat/zlib@1.2.11-40.el9?arch=x86_64&distro=rhel-9.3"
    )
    apk = Software("musl", "1.2.4-r2", source="apk")  # no purl yet: its package manager names it
    assert software_purl(apk, "alpine", "3.19.1") == (
        "pkg:apk/alpine/musl@1.2.4-r2?distro=alpine-3.19.1"
    )
    image = Software("rpbase", "17.9.4a", "image", source="ios-xe")
    assert software_purl(image, "ios-xe", "17.9.4a") == "pkg:generic/cisco/rpbase@17.9.4a"
    junos = Software("jkernel", "21.4R3-S5", source="junos")
    assert software_purl(junos, "junos-evolved", "21.4R3-S5") == (
        "pkg:generic/juniper/jkernel@21.4R3-S5"
    )
    assert software_purl(Software("Suite", "1", source="hrSWInstalled"), "junos", "1") is None
    assert software_purl(Software("x", "1", purl="pkg:npm/x@1"), "debian", "12") == "pkg:npm/x@1"


def test_each_package_once_over_several_views() -> None:
    ssh = (deb("libc6", "2.36-9"), deb("libc6", "2.36-9", "i386"), deb("bash", "5.2.15-2"))
    snmp = (
        Software("libc6", "2.36-9", source="hrSWInstalled",
                 purl=package_purl("deb", "libc6", "2.36-9", arch="amd64")),
        Software("vim", "9.0", source="hrSWInstalled",
                 purl=package_purl("deb", "vim", "9.0", arch="amd64")),
    )  # fmt: skip
    merged = union_software(ssh, snmp)
    assert [(s.name, purl_arch(s.purl), s.source) for s in merged] == [
        ("libc6", "amd64", "dpkg"), ("libc6", "i386", "dpkg"), ("bash", "amd64", "dpkg"),
        ("vim", "amd64", "hrSWInstalled"),
    ]  # fmt: skip
