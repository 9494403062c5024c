"""Hostile inventories: any YAML document loads or fails with one ConfigError line, nothing else."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsbom.agent.inventory import Inventory, load_inventory
from netsbom.core.errors import ConfigError

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "name",
        "address",
        "snmp",
        "labels",
        "deadline",
        "community",
        "port",
        "version",
        "user",
        "auth_key",
        "targets",
        "defaults",
        "agent_id",
    ]
)
documents = st.one_of(
    values,
    st.fixed_dictionaries(
        {"targets": st.lists(st.dictionaries(keys, values, max_size=5), max_size=3)}
    ),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents)
def test_any_document_loads_or_fails_with_one_line(tmp_path: Path, document: object) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(document))
    try:
        inventory = load_inventory(path)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message
    else:
        assert isinstance(inventory, Inventory)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=2048))
def test_binary_garbage_loads_or_fails_with_one_line(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_bytes(raw)
    try:
        inventory = load_inventory(path)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message
    else:  # the bytes happened to be a valid inventory
        assert isinstance(inventory, Inventory) and inventory.targets
