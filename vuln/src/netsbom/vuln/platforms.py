"""CNA ``platforms`` (``MX Series``, ``SRX 5000 Series``, ``PTX10003``, ``Panorama``) against a
device's models. Entries that name no hardware (``Windows``, ``64 bit``, ``Gen7``) are ignored."""

from __future__ import annotations

import re

from netsbom.vuln.cpe import normalise_model

_NOT_HARDWARE = re.compile(
    r"^(windows|linux|mac ?os|macos|android|ios|ipados|\d+ ?bit|gen ?\d+|custom|all|any|x86.*|"
    r"arm.*|crpd|vsrx|vmx|cloud.*|virtual.*|n/a|all platforms)$",
    re.IGNORECASE,
)


def hardware_platforms(platforms: list[str]) -> list[str]:
    return [p for p in platforms if p.strip() and not _NOT_HARDWARE.match(p.strip())]


def platform_prefix(platform: str) -> str:
    """``SRX 5000 Series`` -> ``srx5``; ``MX Series`` -> ``mx``; ``PTX10001-36MR`` -> itself."""
    text = re.sub(r"\bseries\b", "", platform, flags=re.IGNORECASE)
    prefix = normalise_model(text)
    match = re.fullmatch(r"([a-z]+)(\d)000", prefix)
    if match:  # the 5000 series are the 5xxx models
        return match[1] + match[2]
    return prefix


def model_on_platform(models: tuple[str, ...], platforms: list[str]) -> bool:
    prefixes = [platform_prefix(p) for p in platforms]
    return any(normalise_model(m).startswith(p) for m in models for p in prefixes if p)
