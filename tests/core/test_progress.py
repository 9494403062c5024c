"""The progress bar draws only on a terminal and leaves machine output clean."""

from __future__ import annotations

import io

import pytest

from netsbom.core.progress import Progress, progress_enabled


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_draws_nothing() -> None:
    stream = io.StringIO()
    with Progress(10, "polling", stream=stream) as progress:
        for _ in range(10):
            progress.advance()
    assert stream.getvalue() == ""


def test_terminal_draws_and_erases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETSBOM_NO_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = _Tty()
    with Progress(4, "polling", stream=stream) as progress:
        progress.advance(4)
        assert "4/4" in progress.render()
    text = stream.getvalue()
    assert "polling [" in text and "4/4" in text
    assert text.endswith("\r")  # erased: the next line starts clean


def test_machine_output_and_env_disable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NETSBOM_NO_PROGRESS", raising=False)
    assert progress_enabled(_Tty())
    assert not progress_enabled(_Tty(), machine_output=True)
    monkeypatch.setenv("NETSBOM_NO_PROGRESS", "1")
    assert not progress_enabled(_Tty())


def test_stages_count_and_eta_text() -> None:
    progress = Progress(3, "export", enabled=False)
    progress.stage("reading")
    progress.stage("rendering")
    assert progress.done == 1 and "rendering" in progress.render()
    counting = Progress(100, "polling", enabled=False)
    counting.advance(10)
    assert "/s" in counting.render() and "eta" in counting.render()


def test_a_closed_stream_stops_drawing() -> None:
    stream = _Tty()
    progress = Progress(2, enabled=True, stream=stream)
    stream.close()
    progress.advance()
    assert progress.enabled is False
