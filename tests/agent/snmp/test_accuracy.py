"""Accuracy over the labelled SNMP corpus: version, hardware and serial agreement with LibreNMS.

The expected values are LibreNMS's, not vendor ground truth, so the comparison is lenient in the
ways the issue allows: trimmed and case-folded; a LibreNMS decoration (a bracketed or parenthesised
build, a leading image name) counts either way; for hardware, one value may contain the other's
product id (LibreNMS writes "Juniper MX80" where the device says "MX80"). Nothing here feeds the
agent: the engine never sees an expected value.

``NETSBOM_ACCURACY_REPORT=path`` writes every disagreement to a file (for development).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from netsbom.agent.snmp.fingerprint import knowledge_base
from netsbom.agent.snmp.mibs import set_mib_dirs
from netsbom.agent.snmp.poll import replay_snmp
from netsbom.agent.snmp.replay import read_snmprec
from netsbom.core.record import ERROR_KINDS, DeviceRecord
from tests.conftest import corpus_dir, missing, require, shared_root

# The targets, enforced. Serial misses that remain are mostly devices where LibreNMS's
# expected value is not the box's own serial (a line card of a Cisco SVL stack, the route processor
# of an IOS XR chassis, composites of two values): they count as misses; we report the chassis.
TARGETS = {"version": 0.90, "hardware": 0.85, "serial": 0.95}

# LibreNMS os name -> our os.family, for the families both sides name (test-side vocabulary only).
LIBRENMS_FAMILIES = {
    "ios": "ios", "iosxe": "ios-xe", "nxos": "nxos", "iosxr": "iosxr", "asa": "asa",
    "ftd": "ftd", "junos": "junos", "junos-evolved": "junos-evolved", "arista_eos": "eos",
    "panos": "panos", "fortigate": "fortios", "timos": "sros", "vrp": "vrp",
    "netscaler": "netscaler", "sonicwall": "sonicos", "gaia": "gaia", "comware": "comware",
    "routeros": "routeros", "linux": "linux",
}  # fmt: skip

_SPACES = re.compile(r"\s+")
_DECORATION = re.compile(r"\s*[\[(][^\])]*[\])]")


def norm(text: str | None) -> str:
    return _SPACES.sub(" ", (text or "").strip()).casefold()


def _variants(text: str) -> set[str]:
    """A value and its undecorated forms: bracketed parts removed, bracketed parts alone."""
    value = norm(text)
    found = {value, norm(_DECORATION.sub("", value))}
    found |= {norm(part) for part in re.findall(r"[\[(]([^\])]*)[\])]", value)}
    words = value.split(" ")
    if len(words) == 2:  # "CAT9K_IOSXE 16.6.7", "FSOS 6.2": an image or product name first
        found.add(words[1])
    found |= {v.split(",")[0] for v in found}  # "v6.4.9,build1966,220421": build after a comma
    # composites: "AOS v6.8.2 / App v6.8.0", "Software 3.3.0.16, Bootldr 3.2.1.22": any part's
    # version word; "2.10.540 STD": a trailing tag
    for part in re.split(r"\s*(?:/|,)\s+", value):
        words = [w.strip("()[]{},.;:") for w in part.split(" ")]  # "(NT 6.1)", "1.0.25.41."
        found |= {w for w in words if re.match(r"v?\d", w)}
    found |= {v[1:] for v in found if re.match(r"v\d", v)}  # "v8.6.07" == "8.6.07"
    return {v.strip() for v in found if v.strip()}


def version_agrees(ours: str | None, expected: str) -> bool:
    if not ours:
        return False
    return bool(_variants(ours) & _variants(expected))


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", norm(text))


def _product_ids(text: str) -> set[str]:
    """Tokens that look like a product id (letters and digits), without separators."""
    tokens = {_alnum(t) for t in re.split(r"[\s,;()\[\]/]+", text)}
    return {t for t in tokens if len(t) >= 3 and re.search(r"\d", t) and re.search(r"[a-z]", t)}


def hardware_agrees(ours: str | None, expected: str) -> bool:
    """Equal, or one contains the other (or the other's product id); case, separators ignored."""
    if not ours:
        return False
    a, b = _alnum(ours), _alnum(expected)
    if a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)):
        return True
    return any(p in b for p in _product_ids(ours)) or any(p in a for p in _product_ids(expected))


# LibreNMS writes the kernel's architecture (or the CPU, or uname) as hardware for hosts it knows
# no model of ("Generic x86 64-bit", "amd64", "AMD x64", "x86_64 Intel(R) Core(TM) ...",
# "Linux 3.18.44 #1 ... armv6l"): a placeholder, not a model, so it is not counted.
PLACEHOLDER_HARDWARE = re.compile(
    r"^(?:Generic\b|(?:amd64|x86_64|i[3-6]86|aarch64|armv\w+)\b|(?:AMD|Intel) x(?:64|86)$"
    r"|Linux\s+(?:\S+\s+)?\d+\.\d+\S*\s+#\d)"
)


def serial_agrees(ours: str | None, expected: str) -> bool:
    return bool(ours) and norm(ours) == norm(expected)


# SNMPv2-MIB::snmpSetSerialNo.0 is RFC 3418's TestAndIncr spin lock for SET coordination: the agent
# picks a random integer at start. Where LibreNMS's expected serial is that value, the expectation
# is not a serial number at all, so it is not counted (and shown apart in the report).
SPIN_LOCK = (1, 3, 6, 1, 6, 3, 1, 1, 6, 1)


def is_spin_lock(recording: Path, expected: str) -> bool:
    view = read_snmprec(recording, subtrees=(SPIN_LOCK,))
    return view.text((*SPIN_LOCK, 0)) == expected.strip()


@dataclass
class Tally:
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, name: str, ok: bool) -> None:
        self.counts[name][0] += ok
        self.counts[name][1] += 1

    def ratio(self, name: str) -> float:
        good, total = self.counts[name]
        return good / total if total else 1.0


@dataclass
class Measure:
    overall: Tally = field(default_factory=Tally)
    families: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[str] = field(default_factory=list)
    not_serials: list[str] = field(default_factory=list)  # expected "serials" that are spin locks


def _family_of(record: DeviceRecord, librenms_os: str) -> str:
    return record.os.family or (record.vendor or f"({librenms_os})").lower()


FIELDS = ("version", "hardware", "serial")


def counted(doc: dict[str, Any], recording: Path) -> dict[str, str]:
    """The expected values that count: stated, not a placeholder model, not a spin lock."""
    found: dict[str, str] = {}
    for name in FIELDS:
        want = doc["expected"].get(name)
        if not want or not str(want).strip():
            continue
        if name == "hardware" and PLACEHOLDER_HARDWARE.match(str(want)):
            continue
        if name == "serial" and is_spin_lock(recording, str(want)):
            continue
        found[name] = str(want)
    return found


def agreement(record: DeviceRecord, name: str, want: str) -> bool:
    ours = {"version": record.os.version, "hardware": record.model, "serial": record.serial}
    check = {"version": version_agrees, "hardware": hardware_agrees, "serial": serial_agrees}
    return check[name](ours[name], want)


def measure(data: Path, expected_dir: Path) -> Measure:
    result = Measure()
    for path in sorted(expected_dir.glob("*.json")):
        doc: dict[str, Any] = json.loads(path.read_text())
        recording = data / f"{path.stem}.snmprec"
        record = replay_snmp(recording)
        family = _family_of(record, doc.get("librenms_os", "?"))
        wanted = counted(doc, recording)
        if doc["expected"].get("serial") and "serial" not in wanted:
            result.not_serials.append(path.stem)
        for name, want in wanted.items():
            ok = agreement(record, name, want)
            result.overall.add(name, ok)
            result.families[family].add(name, ok)
            if not ok:
                ours = {"version": record.os.version, "hardware": record.model}.get(
                    name, record.serial
                )
                result.misses.append(f"{path.stem}\t{name}\tours={ours!r}\twant={want!r}")
    return result


def table(result: Measure) -> str:
    lines = [f"{'family':<22}{'version':>12}{'hardware':>12}{'serial':>12}"]

    def cell(tally: Tally, name: str) -> str:
        good, total = tally.counts.get(name, [0, 0])
        return f"{good}/{total}" if total else "-"

    for family in sorted(result.families, key=lambda f: (-sum(t for _, t in
                         result.families[f].counts.values()), f)):  # fmt: skip
        tally = result.families[family]
        lines.append(
            f"{family:<22}{cell(tally, 'version'):>12}{cell(tally, 'hardware'):>12}"
            f"{cell(tally, 'serial'):>12}"
        )
    lines.append(
        f"{'TOTAL':<22}"
        + "".join(
            f"{cell(result.overall, n) + f' {result.overall.ratio(n):.0%}':>12}"
            for n in ("version", "hardware", "serial")
        )
    )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def mibs() -> Iterator[None]:
    directory = require(shared_root() / "mibs", "vendor registration MIBs")
    set_mib_dirs([directory])
    yield
    set_mib_dirs(None)


def _snmp_corpus() -> Path:
    return require(corpus_dir() / "snmp", "SNMP corpus (LibreNMS, GPL: not copied)")


def test_accuracy_meets_targets(mibs: None, capsys: pytest.CaptureFixture[str]) -> None:
    root = _snmp_corpus()
    result = measure(root / "data", root / "expected")
    report = os.environ.get("NETSBOM_ACCURACY_REPORT")
    if report:
        Path(report).write_text(table(result) + "\n\n" + "\n".join(result.misses) + "\n")
    good, total = result.overall.counts["serial"]
    spin = len(result.not_serials)
    with capsys.disabled():
        print("\nSNMP corpus accuracy per vendor family (agree/expected):\n" + table(result))
        print(
            f"serial: {spin} expected value(s) are snmpSetSerialNo spin locks, not counted "
            f"({', '.join(result.not_serials)}); counting them as misses: "
            f"{good}/{total + spin} = {good / (total + spin):.1%}"
        )
    for name, target in TARGETS.items():
        assert result.overall.ratio(name) >= target, (name, table(result))


def _descr_names(family: str | None, descr: str) -> bool:
    """Some OS rule of ``family`` finds its sysDescr pattern in ``descr``: the text names it."""
    return any(
        re.search(pattern, descr)
        for loaded in knowledge_base().files
        for rule in loaded.data.os
        if rule.family == family
        for pattern in rule.descr
    )


def test_osdetect_family_agreement(mibs: None, capsys: pytest.CaptureFixture[str]) -> None:
    """LibreNMS's OS-detection label against our family. A label the sysDescr contradicts (the
    text names our family by its rule and not the label's: LibreNMS's "timos" files of an
    OmniSwitch, "Alcatel-Lucent OS6850-U24X 6.4.3.520.R01", under Nokia's 6527.6 line) is
    shown apart, not counted."""
    root = require(corpus_dir() / "snmp-osdetect", "osdetect corpus (LibreNMS, GPL: not copied)")
    agreed = total = 0
    contradicted: list[str] = []
    for path in sorted((root / "expected").glob("*.json")):
        want = LIBRENMS_FAMILIES.get(json.loads(path.read_text())["expected"]["os"])
        record = replay_snmp(root / "data" / f"{path.stem}.snmprec")
        assert all(e.kind in ERROR_KINDS for e in record.errors)
        if want is None:
            continue
        descr = record.description or ""
        ours = record.os.family
        if ours != want and _descr_names(ours, descr) and not _descr_names(want, descr):
            contradicted.append(f"{path.stem} ({want} -> {ours})")
            continue
        total += 1
        agreed += ours == want
    with capsys.disabled():
        print(f"\nsnmp-osdetect: os family agrees for {agreed}/{total} known-family recordings")
        print(f"labels the sysDescr contradicts: {', '.join(contradicted) or 'none'}")
    # 8/9: the miss is a Cisco Global Site Selector (a Linux appliance) LibreNMS files as IOS
    assert total and agreed >= total * 0.85
    assert len(contradicted) <= 5, contradicted  # a label the text contradicts is rare


def _all_recordings() -> Iterator[Path]:
    for folder in ("snmp/data", "snmp-osdetect/data", "snmp-unlabelled"):
        root = corpus_dir() / folder
        for path in sorted(root.rglob("*")):
            if path.name.endswith((".snmprec", ".snmprec.bz2")):
                yield path


UNLABELLED_SMALL = 80_000  # compressed bytes; NETSBOM_CORPUS_FULL=1 replays the big ones too


def test_every_recording_gives_a_record(mibs: None) -> None:
    full = os.environ.get("NETSBOM_CORPUS_FULL") == "1"
    seen = 0
    for path in _all_recordings():
        if not full and "snmp-unlabelled" in path.parts and path.stat().st_size > UNLABELLED_SMALL:
            continue
        record = replay_snmp(path)
        seen += 1
        assert record.target.id
        assert all(e.kind in ERROR_KINDS for e in record.errors), path
    if not seen:
        missing(f"no corpus recordings under {corpus_dir()}")


@pytest.mark.parametrize(
    "ours,expected,agrees",
    [
        ("V200R010C00SPC600", "5.170 (V200R010C00SPC600) [unlocked]", True),
        ("16.6.7", "CAT9K_IOSXE 16.6.7", True),
        ("15.0(2a)EX5", "15.0(2a)EX5", True),
        ("6.4.9", "v6.4.9,build1966,220421 (GA)", True),
        ("7.2.6", "v6.4.9,build1966,220421 (GA)", False),
        ("5.3.4", "5.3.4[Default]", True),
        ("6.1", "Server 2008 R2 SP1 (NT 6.1)", True),
        ("1.0.25.41", "1.0.25.41.", True),
        ("6.2", "Server 2008 R2 SP1 (NT 6.1)", False),
    ],
)
def test_version_comparison(ours: str, expected: str, agrees: bool) -> None:
    assert version_agrees(ours, expected) is agrees


@pytest.mark.parametrize(
    "ours,expected,agrees",
    [
        ("QFX5100-48S-6Q", "Juniper QFX5100-48S-6Q Switch", True),
        ("MX80", "Juniper MX80", True),
        ("MX", "Juniper MX80", False),
        ("S4128F-ON", "s4128Fon", True),
        ("FGT_100E", "FortiGate 100E", True),
        ("SG350X-24P-K9", "SG350X-24P V04", True),
        ("JL635A", "Aruba 8325-48Y8C 48p 25G 8p 100G Swch", False),
    ],
)
def test_hardware_comparison(ours: str, expected: str, agrees: bool) -> None:
    assert hardware_agrees(ours, expected) is agrees
