"""Who may use the console: bearer tokens with a role, stored only as SHA-256 hashes.

The file has the agents' tokens file's shape (:mod:`netsbom.collector.auth`), one mapping per
role; ``netsbom web --tokens FILE --new-token NAME --role admin`` adds one and prints it once:

    viewer:
      noc-alice: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    admin:
      bob: sha256:...

``viewer`` reads everything; ``admin`` may also change what the console keeps (saved topology
positions). The file is read again when it changes (checked at most once a second), so a removed
token stops working within a second; a file that no longer validates is logged and the tokens
loaded before stay in force.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netsbom.collector.auth import file_stamp, hash_token, holder_of, new_token
from netsbom.core.errors import ConfigError
from netsbom.core.identifiers import id_problem

log = logging.getLogger(__name__)

ROLES = ("viewer", "admin")


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str  # one of ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


ANONYMOUS = User("anonymous", "viewer")  # no tokens file: everyone reads, nobody changes


def load_users(path: Path) -> dict[str, User]:
    """token hash -> user; ConfigError naming the file and field when it does not validate."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read tokens file: {exc.strerror}") from None
    except yaml.YAMLError:
        raise ConfigError(f"{path}: not valid YAML") from None
    if not isinstance(raw, dict) or not set(raw) & set(ROLES) or set(raw) - set(ROLES):
        raise ConfigError(f"{path}: expected the mappings 'viewer' and/or 'admin' (name: hash)")
    users: dict[str, User] = {}
    for role in ROLES:
        entries = raw.get(role) or {}
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: field '{role}': a mapping of name to token hash")
        for name, value in entries.items():
            if not isinstance(value, str) or not value.startswith("sha256:") or len(value) != 71:
                raise ConfigError(
                    f"{path}: field '{role}.{name}': expected sha256:<64 hex>"
                    " (store token hashes, never tokens)"
                )
            users[value.lower()] = User(str(name), role)
    return users


class WebTokens:
    """The tokens file as the console serves it (see the module docstring)."""

    def __init__(self, path: Path, recheck_every: float = 1.0) -> None:
        self.path = path
        self._recheck_every = recheck_every
        self._lock = threading.Lock()
        self._stamp = file_stamp(path)
        self._checked = time.monotonic()
        self._users = load_users(path)

    def user_for(self, token: str | None) -> User | None:
        if not token:
            return None
        self._maybe_reload()
        return holder_of(token, self._users)

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < self._recheck_every:
            return
        with self._lock:
            self._checked = now
            stamp = file_stamp(self.path)
            if stamp == self._stamp:
                return
            self._stamp = stamp
            try:
                self._users = load_users(self.path)
            except ConfigError as exc:
                log.error("web tokens not reloaded: %s; the tokens loaded before stay", exc)
                return
            log.warning("web tokens reloaded: %d user(s)", len(self._users))


def add_user(path: Path, name: str, role: str) -> str:
    """Create a token for ``name`` with ``role``, store its hash in ``path``, return the token."""
    problem = id_problem(name, "name")
    if problem:
        raise ConfigError(problem)
    if role not in ROLES:
        raise ConfigError(f"role {role!r}: one of {', '.join(ROLES)}")
    raw: dict[str, Any] = {}
    if path.exists():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for other in ROLES:  # one role per name
        (raw.get(other) or {}).pop(name, None)
    token = new_token()
    raw.setdefault(role, {})[name] = hash_token(token)
    raw = {k: v for k, v in raw.items() if v}
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump(raw, sort_keys=True))
    temporary.replace(path)
    return token
