"""Agent authentication: per-agent bearer tokens, stored only as SHA-256 hashes.

The tokens file (YAML) maps agent ids to token hashes; ``netsbom collector token AGENT`` makes one:

    agents:
      site-a-agent: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

A running collector reloads the file when it changes (checked every second) and on SIGHUP
(:class:`TokenFile`); a token removed from it stops working within seconds, on streams already
open too (the server checks the token again before each batch). A file that no longer validates is
logged and ignored: the tokens loaded before stay in force until it is fixed.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

from netsbom.core.errors import ConfigError
from netsbom.core.identifiers import id_problem
from netsbom.core.yamlfile import read_yaml

log = logging.getLogger(__name__)

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
        return holder_of(token, {stored: agent for agent, stored in self.hashes.items()})


_T = TypeVar("_T")


def holder_of(token: str | None, holders: Mapping[str, _T]) -> _T | None:
    """Whose ``token`` is, given the stored hashes (``sha256:<hex>`` -> holder): every hash is
    compared in constant time, so the answer's timing says nothing about which one matched."""
    if not token:
        return None
    presented = hash_token(token)
    found = None
    for stored, holder in holders.items():
        if hmac.compare_digest(presented, stored):
            found = holder
    return found


class AgentAuthenticator(Protocol):
    def agent_for(self, token: str | None) -> str | None: ...


class TokenFile:
    """The tokens file as the collector serves it: loaded at start (an invalid file is a
    ConfigError then), reloaded on :meth:`reload` (SIGHUP) and when :meth:`watch` sees it
    change (modification time, size or inode: an in-place edit, a rename over it, a Kubernetes
    Secret update)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp = file_stamp(path)
        self._tokens = load_tokens(path)

    def agent_for(self, token: str | None) -> str | None:
        return self._tokens.agent_for(token)

    @property
    def agents(self) -> list[str]:
        return sorted(self._tokens.hashes)

    def reload(self, why: str = "SIGHUP") -> bool:
        """Load the file again; on failure keep the tokens in force and log why."""
        self._stamp = file_stamp(self.path)
        try:
            tokens = load_tokens(self.path)
        except ConfigError as exc:
            log.error("tokens not reloaded (%s): %s; the %d loaded before stay in force",
                      why, exc, len(self._tokens.hashes))  # fmt: skip
            return False
        removed = sorted(set(self._tokens.hashes) - set(tokens.hashes))
        self._tokens = tokens
        log.warning("tokens reloaded (%s): %d agent(s)%s", why, len(tokens.hashes),
                    f"; removed: {', '.join(removed)}" if removed else "")  # fmt: skip
        return True

    async def watch(self, interval: float = 1.0) -> None:
        """Reload whenever the file changes, until cancelled."""
        while True:
            await asyncio.sleep(interval)
            if file_stamp(self.path) != self._stamp:
                self.reload("file changed")


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed file (a token file reloaded when it changes); None if unreadable."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def load_tokens(path: Path) -> Authenticator:
    raw = read_yaml(path, "tokens file") or {}
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
    temporary = path.with_name(f".{path.name}.tmp")  # a running collector never reads half
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump(raw, sort_keys=True))
    temporary.replace(path)
    return token
