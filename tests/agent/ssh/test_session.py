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


def test_the_prompt_names_the_host() -> None:
    from netsbom.agent.ssh.session import _hostname_from_prompt

    assert _hostname_from_prompt("root@vm:~#") == "vm"  # a Linux shell: the host, not "~"
    assert _hostname_from_prompt("admin@leaf1:/var/log$") == "leaf1"
    assert _hostname_from_prompt("RP/0/RP0/CPU0:pe1#") == "pe1"
    assert _hostname_from_prompt("A:edge-r2#") == "edge-r2"
    assert _hostname_from_prompt("<HUAWEI>") == "HUAWEI"
    assert _hostname_from_prompt("netsbom@core1>") == "core1"
