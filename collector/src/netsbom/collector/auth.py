"""Agent authentication: per-agent bearer tokens, stored only as SHA-256 hashes.

The tokens file (YAML) maps agent ids to token hashes; ``netsbom collector token AGENT`` makes one:

    agents:
      site-a-agent: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netsbom.core.errors import ConfigError
from netsbom.core.identifiers import id_problem

TOKEN_PREFIX = "nsb_"  # noqa: S105 - a prefix, not a secret


def hash_token(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Authenticator:
    """Maps a presented bearer token to the agent id it belongs to (None if it is not valid)."""

    hashes: dict[str, str]  # agent id -> "sha256:<hex>"

    def agent_for(self, token: str | None) -> str | None:
        if not token:
            return None
        presented = hash_token(token)
        found = None
        for agent_id, stored in self.hashes.items():  # constant time per comparison
            if hmac.compare_digest(presented, stored):
                found = agent_id
        return found


def load_tokens(path: Path) -> Authenticator:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read tokens file: {exc.strerror}") from None
    except yaml.YAMLError:
        raise ConfigError(f"{path}: not valid YAML") from None
    agents = raw.get("agents") if isinstance(raw, dict) else None
    if not isinstance(agents, dict):
        raise ConfigError(
            f"{path}: field 'agents': a mapping of agent id to token hash is required"
        )
    hashes: dict[str, str] = {}
    for agent_id, value in agents.items():
        if not isinstance(value, str) or not value.startswith("sha256:") or len(value) != 71:
            raise ConfigError(
                f"{path}: agent {agent_id!r}: field 'agents.{agent_id}': expected sha256:<64 hex>"
                " (store token hashes, never tokens; see `netsbom collector token`)"
            )
        hashes[str(agent_id)] = value.lower()
    return Authenticator(hashes)


def add_agent(path: Path, agent_id: str) -> str:
    """Create a token for ``agent_id``, store its hash in ``path`` and return the token once."""
    problem = id_problem(agent_id, "agent id")
    if problem:
        raise ConfigError(problem)
    raw: dict[str, Any] = {}
    if path.exists():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    agents = raw.setdefault("agents", {})
    token = new_token()
    agents[agent_id] = hash_token(token)
    path.write_text(yaml.safe_dump(raw, sort_keys=True), encoding="utf-8")
    path.chmod(0o600)
    return token
