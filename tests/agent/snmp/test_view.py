from __future__ import annotations

import pytest

from netsbom.agent.snmp.view import SnmpView, parse_oid, to_mac, to_text


def test_text_decoding() -> None:
    assert to_text(b"caf\xc3\xa9 ") == "café"
    assert to_text(b"caf\xe9") == "café"  # latin-1 fallback
    assert to_text(b"\x00\x00") is None
    assert to_text(7) == "7"


def test_a_text_ends_at_its_first_nul() -> None:
    # a fixed-width field padded with NULs, then bytes the agent left there (a real agent's
    # entPhysicalSoftwareRev: "3.0.2.117", NULs, then a hex dump of a blank field)
    assert to_text(b"3.0.2.117\x00\x00\x00\n00 00 00 \n00 ") == "3.0.2.117"
    assert to_text(b"PORT\x00\x00\xb8\xc9\x00\x00") == "PORT"
    assert to_text(b"\x00\x00Acme") == "Acme"  # NULs before the text are padding too
    assert to_text(b"A\x00c\x00m\x00e\x00") == "Acme"  # UTF-16LE, not four C strings


def test_mac_formats() -> None:
    assert to_mac(b"\x00\x1b\x21\xbb\xe6\xf0") == "00:1b:21:bb:e6:f0"
    assert to_mac(b"00-1B-21-BB-E6-F0") == "00:1b:21:bb:e6:f0"
    assert to_mac(b"0011.2233.4455") == "00:11:22:33:44:55"
    assert to_mac(b"Ethernet1") is None


def test_subtree_and_column() -> None:
    view = SnmpView()
    for oid in [(1, 2, 3, 1), (1, 2, 3, 2), (1, 2, 4, 1), (1, 2, 10)]:
        view.set(oid, oid[-1])
    assert list(view.subtree((1, 2, 3))) == [((1,), 1), ((2,), 2)]
    assert view.column((1, 2, 4)) == {(1,): 1}
    assert list(view.subtree((9,))) == []
    assert view.hexstr((1, 2, 10)) is None


def test_parse_oid_tolerates_dots_at_either_end_and_rejects_garbage() -> None:
    assert parse_oid(".1.3.6.1.4.1.6027.1.2.") == (1, 3, 6, 1, 4, 1, 6027, 1, 2)
    for bad in ("", "1.3.x", "1..3", "1.-3"):
        with pytest.raises(ValueError):
            parse_oid(bad)
