"""One agent run: poll every inventory target (bounded concurrency, per-device deadline), spool
each record, and stream the spool to the collector while polling goes on."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netsbom.agent.identify import with_identifiers
from netsbom.agent.inventory import Inventory, TargetSpec
from netsbom.agent.merge import merge_records
from netsbom.agent.platforms import platform_for_family
from netsbom.agent.snmp.poll import poll_snmp
from netsbom.core import metrics
from netsbom.core.errors import ExitCode
from netsbom.core.record import DeviceRecord, ErrorInfo, Target, format_time

if TYPE_CHECKING:  # sending and SSH load only when used: `agent poll` over SNMP stays light
    from netsbom.agent.publish import Publisher, PublishStats
    from netsbom.agent.spool import Spool

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    records: list[DeviceRecord] = field(default_factory=list)
    publish: PublishStats | None = None
    unsent: int = 0  # reports waiting in the spool (counted on disk) for the next run
    lost: int = 0  # reports neither acknowledged nor on disk (could not be spooled)

    @property
    def incomplete(self) -> list[DeviceRecord]:
        return [r for r in self.records if not r.complete]

    @property
    def exit_code(self) -> ExitCode:
        """The most serious outcome first: lost (1), rejected (5), spooled (3), partial (4)."""
        if self.lost:
            return ExitCode.ERROR
        if self.publish is not None and self.publish.rejected:
            return ExitCode.REJECTED
        if self.unsent:
            return ExitCode.SPOOLED
        if self.incomplete:
            return ExitCode.PARTIAL
        return ExitCode.OK

    def line(self) -> str:
        """One line for people: what was polled, stored, rejected, left and lost."""
        from netsbom.agent.publish import PublishStats

        stats = self.publish or PublishStats()
        text = (
            f"polled {len(self.records)} targets ({len(self.incomplete)} incomplete); "
            f"stored {stats.stored}, duplicates {stats.duplicates}, rejected {stats.rejected}, "
            f"waiting in spool {self.unsent}"
        )
        return text + (
            f", lost {self.lost} (neither delivered nor in the spool)" if self.lost else ""
        )


async def poll_target(spec: TargetSpec, agent_id: str) -> DeviceRecord:
    """Poll one target with every transport it has (SNMP then SSH, gNMI and NETCONF alongside)
    and merge them into one record; never raises for device trouble."""
    with metrics.POLL_SECONDS.time():
        record = await _poll(spec, agent_id)
    metrics.POLLS.labels(record.target.transport).inc()
    for error in record.errors:
        metrics.POLL_FAILURES.labels(error.kind).inc()
    return record


async def _poll(spec: TargetSpec, agent_id: str) -> DeviceRecord:
    report_id = str(uuid.uuid4())
    try:
        async with asyncio.timeout(spec.deadline + 5):  # the transports keep their own deadline
            snmp_ssh, gnmi_record, netconf_record = await asyncio.gather(
                _snmp_then_ssh(spec, agent_id, report_id),
                _model_driven(spec, "gnmi", agent_id, report_id),
                _model_driven(spec, "netconf", agent_id, report_id),
            )
            snmp_record, ssh_record = snmp_ssh
            return with_identifiers(
                merge_records(snmp_record, ssh_record, gnmi=gnmi_record, netconf=netconf_record)
            )
    except TimeoutError:
        reason = ErrorInfo("timeout", f"poll exceeded the {spec.deadline:g}s deadline")
    except Exception as exc:  # a bug must not stop the run; the record says so
        log.exception("internal error polling %s", spec.name)
        reason = ErrorInfo("internal", f"internal error: {type(exc).__name__}")
    return DeviceRecord(
        target=_target(spec),
        agent_id=agent_id,
        collected_at=format_time(datetime.now(UTC)),
        report_id=report_id,
        errors=(reason,),
        complete=False,
    )


async def _snmp_then_ssh(
    spec: TargetSpec, agent_id: str, report_id: str
) -> tuple[DeviceRecord | None, DeviceRecord | None]:
    """SNMP first: its sysObjectID picks the SSH platform when the inventory names none."""
    snmp_record = (
        await poll_snmp(spec, agent_id=agent_id, report_id=report_id)
        if spec.snmp is not None
        else None
    )
    ssh_record = None
    if spec.ssh is not None:
        platform = spec.ssh.platform
        if platform is None and snmp_record is not None and snmp_record.os.family:
            platform = platform_for_family(snmp_record.os.family)
        from netsbom.agent.ssh.poll import poll_ssh

        ssh_record = await poll_ssh(spec, agent_id=agent_id, report_id=report_id, platform=platform)
    return snmp_record, ssh_record


async def _model_driven(
    spec: TargetSpec, transport: str, agent_id: str, report_id: str
) -> DeviceRecord | None:
    """gNMI or NETCONF, when the target has it (their modules load only then)."""
    if transport == "gnmi" and spec.gnmi is not None:
        from netsbom.agent.gnmi.poll import poll_gnmi

        return await poll_gnmi(spec, agent_id=agent_id, report_id=report_id)
    if transport == "netconf" and spec.netconf is not None:
        from netsbom.agent.netconf.poll import poll_netconf

        return await poll_netconf(spec, agent_id=agent_id, report_id=report_id)
    return None


async def poll_all(
    inventory: Inventory,
    *,
    on_record: Callable[[DeviceRecord], None] | None = None,
) -> list[DeviceRecord]:
    """Poll every target, ``inventory.concurrency`` at a time; records in inventory order."""
    limit = asyncio.Semaphore(inventory.concurrency)

    async def one(spec: TargetSpec) -> DeviceRecord:
        async with limit:
            record = await poll_target(spec, inventory.agent_id)
        if on_record is not None:
            on_record(record)
        return record

    return list(await asyncio.gather(*(one(spec) for spec in inventory.targets)))


async def run_once(
    inventory: Inventory,
    publisher: Publisher,
    spool: Spool,
    *,
    give_up_after: float = 60.0,
    on_record: Callable[[DeviceRecord], None] | None = None,
) -> RunSummary:
    """Poll everything once while streaming; returns when all is acknowledged or sending gave up."""
    from netsbom.agent.spool import SpooledReport
    from netsbom.proto.convert import to_report

    def spool_and_offer(record: DeviceRecord) -> None:
        data = to_report(record).SerializeToString()
        try:
            path: Path | None = spool.put(record.report_id, data)
            log.info("report %s of %s: spooled", record.report_id, record.target.id)
        except OSError as exc:  # e.g. disk full: still send it from memory
            log.error(
                "report %s of %s: cannot spool it (%s); sending it from memory",
                record.report_id,
                record.target.id,
                exc.strerror or exc,
            )
            path = None
        publisher.offer(SpooledReport(record.report_id, path, data))
        if on_record is not None:
            on_record(record)

    sender = asyncio.create_task(publisher.run(give_up_after=give_up_after))
    try:
        records = await poll_all(inventory, on_record=spool_and_offer)
    finally:
        publisher.close()
    stats = await sender
    lost = [item for item in publisher.unsent() if not spool.held(item)]
    for item in lost:
        log.error("report %s lost: not delivered and not in the spool", item.report_id)
    return RunSummary(records=records, publish=stats, unsent=spool.depth(), lost=len(lost))


def _target(spec: TargetSpec) -> Target:
    """The target a record names: its first transport in the order snmp, ssh, netconf, gnmi."""
    return spec.target(
        next((t for t in ("snmp", "ssh", "netconf", "gnmi") if getattr(spec, t)), "snmp")
    )
