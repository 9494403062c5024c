"""Poll one device over gNMI, or replay a recording of its replies, into a :class:`DeviceRecord`.

    record = await poll_gnmi(spec, agent_id="a1")        # live; never raises for device trouble
    record = replay_gnmi(Path("edge1.gnmi.json"))        # offline, same parser

A recording is the replies as plain data (parse.py's docstring); ``agent record gnmi://`` is not
there yet: a recording is written by ``write_recording`` from a live session.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from netsbom.agent.gnmi.parse import parse_replies
from netsbom.agent.gnmi.session import GnmiReplies, collect
from netsbom.agent.inventory import TargetSpec
from netsbom.agent.partial import collect_or_error, now_text, record_from_partial
from netsbom.core.errors import ConfigError
from netsbom.core.record import DeviceRecord, ErrorInfo, Target

log = logging.getLogger(__name__)
SUFFIX = ".gnmi.json"


async def poll_gnmi(
    spec: TargetSpec,
    *,
    agent_id: str,
    report_id: str | None = None,
    now: Callable[[], datetime] | None = None,
) -> DeviceRecord:
    """Capabilities + Get of /components and /system/state, parsed."""
    collected_at = now_text(now)
    replies = await collect_or_error(
        spec,
        "gnmi",
        lambda settings: collect(spec.address, settings, deadline=spec.deadline),
        lambda error: GnmiReplies(errors=[error]),
    )
    return build_record(
        replies.as_data(),
        target=spec.target("gnmi"),
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id or str(uuid.uuid4()),
        answered=replies.answered,
        errors=replies.errors,
    )


def build_record(
    data: dict[str, Any],
    *,
    target: Target,
    agent_id: str,
    collected_at: str,
    report_id: str,
    answered: bool,
    errors: list[ErrorInfo] | tuple[ErrorInfo, ...] = (),
) -> DeviceRecord:
    partial, provenance = parse_replies(data)
    if answered and not data.get("get"):
        errors = (*errors, ErrorInfo("unsupported", "gnmi: no Get path answered", "/components"))
    return record_from_partial(
        partial,
        provenance,
        target=target,
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id,
        answered=answered,
        errors=errors,
    )


def replay_gnmi(
    path: Path, *, agent_id: str = "replay", report_id: str | None = None
) -> DeviceRecord:
    """Parse a recording (``NAME.gnmi.json``) as if polled live (target id = NAME)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a gNMI recording ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: not a gNMI recording (a JSON object is expected)")
    target = Target(Path(path).name.removesuffix(SUFFIX), str(path), 0, "replay")
    return build_record(
        data,
        target=target,
        agent_id=agent_id,
        collected_at=now_text(),
        report_id=report_id or str(uuid.uuid4()),
        answered=bool(data.get("capabilities") or data.get("get")),
    )
