from __future__ import annotations

import pytest

from netsbom.agent.snmp.cpe import os_cpe


@pytest.mark.parametrize(
    "family,version,expected",
    [
        ("ios-xe", "17.9.4a", "cpe:2.3:o:cisco:ios_xe:17.9.4a:*:*:*:*:*:*:*"),
        ("ios", "15.2(4)M7", "cpe:2.3:o:cisco:ios:15.2\\(4\\)m7:*:*:*:*:*:*:*"),
        ("junos", "21.4R3-S5", "cpe:2.3:o:juniper:junos:21.4:r3-s5:*:*:*:*:*:*"),
        ("junos", "16.2R2.8", "cpe:2.3:o:juniper:junos:16.2:r2:*:*:*:*:*:*"),
        ("junos", "15.1X53-D59.4", "cpe:2.3:o:juniper:junos:15.1x53:d59:*:*:*:*:*:*"),
        ("eos", "4.30.2F", "cpe:2.3:o:arista:eos:4.30.2f:*:*:*:*:*:*:*"),
        ("nxos", "9.3(8)", "cpe:2.3:o:cisco:nx-os:9.3\\(8\\):*:*:*:*:*:*:*"),
        ("vrp", "5.170", None),
        ("eos", None, None),
    ],
)
def test_os_cpe(family: str, version: str | None, expected: str | None) -> None:
    assert os_cpe(family, version) == expected
