from __future__ import annotations

import bz2
from pathlib import Path

import pytest

from netsbom.agent.snmp import oids
from netsbom.agent.snmp.replay import RecordError, decode_value, parse_snmprec, read_snmprec
from netsbom.agent.snmp.view import IpAddress, ObjectId

ALL = ((1,),)


def test_plain_and_hex_values() -> None:
    text = "\n".join(
        [
            "1.3.6.1.2.1.1.1.0|4|Some Device OS 1.2",
            "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.99999.1",
            "1.3.6.1.2.1.1.3.0|67|12345",
            "1.3.6.1.2.1.1.4.0|4x|00a0c9112233",
            "1.3.6.1.2.1.1.6.0|64|192.0.2.7",
            "1.3.6.1.2.1.1.7.0|64x|c0000208",
            "1.3.6.1.2.1.1.8.0|70|18446744073709551615",
            "1.3.6.1.2.1.1.9.0|2|-5",
            "1.3.6.1.2.1.1.10.0|5|",
            "1.3.6.1.2.1.1.11.0|4e|a\\x00b\\n",
        ]
    )
    view = parse_snmprec(text, ALL)
    assert view.errors == []
    assert view.get((1, 3, 6, 1, 2, 1, 1, 1, 0)) == b"Some Device OS 1.2"
    assert view.object_id((1, 3, 6, 1, 2, 1, 1, 2, 0)) == "1.3.6.1.4.1.99999.1"
    assert isinstance(view.get((1, 3, 6, 1, 2, 1, 1, 2, 0)), ObjectId)
    assert view.get((1, 3, 6, 1, 2, 1, 1, 3, 0)) == 12345
    assert view.mac((1, 3, 6, 1, 2, 1, 1, 4, 0)) == "00:a0:c9:11:22:33"
    assert view.get((1, 3, 6, 1, 2, 1, 1, 6, 0)) == IpAddress("192.0.2.7")
    assert view.get((1, 3, 6, 1, 2, 1, 1, 7, 0)) == "192.0.2.8"
    assert view.get((1, 3, 6, 1, 2, 1, 1, 8, 0)) == 2**64 - 1
    assert view.get((1, 3, 6, 1, 2, 1, 1, 9, 0)) == -5
    assert view.get((1, 3, 6, 1, 2, 1, 1, 10, 0)) is None
    assert view.get((1, 3, 6, 1, 2, 1, 1, 11, 0)) == b"a\x00b\n"


def test_malformed_lines_are_skipped_and_counted() -> None:
    text = "\n".join(
        [
            "1.3.6.1.2.1.1.1.0|4|ok",
            "garbage without separators",
            "1.3.x.1|4|bad oid",
            "1.3.6.1.2.1.1.3.0|67|not-a-number",
            "1.3.6.1.2.1.1.4.0|4x|zz",
            "1.3.6.1.2.1.1.5.0|99|unknown tag",
            "1.3.6.1.2.1.1.6.0|2|99999999999",
            "",
            "1.3.6.1.2.1.1.7.0|2|7",
        ]
    )
    view = parse_snmprec(text, ALL, source="t.snmprec")
    assert len(view) == 2
    assert len(view.errors) == 1
    error = view.errors[0]
    assert error.kind == "parse" and error.source == "t.snmprec"
    assert error.message.startswith("6 malformed line(s)")
    assert "line 2" in error.message


def test_variation_module_lines_are_skipped_with_an_error() -> None:
    text = "1.3.6.1.2.1.1.1.0|4|ok\n1.3.6.1.2.1.1.3.0|67:numeric|rate=1\n"
    view = parse_snmprec(text, ALL)
    assert len(view) == 1
    assert [e.kind for e in view.errors] == ["unsupported"]


def test_only_collected_subtrees_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "dev.snmprec"
    path.write_text(
        "1.3.6.1.2.1.1.5.0|4|r1\n"
        "1.3.6.1.2.1.4.20.1.1.192.0.2.1|64|192.0.2.1\n"  # ipAddrTable: not collected
        "1.3.6.1.2.1.47.1.1.1.1.7.1|4|Chassis\n"
    )
    view = read_snmprec(path)
    assert set(view.values) == {(*oids.SYS_NAME,), (*oids.ENT_ENTRY, 7, 1)}


def test_bz2_recording(tmp_path: Path) -> None:
    path = tmp_path / "dev.snmprec.bz2"
    path.write_bytes(bz2.compress(b"1.3.6.1.2.1.1.5.0|4|r1\n"))
    assert read_snmprec(path).text(oids.SYS_NAME) == "r1"


def test_unreadable_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    view = read_snmprec(tmp_path / "missing.snmprec")
    assert len(view) == 0 and view.errors[0].kind == "parse"


@pytest.mark.parametrize(
    "tag,value", [("64", "1.2.3"), ("64x", "0102"), ("6", "a.b"), ("65", "-1")]
)
def test_decode_value_rejects(tag: str, value: str) -> None:
    with pytest.raises(RecordError):
        decode_value(tag, value)
