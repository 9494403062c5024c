"""Copyright notices devices print about their own software (core/copyright.py), on real
``show version`` / ``display version`` outputs (ntc-templates' recordings) and sysDescr values."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsbom.agent.platforms import get_platform, parse_outputs
from netsbom.core.copyright import copyright_notice

NTC = Path(__file__).parents[1] / "data" / "cli" / "ntc"


@pytest.mark.parametrize(
    ("recording", "notice"),
    [
        (
            "version/cisco_ios/show_version/cisco_ios_show_version.raw",
            "Copyright (c) 1986-2011 by Cisco Systems, Inc.",
        ),
        (
            "version/cisco_nxos/show_version/cisco_nxos_show_version1.raw",
            "Copyright (c) 2002-2014, Cisco Systems, Inc.",  # "All rights reserved." and the
        ),  # third parties' "copyrights to certain works" that follow are not the notice
        (
            "version/cisco_xr/show_version/cisco_xr_show_version2.raw",
            "Copyright (c) 2013-2018 by Cisco Systems, Inc.",
        ),
        (
            "version/huawei_vrp/display_version/huawei_vrp_display_version.raw",
            "Copyright (C) 2012-2018 Huawei Technologies Co., Ltd.",
        ),
        (
            "version/brocade_fastiron/show_version/brocade_fastiron_show_version.raw",
            "Copyright (c) 1996-2016 Brocade Communications Systems, Inc.",
        ),
    ],
)
def test_notices_in_real_version_outputs(recording: str, notice: str) -> None:
    assert copyright_notice((NTC / recording).read_text()) == notice


def test_notices_in_sysdescr_values() -> None:
    """sysDescr puts the notice mid-line, followed by more text."""
    nxos = (
        "Cisco NX-OS(tm) n7700, Software (n7700-s2-dk9), Version 8.4(3), RELEASE SOFTWARE"
        " Copyright (c) 2002-2020 by Cisco Systems, Inc. Compiled 9/4/2020 23:00:00"
    )
    assert copyright_notice(nxos) == "Copyright (c) 2002-2020 by Cisco Systems, Inc."
    sros = "TiMOS-C-22.10.R1 cpm/x86_64 Nokia 7750 SR Copyright (c) 2000-2022 Nokia."
    assert copyright_notice(sros) == "Copyright (c) 2000-2022 Nokia."
    junos = "Juniper Networks, Inc. mx480 internet router, kernel JUNOS 21.4R3-S5.4, Build date:"
    junos += " 2023-10-19 05:17:44 UTC Copyright (c) 1996-2023 Juniper Networks, Inc."
    assert copyright_notice(junos) == "Copyright (c) 1996-2023 Juniper Networks, Inc."
    for nothing in ("Arista Networks EOS version 4.30.2F", "", None, "copyright", "Copyright:"):
        assert copyright_notice(nothing) is None


def test_two_notices_one_per_line_duplicates_once() -> None:
    text = "Copyright (c) 1986-2023 by Cisco Systems, Inc.\n(c) 2019 Example Ltd.\n" * 2
    assert copyright_notice(text) == (
        "Copyright (c) 1986-2023 by Cisco Systems, Inc.\n(c) 2019 Example Ltd."
    )


def test_the_os_notice_comes_from_the_version_output_not_from_neighbours() -> None:
    """CDP tables quote the neighbours' banners (other years, other devices): only the output
    naming the OS version speaks of the device's own software."""
    platform = get_platform("ios")
    cdp = NTC / "cdp/cisco_ios/show_cdp_neighbors_detail/cisco_ios_show_cdp_neighbors_detail.raw"
    version = NTC / "version/cisco_ios/show_version/cisco_ios_show_version.raw"
    outputs: dict[str, str | None] = {form: None for c in platform.commands for form in c.forms}
    outputs["show version"] = version.read_text()
    outputs["show cdp neighbors detail"] = cdp.read_text()
    partial, provenance = parse_outputs(platform, outputs)
    assert partial.os_copyright == "Copyright (c) 1986-2011 by Cisco Systems, Inc."
    assert any(p.field == "os.copyright" and p.source == "show version" for p in provenance)
    outputs["show version"] = None  # no version output: no notice, whatever the neighbours say
    partial, _ = parse_outputs(platform, outputs)
    assert partial.os_copyright is None
