"""Credentials by reference: ``env:VAR`` or ``file:PATH``, never a literal secret.

A :class:`Secret` never shows its value in ``repr``/``str``/logs; only the transport that needs it
calls :meth:`Secret.reveal`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from netsbom.core.errors import CredentialError

REFERENCE_SCHEMES = ("env:", "file:")


def is_reference(value: str) -> bool:
    return value.startswith(REFERENCE_SCHEMES)


@dataclass(frozen=True, slots=True)
class Secret:
    """A resolved secret. Equality and hashing use the reference, never the value."""

    reference: str
    _value: str = field(repr=False, compare=False)

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return f"<secret {self.reference}>"

    __repr__ = __str__


def resolve(reference: str, *, base_dir: Path | None = None) -> Secret:
    """Resolve ``env:VAR`` or ``file:PATH`` (relative to ``base_dir``).

    One trailing newline of a file is dropped."""
    if reference.startswith("env:"):
        name = reference[4:]
        value = os.environ.get(name)
        if not name or value is None:
            raise CredentialError(f"environment variable {name!r} is not set")
        return Secret(reference, value)
    if reference.startswith("file:"):
        path = Path(reference[5:]).expanduser()
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CredentialError(f"cannot read secret file {path}: {exc.strerror}") from None
        return Secret(reference, text[:-1] if text.endswith("\n") else text)
    raise CredentialError("a credential must be a reference: env:VAR or file:PATH")
