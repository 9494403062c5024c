"""Console tokens: roles, hashes only, reload on change, clear errors; HTTP listen rules."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from netsbom.collector.web.auth import WebTokens, add_user, load_users
from netsbom.collector.web.server import HttpConfig
from netsbom.core.errors import ConfigError


def test_tokens_have_roles_and_only_hashes_are_stored(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    viewer = add_user(path, "noc", "viewer")
    admin = add_user(path, "boss", "admin")
    stored = path.read_text()
    assert viewer not in stored and admin not in stored
    assert set(yaml.safe_load(stored)) == {"viewer", "admin"}
    assert (path.stat().st_mode & 0o777) == 0o600
    tokens = WebTokens(path)
    found = tokens.user_for(viewer)
    assert found is not None and (found.name, found.role, found.is_admin) == (
        "noc",
        "viewer",
        False,
    )
    boss = tokens.user_for(admin)
    assert boss is not None and boss.is_admin
    assert tokens.user_for("nsb_wrong") is None and tokens.user_for(None) is None
    promoted = add_user(path, "noc", "admin")  # one role per name: the new token replaces it
    assert "noc" not in (yaml.safe_load(path.read_text()).get("viewer") or {})
    assert load_users(path)  # still valid
    assert promoted != viewer


def test_a_removed_token_stops_working_and_a_broken_file_keeps_the_old(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    token = add_user(path, "noc", "viewer")
    tokens = WebTokens(path, recheck_every=0.0)
    assert tokens.user_for(token) is not None
    path.write_text("viewer: [not, a, mapping]\n")
    time.sleep(0.01)
    assert tokens.user_for(token) is not None, "an invalid file leaves the loaded tokens"
    other = add_user(tmp_path / "other.yaml", "x", "viewer")
    path.write_text((tmp_path / "other.yaml").read_text())
    assert tokens.user_for(token) is None
    assert tokens.user_for(other) is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("agents: {a: b}\n", "expected the mappings 'viewer' and/or 'admin'"),
        ("viewer: {noc: secret-token}\n", "field 'viewer.noc': expected sha256:<64 hex>"),
        ("viewer: [1]\n", "field 'viewer': a mapping"),
        ("viewer: {a: [\n", "not valid YAML"),
    ],
)
def test_bad_tokens_files_are_named_and_never_echoed(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_users(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "secret-token" not in str(caught.value)


def test_bad_names_and_roles_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="role 'root'"):
        add_user(tmp_path / "web.yaml", "noc", "root")
    with pytest.raises(ConfigError):
        add_user(tmp_path / "web.yaml", "bad name/with slash", "viewer")


def test_plaintext_only_on_loopback(tmp_path: Path) -> None:
    HttpConfig("127.0.0.1:8080").check()
    HttpConfig("[::1]:8080").check()
    HttpConfig("localhost:0").check()
    with pytest.raises(ConfigError, match=r"refusing plaintext HTTP on 0\.0\.0\.0:8080"):
        HttpConfig("0.0.0.0:8080").check()
    HttpConfig("0.0.0.0:8080", insecure=True).check()
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    HttpConfig("0.0.0.0:8443", cert, key).check()
    assert HttpConfig("0.0.0.0:8443", cert, key).url() == "https://0.0.0.0:8443/"
    with pytest.raises(ConfigError, match="go together"):
        HttpConfig("127.0.0.1:1", tls_cert=cert).check()
    with pytest.raises(ConfigError, match="expected HOST:PORT"):
        HttpConfig("8080").check()
