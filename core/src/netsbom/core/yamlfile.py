"""Reading the YAML files people write (inventories, tokens, lab definitions, recordings): every
problem is one :class:`ConfigError` line naming the file (and the line, for bad YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netsbom.core.errors import ConfigError


def read_yaml(path: Path, what: str) -> Any:
    """The content of ``path``, a ``what`` ("inventory", "tokens file")."""
    from netsbom.core.perf import safe_load_yaml

    try:
        return safe_load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from None
