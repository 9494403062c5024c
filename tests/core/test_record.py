from __future__ import annotations

import json

import pytest

from netsbom.core.record import (
    Neighbor,
    format_time,
    parse_time,
    record_from_dict,
    record_to_dict,
)
from tests.conftest import make_record


def test_json_round_trip_keeps_every_field() -> None:
    record = make_record(
        neighbors=(
            Neighbor(
                "lldp",
                "Gi1/0/1",
                "00:1c:73:00:00:01",
                "spine1",
                "Ethernet1",
                "127.0.1.3",
                "Arista EOS",
            ),
        )
    )
    data = json.loads(json.dumps(record_to_dict(record)))
    assert data["components"][0]["class"] == "chassis"
    assert "cls" not in data["components"][0]
    assert data["target"]["labels"] == {"network": "lab", "site": "par1"}
    assert data["os"] == {
        "family": "ios-xe",
        "version": "17.9.4a",
        "build": None,
        "image": None,
        "name": "Cisco IOS XE",
        "copyright": None,
        "hashes": [],
    }
    assert record_from_dict(data) == record


def test_unknown_keys_from_newer_agents_are_ignored() -> None:
    data = record_to_dict(make_record())
    data["future_field"] = 1
    data["os"]["future"] = "x"
    assert record_from_dict(data) == make_record(report_id=data["report_id"])


def test_times_are_utc_second_precision() -> None:
    assert format_time(parse_time("2026-10-01T02:00:00+02:00")) == "2026-10-01T00:00:00Z"
    assert format_time(parse_time("2026-10-01")) == "2026-10-01T00:00:00Z"
    with pytest.raises(ValueError):
        parse_time("yesterday")
