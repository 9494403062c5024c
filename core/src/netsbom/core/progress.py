"""A progress bar for long work, drawn on stderr only when stderr is a terminal.

    with Progress(total=len(targets), label="polling") as progress:
        ... progress.advance()          # one unit done (cheap: redraws at most 10 times a second)

    with Progress(total=4, label="export") as progress:
        progress.stage("reading store")  # a named step of a staged job
        ...

Machine output stays clean: nothing is written when ``enabled`` is false, which is the default
whenever the stream is not a TTY (pipes, files, CI); callers pass ``enabled=False`` for ``--json``.
The bar is erased when the work ends, so it never mixes with what follows on the terminal.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress", "progress_enabled"]

_REDRAW_SECONDS = 0.1
_WIDTH = 28


def progress_enabled(stream: TextIO | None = None, *, machine_output: bool = False) -> bool:
    """Whether to draw: ``stream`` (default stderr) is a TTY, output is not for machines,
    ``NETSBOM_NO_PROGRESS`` is unset and the terminal is not ``dumb``."""
    if machine_output or os.environ.get("NETSBOM_NO_PROGRESS") or os.environ.get("TERM") == "dumb":
        return False
    target = stream if stream is not None else sys.stderr
    try:
        return target.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


class Progress:
    """A single-line bar: ``label [#####.....] done/total  rate/s  eta``."""

    def __init__(
        self,
        total: int,
        label: str = "",
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        unit: str = "",
    ) -> None:
        self.total = max(0, total)
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = progress_enabled(self.stream) if enabled is None else enabled
        self.done = 0
        self.note = ""
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count) if self.total else self.done + count
        self._draw(force=self.done == self.total)

    def stage(self, note: str) -> None:
        """Start the next named step of a staged job (the previous one counts as done)."""
        if self.note:
            self.done = min(self.total, self.done + 1)
        self.note = note
        self._draw(force=True)

    def close(self) -> None:
        if self.enabled and self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def render(self) -> str:
        """The bar's text (without carriage return); also used by the tests."""
        total = self.total or 1
        filled = int(_WIDTH * min(self.done, total) / total)
        bar = "#" * filled + "." * (_WIDTH - filled)
        elapsed = max(time.monotonic() - self._started, 1e-9)
        parts = [p for p in (self.label, f"[{bar}]", f"{self.done}/{self.total}{self.unit}") if p]
        rate = self.done / elapsed
        if self.done and not self.note:
            parts.append(f"{rate:.1f}/s")
            if self.total > self.done:
                parts.append(f"eta {_duration((self.total - self.done) / rate)}")
        if self.note:
            parts.append(self.note)
        return " ".join(parts)

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < _REDRAW_SECONDS:
            return
        self._drawn_at = now
        text = self.render()
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self._write("\r" + text + " " * pad)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: stop drawing
            self.enabled = False


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
