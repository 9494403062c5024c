"""Poll one device over SSH, or replay a device recording, into a :class:`DeviceRecord`.

record = await poll_ssh(spec, agent_id="a1")        # live; never raises for device trouble
record = replay_ssh(Path("lab/src/netsbom/lab/data/ssh/acc-1"))   # offline, same parsers
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.platforms import get_platform
from netsbom.agent.ssh.build import build_record
from netsbom.agent.ssh.recording import read_recording
from netsbom.agent.ssh.session import SessionResult, collect
from netsbom.core.record import DeviceRecord, ErrorInfo, Target, format_time

log = logging.getLogger(__name__)


def _now(now: Callable[[], datetime] | None) -> str:
    moment = (now or (lambda: datetime.now(UTC)))()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_time(moment)


def ssh_target(spec: TargetSpec) -> Target:
    port = spec.ssh.port if spec.ssh else 22
    return Target(spec.name, spec.address, port, "ssh", tuple(sorted(spec.labels.items())))


async def poll_ssh(
    spec: TargetSpec,
    *,
    agent_id: str,
    report_id: str | None = None,
    platform: str | None = None,
    now: Callable[[], datetime] | None = None,
) -> DeviceRecord:
    """Log in, run the platform's read-only commands, parse. ``platform`` overrides the
    inventory's (e.g. detected from SNMP); with neither, netmiko's detection decides."""
    target = ssh_target(spec)
    collected_at = _now(now)
    rid = report_id or str(uuid.uuid4())
    if spec.ssh is None:
        return DeviceRecord(
            target,
            agent_id,
            collected_at,
            rid,
            complete=False,
            errors=(ErrorInfo("unsupported", "target has no ssh settings"),),
        )
    try:
        result = await collect(
            spec.address, spec.ssh, platform=platform or spec.ssh.platform, deadline=spec.deadline
        )
    except Exception as exc:  # a bug of ours: still report the device
        log.exception("ssh poll of %s failed", spec.name)
        result = SessionResult(
            platform=platform or spec.ssh.platform,
            errors=[ErrorInfo("internal", f"internal error: {type(exc).__name__}")],
        )
    if result.platform is None:
        return DeviceRecord(
            target,
            agent_id,
            collected_at,
            rid,
            complete=False,
            errors=tuple(result.errors)
            or (ErrorInfo("unsupported", "platform could not be detected"),),
        )
    return build_record(
        get_platform(result.platform),
        result.outputs,
        target=target,
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=rid,
        hostname_hint=result.prompt_hostname,
        errors=result.errors,
    )


def replay_ssh(
    directory: Path | str,
    *,
    agent_id: str = "replay",
    report_id: str | None = None,
    now: Callable[[], datetime] | None = None,
) -> DeviceRecord:
    """Parse a device recording directory as if polled live (target id = directory name)."""
    recording = read_recording(directory)
    platform = get_platform(recording.platform)
    path = Path(directory)
    target = Target(id=path.resolve().name, address=str(path), port=0, transport="replay")
    return build_record(
        platform,
        recording.outputs(platform),
        target=target,
        agent_id=agent_id,
        collected_at=_now(now),
        report_id=report_id or str(uuid.uuid4()),
        method="replay",
        hostname_hint=recording.hostname,
    )
