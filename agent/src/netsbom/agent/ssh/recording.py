"""Device recordings: a directory with ``device.yaml`` plus one file per command.

    device.yaml             platform: cisco_xe        (netmiko device_type)
                            hostname: acc-1
                            credentials: {username: admin, password: lab}   # lab devices only
    show_version.txt        the device's answer to ``show version`` (naming: :mod:`.naming`)
    ...

The same layout drives offline replay (``netsbom agent poll --replay DIR``), the SSH lab server
and ``netsbom agent record``. A command without a file is a command the device does not support.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netsbom.agent.platforms import Platform, get_platform
from netsbom.agent.ssh.naming import command_filename
from netsbom.core.errors import ConfigError
from netsbom.core.yamlfile import read_yaml

DEVICE_FILE = "device.yaml"


@dataclass(frozen=True, slots=True)
class Recording:
    directory: Path
    platform: str
    hostname: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # lab credentials only
    authorized_keys: tuple[str, ...] = ()  # lab: public keys ("ssh-ed25519 AAAA...")

    def output(self, command: str) -> str | None:
        """The recorded answer to ``command``, or ``None`` when it was not recorded."""
        path = self.directory / command_filename(command)
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return None

    def outputs(self, platform: Platform | None = None) -> dict[str, str | None]:
        """Every form of every command of the platform -> recorded output (``None``: missing or
        answered with the platform's error)."""
        driver = platform or get_platform(self.platform)
        out: dict[str, str | None] = {}
        for command in driver.commands:
            for form in command.forms:
                text = self.output(form)
                out[form] = None if text is None or driver.is_error(text) else text
        return out


def read_recording(directory: Path | str) -> Recording:
    directory = Path(directory)
    path = directory / DEVICE_FILE
    raw = read_yaml(path, "device recording")
    if not isinstance(raw, dict) or not isinstance(raw.get("platform"), str):
        raise ConfigError(f"{path}: field 'platform': an OS family (or its alias) is required")
    try:
        get_platform(raw["platform"])
    except ConfigError as exc:
        raise ConfigError(f"{path}: field 'platform': {exc}") from None
    credentials: Mapping[str, Any] = raw.get("credentials") or {}
    keys = credentials.get("authorized_keys") or ()
    return Recording(
        directory=directory,
        platform=raw["platform"],
        hostname=str(raw["hostname"]) if raw.get("hostname") else None,
        username=str(credentials["username"]) if credentials.get("username") else None,
        password=str(credentials["password"]) if credentials.get("password") else None,
        authorized_keys=tuple(str(k) for k in keys),
    )


def write_recording(
    directory: Path, platform: str, hostname: str | None, outputs: Mapping[str, str | None]
) -> list[Path]:
    """Write ``device.yaml`` (no credentials) and one file per answered command."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / DEVICE_FILE]
    meta: dict[str, Any] = {"platform": platform}
    if hostname:
        meta["hostname"] = hostname
    (directory / DEVICE_FILE).write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    for command, text in outputs.items():
        if text is None:
            continue
        path = directory / command_filename(command)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written


def record_device(
    url: str, out_dir: Path, options: Mapping[str, Any], *, deadline: float
) -> tuple[int, list[str]]:
    """Run the platform's read-only commands (every form: JSON and text) on the device at
    ``ssh://[USER@]HOST[:PORT]`` and write the recording; returns (commands, error lines).

    ``options``: platform, username, password (a reference), key_file, known_hosts, tofu,
    legacy_algorithms. Raises ConfigError when nothing was answered."""
    import asyncio
    from urllib.parse import urlsplit

    from netsbom.agent.inventory import SshSettings
    from netsbom.agent.ssh.session import collect

    parts = urlsplit(url)
    if parts.scheme != "ssh" or not parts.hostname:
        raise ConfigError(f"{url!r}: expected ssh://[USER@]HOST[:PORT]")
    try:
        port = parts.port or 22
    except ValueError:
        raise ConfigError(f"{url!r}: bad port") from None
    settings_fields = dict(options)
    platform = settings_fields.pop("platform", None)
    if not platform:
        raise ConfigError("ssh:// recording needs --platform")
    user = parts.username or settings_fields.pop("username", None)
    settings_fields.pop("username", None)
    if not user:
        raise ConfigError("a username is needed: ssh://USER@HOST or --username")
    tofu = settings_fields.pop("tofu", None)
    if "key_file" in settings_fields:
        settings_fields["key_file"] = str(settings_fields["key_file"])
    try:
        settings = SshSettings(
            port=port,
            platform=platform,
            username=user,
            host_key_policy="tofu" if tofu else "strict",
            **settings_fields,
        )
    except ValueError as exc:
        raise ConfigError(f"ssh settings: {exc}") from None
    driver = get_platform(platform)
    commands = [form for command in driver.commands for form in command.forms]
    result = asyncio.run(
        collect(
            parts.hostname, settings, platform=driver.name, deadline=deadline, commands=commands
        )
    )
    errors = [
        f"{error.kind}: {error.message}" + (f" ({error.source})" if error.source else "")
        for error in result.errors
    ]
    answered = {k: v for k, v in result.outputs.items() if v is not None}
    if not answered:
        raise ConfigError(f"{url}: nothing recorded" + (f" ({errors[0]})" if errors else ""))
    written = write_recording(out_dir, driver.name, result.prompt_hostname, answered)
    return len(written) - 1, errors
