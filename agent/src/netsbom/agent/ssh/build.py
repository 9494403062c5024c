"""Command outputs -> :class:`DeviceRecord`: the pure part of an SSH poll (also used by replay)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from netsbom.agent.identify import with_identifiers
from netsbom.agent.platforms import Platform, parse_outputs
from netsbom.core.record import DeviceRecord, ErrorInfo, OsInfo, Provenance, Target


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
    all_errors = (*errors, *partial.errors)
    answered = any(v is not None for v in outputs.values())
    fatal = any(
        e.kind in ("unreachable", "auth", "timeout", "protocol", "internal") for e in errors
    )
    record = DeviceRecord(
        target=target,
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id,
        hostname=hostname,
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
        ),
        components=partial.components,
        software=partial.software,
        neighbors=partial.neighbors,
        provenance=tuple(p for p in prov if answered or p.source == "prompt"),
        errors=tuple(all_errors),
        complete=answered and not fatal and not any(e.kind == "parse" for e in all_errors),
    )
    return with_identifiers(record)
