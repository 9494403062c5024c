"""``netsbom agent record ssh://HOST:PORT --platform P --out DIR``: save a device recording.

Runs the platform's read-only commands (every form: JSON and text) and writes ``device.yaml`` plus
one file per answered command, the layout replay and the SSH lab read.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import click

from netsbom.agent.inventory import SshSettings
from netsbom.agent.platforms import PLATFORM_NAMES, get_platform
from netsbom.agent.ssh.recording import write_recording
from netsbom.agent.ssh.session import collect
from netsbom.errors import ConfigError


def parse_ssh_url(url: str) -> tuple[str, int, str | None]:
    """``ssh://[user@]host[:port]`` -> (host, port, user)."""
    parts = urlsplit(url)
    if parts.scheme != "ssh" or not parts.hostname:
        raise ConfigError(f"{url!r}: expected ssh://[USER@]HOST[:PORT]")
    try:
        port = parts.port or 22
    except ValueError:
        raise ConfigError(f"{url!r}: bad port") from None
    return parts.hostname, port, parts.username


@click.command("record")
@click.argument("url")
@click.option(
    "--platform",
    type=click.Choice(PLATFORM_NAMES),
    required=True,
    help="netmiko device_type of the device.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Recording directory to write.",
)
@click.option("--username", envvar="NETSBOM_SSH_USERNAME", help="Login (or user@ in the URL).")
@click.option(
    "--password",
    "password_ref",
    envvar="NETSBOM_SSH_PASSWORD",
    help="Password reference env:VAR or file:PATH (env NETSBOM_SSH_PASSWORD).",
)
@click.option("--key-file", type=click.Path(path_type=Path, exists=True), help="Private key.")
@click.option("--known-hosts", default="~/.ssh/known_hosts", show_default=True)
@click.option("--tofu", is_flag=True, help="Pin an unknown host key into --known-hosts.")
@click.option(
    "--legacy-algorithms",
    is_flag=True,
    help="Allow diffie-hellman-group14-sha1 / ssh-rsa for this device.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    help="Deadline for the whole session, seconds.",
)
def record(
    url: str,
    platform: str,
    out_dir: Path,
    username: str | None,
    password_ref: str | None,
    key_file: Path | None,
    known_hosts: str,
    tofu: bool,
    legacy_algorithms: bool,
    timeout: float,
) -> None:
    """Record what a device answers to the platform's commands into OUT."""
    host, port, url_user = parse_ssh_url(url)
    user = url_user or username
    if not user:
        raise ConfigError("a username is needed: ssh://USER@HOST or --username")
    try:
        settings = SshSettings(
            port=port,
            platform=platform,
            username=user,
            password=password_ref,
            key_file=str(key_file) if key_file else None,
            known_hosts=known_hosts,
            host_key_policy="tofu" if tofu else "strict",
            legacy_algorithms=legacy_algorithms,
        )
    except ValueError as exc:
        raise ConfigError(f"ssh settings: {exc}") from None
    driver = get_platform(platform)
    commands = [form for command in driver.commands for form in command.forms]
    result = asyncio.run(
        collect(host, settings, platform=driver.name, deadline=timeout, commands=commands)
    )
    for error in result.errors:
        click.echo(
            f"{error.kind}: {error.message}" + (f" ({error.source})" if error.source else ""),
            err=True,
        )
    answered = {k: v for k, v in result.outputs.items() if v is not None}
    if not answered:
        raise ConfigError(f"{url}: nothing recorded")
    written = write_recording(out_dir, driver.name, result.prompt_hostname, answered)
    click.echo(f"recorded {len(written) - 1} command(s) into {out_dir}")
