"""known_hosts read once: the same answer as paramiko's own HostKeys, file after file."""

from __future__ import annotations

import random
from pathlib import Path

import paramiko
import pytest

from netsbom.agent.ssh.known_hosts import host_keys

# several keys of several types: per type the first line wins
_KEYS = [
    paramiko.ECDSAKey.generate(bits=256),
    paramiko.ECDSAKey.generate(bits=256),
    paramiko.ECDSAKey.generate(bits=384),
    paramiko.RSAKey.generate(1024),
]
_HOSTS = ["10.0.0.1", "[10.0.0.2]:2222", "r1.example.net", "[127.0.1.5]:2022", "10.0.0.9"]


def _line(rng: random.Random) -> str:
    names = rng.sample(_HOSTS, rng.randint(1, 2))
    if rng.random() < 0.3:
        names = [paramiko.HostKeys.hash_host(names[0])]
    key = rng.choice(_KEYS)
    return f"{','.join(names)} {key.get_name()} {key.get_base64()}"


Verdict = tuple[str | None, dict[str, str]]


def _paramiko_keys(path: Path, name: str) -> Verdict:
    """What paramiko's SSHClient checks a server against: the preferred key type (the first) and,
    per type, the key of the first line naming the host."""
    found = paramiko.HostKeys(str(path)).lookup(name)
    if not found:
        return None, {}
    return found.keys()[0], {t: found[t].get_base64() for t in found}


def _ours(path: Path, name: str) -> Verdict:
    keys = host_keys(path, name)
    return (keys[0].get_name() if keys else None), {k.get_name(): k.get_base64() for k in keys}


@pytest.mark.parametrize("seed", range(20))
def test_same_answer_as_paramiko_also_after_appends(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / f"known_hosts_{seed}"
    lines = ["# pinned by netsbom", ""] + [_line(rng) for _ in range(rng.randint(0, 12))]
    path.write_text("\n".join(lines) + "\n")
    for name in [*_HOSTS, "unknown.example"]:
        assert _ours(path, name) == _paramiko_keys(path, name), name
    with path.open("a") as handle:  # TOFU pins append
        handle.write(_line(rng) + "\n")
    for name in _HOSTS:
        assert _ours(path, name) == _paramiko_keys(path, name), name
    path.write_text(_line(rng) + "\n")  # rewritten, not appended: read anew
    for name in _HOSTS:
        assert _ours(path, name) == _paramiko_keys(path, name), name


def test_missing_file_has_no_keys_and_a_bad_line_is_an_error(tmp_path: Path) -> None:
    assert host_keys(tmp_path / "absent", "10.0.0.1") == []
    bad = tmp_path / "bad"
    bad.write_text("10.0.0.1 ssh-ed25519 not-base64!!\n")
    with pytest.raises(paramiko.hostkeys.InvalidHostKey):
        paramiko.HostKeys(str(bad))
    with pytest.raises(paramiko.hostkeys.InvalidHostKey):
        host_keys(bad, "10.0.0.1")
