"""CPE 2.3 names as NVD writes them, one real-looking example per family."""

from __future__ import annotations

import pytest

from netsbom.core.cpe import hardware_cpe, kernel_cpe, os_cpe
from netsbom.core.families import hardware_cpe_vendor


@pytest.mark.parametrize(
    "family,version,model,expected",
    [
        ("ios", "15.0(2a)EX5", None, "cpe:2.3:o:cisco:ios:15.0\\(2a\\)ex5:*:*:*:*:*:*:*"),
        ("ios-xe", "17.9.4a", None, "cpe:2.3:o:cisco:ios_xe:17.9.4a:*:*:*:*:*:*:*"),
        ("nxos", "9.3(8)", None, "cpe:2.3:o:cisco:nx-os:9.3\\(8\\):*:*:*:*:*:*:*"),
        ("nxos-aci", "14.2(7f)", None, "cpe:2.3:o:cisco:nx-os:14.2\\(7f\\):*:*:*:*:*:*:*"),
        ("iosxr", "7.9.2", None, "cpe:2.3:o:cisco:ios_xr:7.9.2:*:*:*:*:*:*:*"),
        ("junos", "21.4R3-S5", None, "cpe:2.3:o:juniper:junos:21.4:r3-s5:*:*:*:*:*:*"),
        ("junos", "16.2R2.8", None, "cpe:2.3:o:juniper:junos:16.2:r2:*:*:*:*:*:*"),
        ("junos", "15.1X53-D59.4", None, "cpe:2.3:o:juniper:junos:15.1x53:d59:*:*:*:*:*:*"),
        ("eos", "4.30.2F", None, "cpe:2.3:o:arista:eos:4.30.2f:*:*:*:*:*:*:*"),
        ("sros", "23.10.R5", None, "cpe:2.3:o:nokia:sr_os:23.10.r5:*:*:*:*:*:*:*"),
        (
            "vrp",
            "V200R010C00SPC600",
            "S5720-32X-EI-24S-AC",
            "cpe:2.3:o:huawei:s5720_firmware:v200r010c00spc600:*:*:*:*:*:*:*",
        ),
        ("vrp", "V200R010C00SPC600", None, "cpe:2.3:o:huawei:vrp:v200r010c00spc600:*:*:*:*:*:*:*"),
        ("fortios", "7.2.6", None, "cpe:2.3:o:fortinet:fortios:7.2.6:*:*:*:*:*:*:*"),
        ("panos", "10.2.2-h2", None, "cpe:2.3:o:paloaltonetworks:pan-os:10.2.2:h2:*:*:*:*:*:*"),
        ("panos", "11.0.0", None, "cpe:2.3:o:paloaltonetworks:pan-os:11.0.0:-:*:*:*:*:*:*"),
        ("arubaos", "8.10.0.7", None, "cpe:2.3:o:arubanetworks:arubaos:8.10.0.7:*:*:*:*:*:*:*"),
        ("eos", None, None, None),
        ("linux", "6.1.0", None, None),  # the kernel has its own CPE: kernel_cpe
        ("debian", "12", None, "cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*"),
        ("ubuntu", "22.04", None, "cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:*:*:*:*"),
        ("rhel", "9.3", None, "cpe:2.3:o:redhat:enterprise_linux:9.3:*:*:*:*:*:*:*"),
        ("rocky", "9.3", None, None),  # no NVD name in the registry: none rather than a guess
    ],
)
def test_os_cpe(family: str, version: str | None, model: str | None, expected: str | None) -> None:
    assert os_cpe(family, version, model) == expected


def test_hardware_cpe() -> None:
    assert hardware_cpe("Cisco", "C9300-48P") == "cpe:2.3:h:cisco:c9300-48p:-:*:*:*:*:*:*:*"
    assert hardware_cpe("Juniper", "MX80") == "cpe:2.3:h:juniper:mx80:-:*:*:*:*:*:*:*"
    assert hardware_cpe("Palo Alto Networks", "PA-440") == (
        "cpe:2.3:h:paloaltonetworks:pa-440:-:*:*:*:*:*:*:*"
    )
    assert hardware_cpe("Acme", "X1") is None


@pytest.mark.parametrize(
    "vendor,model,product",
    [
        ("Cisco", "Cisco Systems WS-C6506-E", "ws-c6506-e"),  # a CatOS sysDescr's model
        ("Cisco", "Cisco Nexus9000 C93240YC-FX2", "nexus9000_c93240yc-fx2"),
        ("Juniper", "Juniper Networks, Inc. EX3400-48T", "ex3400-48t"),
        ("Palo Alto Networks", "Palo Alto Networks PA-440", "pa-440"),
        ("Cisco", "Cisco PIX", "cisco_pix"),  # nothing with a digit left: kept whole
        ("Huawei", "S5720-36C-EI-AC", "s5720-36c-ei-ac"),
    ],
)
def test_hardware_cpe_without_the_makers_name(vendor: str, model: str, product: str) -> None:
    assert (
        hardware_cpe(vendor, model)
        == f"cpe:2.3:h:{hardware_cpe_vendor(vendor)}:{product}:-:*:*:*:*:*:*:*"
    )


@pytest.mark.parametrize(
    "release,expected",
    [
        ("6.1.0-18-amd64", "cpe:2.3:o:linux:linux_kernel:6.1.0:*:*:*:*:*:*:*"),
        ("5.15.0-91-generic", "cpe:2.3:o:linux:linux_kernel:5.15.0:*:*:*:*:*:*:*"),
        ("4.18.0-513.5.1.el8_9.x86_64", "cpe:2.3:o:linux:linux_kernel:4.18.0:*:*:*:*:*:*:*"),
        ("6.6", "cpe:2.3:o:linux:linux_kernel:6.6:*:*:*:*:*:*:*"),
        ("", None),
        (None, None),
        ("unknown", None),
    ],
)
def test_kernel_cpe_names_the_upstream_release(release: str | None, expected: str | None) -> None:
    assert kernel_cpe(release) == expected
