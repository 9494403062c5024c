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
from netsbom.errors import ConfigError

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
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read device recording: {exc.strerror}") from None
    except yaml.YAMLError:
        raise ConfigError(f"{path}: not valid YAML") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("platform"), str):
        raise ConfigError(f"{path}: field 'platform': a netmiko device_type is required")
    try:
        get_platform(raw["platform"])
    except KeyError as exc:
        raise ConfigError(f"{path}: field 'platform': {exc.args[0]}") from None
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
