"""Mutated real recordings through the whole SNMP parser: a record (complete or not), never a
traceback. Rows are deleted, OIDs emptied, cut or made odd, values given the wrong type; the
recordings are real devices of the shared corpus (several vendors, ENTITY-MIB stacks, LLDP, CDP,
HOST-RESOURCES)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsbom.agent.snmp.parse import parse_view
from netsbom.agent.snmp.replay import replay_view
from netsbom.core.record import ERROR_KINDS, DeviceRecord, Target
from tests.conftest import corpus_dir, require

SAMPLES = 24  # recordings with the most ENTITY-MIB, LLDP and vendor rows
TAGS = ["2", "4", "4x", "5", "6", "64", "65", "66", "67", "70", "4e", "6x", "99", ""]
ODD_VALUES = [
    *("", "-1", "0", "1.3.6.1", "...", "99999999999999999999", "zz", "\\x", ".", "1..2"),
    *('"', "a:b", "=", "00:11:22:33:44:55"),  # a quote alone once lost the whole record
]


@cache
def _samples() -> tuple[tuple[str, ...], ...]:
    root = require(corpus_dir() / "snmp" / "data", "SNMP corpus (LibreNMS, GPL: not copied)")
    scored: list[tuple[int, Path]] = []
    for path in sorted(root.glob("*.snmprec")):
        text = path.read_text(encoding="latin-1")
        score = sum(text.count(p) for p in ("1.3.6.1.2.1.47.1.1.1.1.", "1.0.8802.1.1.2.1.4"))
        scored.append((score, path))
    best = sorted(scored, key=lambda item: -item[0])[:SAMPLES]
    return tuple(
        tuple(line for line in path.read_text(encoding="latin-1").splitlines() if line)
        for _score, path in best
    )


def _mutate_line(line: str, how: str, junk: str) -> str | None:
    oid, _, rest = line.partition("|")
    tag, _, value = rest.partition("|")
    parts = oid.split(".")
    if how == "delete":
        return None
    if how == "empty-oid":
        return f"|{tag}|{value}"
    if how == "cut-oid":  # a column or table OID without its index
        return f"{'.'.join(parts[: max(1, len(parts) - 1 - len(junk) % 3)])}|{tag}|{value}"
    if how == "odd-oid":
        return f"{oid}{junk}|{tag}|{value}"
    if how == "type":
        return f"{oid}|{TAGS[len(junk) % len(TAGS)]}|{value}"
    return f"{oid}|{tag}|{junk}"  # odd value


mutation = st.tuples(
    st.integers(min_value=0),  # which line
    st.sampled_from(["delete", "empty-oid", "cut-oid", "odd-oid", "type", "value"]),
    st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=12)),
)


@settings(
    max_examples=int(os.environ.get("NETSBOM_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(sample=st.integers(min_value=0), mutations=st.lists(mutation, min_size=1, max_size=40))
def test_mutated_recordings_give_a_record(
    sample: int, mutations: list[tuple[int, str, str]]
) -> None:
    recordings = _samples()
    lines: list[str | None] = list(recordings[sample % len(recordings)])
    for position, how, junk in mutations:
        index = position % len(lines)
        current = lines[index]
        if current is not None:
            lines[index] = _mutate_line(current, how, junk)
    data = "\n".join(line for line in lines if line is not None).encode("utf-8", "replace")
    view = replay_view(data)
    record = parse_view(
        view,
        target=Target("fuzz", "-", 0, "replay"),
        agent_id="fuzz",
        collected_at="2026-01-01T00:00:00Z",
        report_id="fuzz",
    )
    assert isinstance(record, DeviceRecord)
    assert all(error.kind in ERROR_KINDS for error in record.errors)
    assert not [error for error in record.errors if error.kind == "internal"]  # no fault of ours


def test_a_row_without_index_is_no_row() -> None:
    """A varbind on an ENTITY-MIB column itself (no row index) once stopped whole batches."""
    data = (
        b"1.3.6.1.2.1.1.1.0|4|Some box\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.99999.1\n"
        b"1.3.6.1.2.1.47.1.1.1.1.2|4|odd row\n1.3.6.1.2.1.47.1.1.1.1.5|2|1\n"
    )
    record = parse_view(
        replay_view(data),
        target=Target("t", "-", 0, "replay"),
        agent_id="a",
        collected_at="2026-01-01T00:00:00Z",
        report_id="r",
    )
    assert record.components == ()
    assert record.description == "Some box"
