"""SSH session handling that needs no device."""

from __future__ import annotations


def test_session_setup_output_is_drained_before_the_first_command() -> None:
    """The tail of an echo netmiko stopped reading at, and its prompt, arrive late: they are read
    before the first command, so that command does not take them for its output."""
    from netsbom.agent.ssh import session

    class Channel:
        def __init__(self) -> None:
            self.pending = [" no more\nA:edge-r2# ", "", "show version output"]

        def read_channel(self) -> str:
            return self.pending.pop(0)

    channel = Channel()
    session._drain(channel)
    assert channel.pending == ["show version output"]  # stopped at the first quiet moment
