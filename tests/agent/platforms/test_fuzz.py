"""Hostile CLI output: every parser of every platform takes any text (binary garbage, broken JSON,
half a table) without raising; a failure is a ``parse`` error in the record, never an exception."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsbom.agent.platforms import PLATFORMS, parse_outputs

garbage = st.one_of(
    st.binary(max_size=2048).map(lambda b: b.decode("latin-1")),
    st.text(max_size=2048),
    st.lists(st.sampled_from(["{", "}", "[", "]", '"', ":", ",", "\n", "  ", "Version ", "17.9",
                              "Serial", "PID:", "---", "|", "Interface", "null", "1e309"]),
             max_size=200).map("".join),
)  # fmt: skip


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@settings(max_examples=60, deadline=None)
@given(text=garbage)
def test_any_output_parses_or_reports(platform: str, text: str) -> None:
    driver = PLATFORMS[platform]
    outputs = {form: text for command in driver.commands for form in command.forms}
    partial, provenance = parse_outputs(driver, outputs)
    assert isinstance(provenance, tuple)
    assert all(isinstance(n.protocol, str) for n in partial.neighbors)
    # odd text may be "not understood"; a fault of ours (an index or attribute error) is a bug
    assert not [e for e in partial.errors if _OUR_FAULTS.search(e.message)], partial.errors


_OUR_FAULTS = re.compile(r"\b(?:IndexError|KeyError|TypeError|AttributeError)\b")
