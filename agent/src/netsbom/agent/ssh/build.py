"""Command outputs -> :class:`DeviceRecord`: the pure part of an SSH poll (also used by replay)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from netsbom.agent.partial import record_from_partial
from netsbom.agent.platforms import Platform, parse_outputs
from netsbom.core.record import DeviceRecord, ErrorInfo, Provenance, Target


def build_record(
    platform: Platform,
    outputs: Mapping[str, str | None],
    *,
    target: Target,
    agent_id: str,
    collected_at: str,
    report_id: str,
    method: str = "ssh",
    hostname_hint: str | None = None,
    errors: Sequence[ErrorInfo] = (),
) -> DeviceRecord:
    """Parse every output; ``hostname_hint`` (the prompt, or the recording's hostname) is used
    when no command names the device. ``errors`` are session errors (auth, timeout...)."""
    partial, provenance = parse_outputs(platform, outputs, method=method)
    hostname = partial.hostname
    prov = list(provenance)
    if hostname is None and hostname_hint:
        hostname = hostname_hint
        prov.append(Provenance("hostname", method, "prompt", 0.9))
    partial = replace(partial, hostname=hostname)
    answered = any(v is not None for v in outputs.values())
    return record_from_partial(
        partial,
        [p for p in prov if answered or p.source == "prompt"],
        target=target,
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id,
        answered=answered,
        errors=errors,
    )
