"""Poll one device over NETCONF, or replay a recording of its replies, into a DeviceRecord.

    record = await poll_netconf(spec, agent_id="a1")     # live; never raises for device trouble
    record = replay_netconf(Path("recordings/mx1"))      # offline, same parsers

A recording is a directory: ``hello.txt`` (the server's capabilities, one a line) and one file
per request answered, named after it (``get-chassis-inventory.xml``,
``get_ietf-hardware_hardware.xml``: spaces and colons as ``_``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.netconf.parse import REQUESTS, parse_replies
from netsbom.agent.netconf.session import NetconfReplies, collect
from netsbom.agent.partial import collect_or_error, now_text, record_from_partial
from netsbom.core.errors import ConfigError
from netsbom.core.record import DeviceRecord, ErrorInfo, Target

log = logging.getLogger(__name__)
HELLO = "hello.txt"


def file_name(request_name: str) -> str:
    return request_name.replace(" ", "_").replace(":", "_") + ".xml"


async def poll_netconf(
    spec: TargetSpec,
    *,
    agent_id: str,
    report_id: str | None = None,
    now: Callable[[], datetime] | None = None,
) -> DeviceRecord:
    """Hello, then the requests its capabilities allow, parsed."""
    collected_at = now_text(now)
    replies = await collect_or_error(
        spec,
        "netconf",
        lambda settings: collect(spec.address, settings, deadline=spec.deadline),
        lambda error: NetconfReplies(errors=[error]),
    )
    return build_record(
        replies,
        target=spec.target("netconf"),
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id or str(uuid.uuid4()),
    )


def build_record(
    replies: NetconfReplies, *, target: Target, agent_id: str, collected_at: str, report_id: str
) -> DeviceRecord:
    partial, provenance = parse_replies(replies.replies, replies.capabilities)
    errors: Sequence[ErrorInfo] = replies.errors
    if replies.answered and not any(replies.replies.values()):
        errors = (
            *errors,
            ErrorInfo("unsupported", "netconf: the device announces no inventory model we read"),
        )
    return record_from_partial(
        partial,
        provenance,
        target=target,
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id,
        answered=replies.answered,
        errors=errors,
    )


def replay_netconf(
    directory: Path, *, agent_id: str = "replay", report_id: str | None = None
) -> DeviceRecord:
    """Parse a recording directory as if polled live (target id = the directory's name)."""
    path = Path(directory)
    if not path.is_dir():
        raise ConfigError(f"{path}: not a NETCONF recording directory")
    hello = path / HELLO
    capabilities = hello.read_text(encoding="utf-8").split() if hello.is_file() else []
    replies: dict[str, str | None] = {}
    for request in REQUESTS:
        reply = path / file_name(request.name)
        if reply.is_file():
            replies[request.name] = reply.read_text(encoding="utf-8")
    if not replies:
        example = file_name(REQUESTS[0].name)
        raise ConfigError(f"{path}: no NETCONF replies here (files such as {example})")
    return build_record(
        NetconfReplies(capabilities=capabilities or ["recorded"], replies=replies),
        target=Target(path.resolve().name, str(path), 0, "replay"),
        agent_id=agent_id,
        collected_at=now_text(),
        report_id=report_id or str(uuid.uuid4()),
    )
