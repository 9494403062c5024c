"""Poll one device over SNMP (or replay a recording) into a DeviceRecord; never raises for it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from netsbom.agent.inventory import TargetSpec
from netsbom.agent.snmp.parse import parse_view
from netsbom.agent.snmp.replay import read_snmprec
from netsbom.agent.snmp.view import SnmpView
from netsbom.agent.snmp.walk import collect
from netsbom.core.errors import CredentialError
from netsbom.core.record import DeviceRecord, Target

log = logging.getLogger(__name__)


def _timestamp(now: Callable[[], datetime] | None) -> str:
    moment = (now or (lambda: datetime.now(UTC)))()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def snmp_target(spec: TargetSpec) -> Target:
    port = spec.snmp.port if spec.snmp else 161
    labels = tuple(sorted(spec.labels.items()))
    return Target(id=spec.name, address=spec.address, port=port, transport="snmp", labels=labels)


async def poll_snmp(
    target: TargetSpec,
    *,
    agent_id: str,
    report_id: str | None = None,
    now: Callable[[], datetime] | None = None,
) -> DeviceRecord:
    """Collect and parse one device. Device problems become ``errors`` on the record."""
    record_target = snmp_target(target)
    collected_at = _timestamp(now)
    rid = report_id or str(uuid.uuid4())
    settings = target.snmp
    if settings is None:
        view = SnmpView()
        view.add_error("unsupported", "target has no snmp settings")
    else:
        try:
            view = await collect(target.address, settings, deadline=target.deadline)
        except CredentialError as exc:
            view = SnmpView()
            view.add_error("auth", f"cannot resolve SNMP credential: {exc}")
        except Exception as exc:  # a bug of ours: still report the device
            log.exception("snmp poll of %s failed", target.name)
            view = SnmpView()
            view.add_error("internal", f"{type(exc).__name__}: {exc}")
    return parse_view(
        view, target=record_target, agent_id=agent_id, collected_at=collected_at, report_id=rid
    )


def replay_snmp(
    path: Path,
    *,
    agent_id: str = "replay",
    report_id: str | None = None,
    now: Callable[[], datetime] | None = None,
) -> DeviceRecord:
    """Parse an ``.snmprec`` recording as if polled live (target id = file stem)."""
    path = Path(path)
    name = path.name
    for suffix in (".bz2", ".snmprec"):
        name = name.removesuffix(suffix)
    view = read_snmprec(path)
    target = Target(id=name, address=str(path), port=0, transport="replay")
    return parse_view(
        view,
        target=target,
        agent_id=agent_id,
        collected_at=_timestamp(now),
        report_id=report_id or str(uuid.uuid4()),
    )
