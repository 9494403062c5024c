"""A transport's :class:`Partial` (what its replies said) + provenance -> a :class:`DeviceRecord`.

The one place a record is assembled from parsed replies: the SSH, gNMI and NETCONF polls and
their replays all end here, so ``complete`` means the same for each.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from netsbom.agent.identify import with_identifiers
from netsbom.agent.platforms.base import Partial
from netsbom.core.record import DeviceRecord, ErrorInfo, OsInfo, Provenance, Target, format_time

if TYPE_CHECKING:
    from netsbom.agent.inventory import TargetSpec

log = logging.getLogger(__name__)
_Replies = TypeVar("_Replies")

# session errors after which the record cannot be complete
FATAL_KINDS = ("unreachable", "auth", "timeout", "protocol", "internal")


def record_from_partial(
    partial: Partial,
    provenance: Sequence[Provenance],
    *,
    target: Target,
    agent_id: str,
    collected_at: str,
    report_id: str,
    answered: bool,
    errors: Sequence[ErrorInfo] = (),
) -> DeviceRecord:
    """``errors`` are the session's (auth, timeout...), the partial's are the parsers';
    ``answered`` says whether the device answered anything at all."""
    all_errors = (*errors, *partial.errors)
    fatal = any(e.kind in FATAL_KINDS for e in errors)
    record = DeviceRecord(
        target=target,
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id,
        hostname=partial.hostname,
        vendor=partial.vendor if answered else None,
        model=partial.model,
        serial=partial.serial,
        chassis_id=partial.chassis_id,
        description=partial.description,
        os=OsInfo(
            family=partial.os_family if answered else None,
            version=partial.os_version,
            build=partial.os_build,
            image=partial.os_image,
            name=partial.os_name if answered else None,
            copyright=partial.os_copyright,
            hashes=partial.os_hashes,
        ),
        components=partial.components,
        software=partial.software,
        neighbors=partial.neighbors,
        provenance=tuple(provenance),
        errors=all_errors,
        complete=answered and not fatal and not any(e.kind == "parse" for e in all_errors),
        virtual=partial.virtual,
    )
    return with_identifiers(record)


def now_text(now: Callable[[], datetime] | None = None) -> str:
    """The collection time, RFC 3339 UTC (``now`` for tests)."""
    moment = (now or (lambda: datetime.now(UTC)))()
    return format_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


async def collect_or_error(
    spec: TargetSpec,
    transport: str,
    collect: Callable[[Any], Awaitable[_Replies]],
    failed: Callable[[ErrorInfo], _Replies],
) -> _Replies:
    """``collect(settings)`` of the target's ``transport`` section; a target without it, or a bug
    of ours, becomes ``failed(error)``: the device is still reported."""
    settings = getattr(spec, transport, None)
    if settings is None:
        return failed(ErrorInfo("unsupported", f"target has no {transport} settings"))
    try:
        return await collect(settings)
    except Exception as exc:
        log.exception("%s poll of %s failed", transport, spec.name)
        return failed(ErrorInfo("internal", f"internal error: {type(exc).__name__}"))
