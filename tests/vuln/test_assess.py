"""assess() and json_lines(): the same assessments, the lines written byte for byte alike."""

from __future__ import annotations

import json

import pytest

from netsbom.vuln.assess import assess, json_lines
from netsbom.vuln.feeds import Feeds

from .conftest import record


class _Exposure:
    def __init__(self, level: str, reason: str) -> None:
        self.level = level
        self.reason = reason


@pytest.mark.parametrize("details", [False, True])
@pytest.mark.parametrize("everything", [False, True])
def test_json_lines_are_the_assessments_json(feeds: Feeds, details: bool, everything: bool) -> None:
    records = [
        record("ios-xe", "17.9.4", name="a", model="C9300-48P", labels={"mission": "essential"}),
        record("ios-xe", "17.9.4", name="b", model="C9300-48P"),
        record("junos", "21.4R3-S5.4", name="c", vendor="Juniper Networks", model="MX480"),
        record("ios-xe", "17.9.4", name='d "quoted"', model="C9300-48P"),
    ]
    exposure = {"a": _Exposure("open", "a is internet-facing"), "c": _Exposure("small", "inside")}
    keep = None if everything else (lambda v: v.affected is not False)
    expected = "".join(
        json.dumps(a.to_json(details), ensure_ascii=False) + "\n"
        for a in assess(records, feeds, keep, exposure)
    )
    written = "".join(json_lines(records, feeds, keep, exposure, details))
    assert written == expected
    lines = [json.loads(line) for line in written.splitlines()]
    assert {line["device"] for line in lines} == {r.name for r in records}
    if details:
        assert {line["exposure_reason"] for line in lines if line["device"] == "a"} == {
            "a is internet-facing"
        }
