"""Load a feeds directory: ``nvd/``, ``cve/``, ``kev.json``, ``epss.csv`` (all optional).

Nothing is fetched here. A malformed file never stops the load: when its CVE id is known (from
the file name or content) that CVE carries a problem and is assessed as undecidable; otherwise
the problem is listed in :attr:`Feeds.problems`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsbom.vuln.errors import VulnError

log = logging.getLogger(__name__)

CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class KevEntry:
    cve: str
    date_added: str | None
    due_date: str | None
    ransomware: str | None
    vendor: str | None
    product: str | None


@dataclass(frozen=True, slots=True)
class Epss:
    score: float
    percentile: float | None


@dataclass(slots=True)
class CveData:
    """What the feeds say about one CVE; the raw JSON pieces stay as the feeds wrote them."""

    id: str
    nvd_configurations: list[Any] | None = None  # None: no NVD record; []: NVD has no analysis
    nvd_status: str | None = None
    nvd_source: str | None = None  # sourceIdentifier (the CNA's e-mail / uuid)
    cna_vendor_names: list[str] = field(default_factory=list)
    cna_affected: list[Mapping[str, Any]] | None = None  # None: no CVE JSON 5 record
    assigner: str | None = None
    description: str = ""  # the CNA's English description (hardware it names limits the CVE)
    rejected: bool = False  # the CNA rejected (withdrew) the CVE
    adp_affected: list[Mapping[str, Any]] = field(default_factory=list)
    ssvc: dict[str, str] = field(default_factory=dict)  # Exploitation, Automatable, ...
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Feeds:
    cves: dict[str, CveData] = field(default_factory=dict)
    kev: dict[str, KevEntry] = field(default_factory=dict)
    epss: dict[str, Epss] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    read: dict[str, FeedRead] = field(default_factory=dict)  # feed name -> what was read of it

    def cve(self, cve_id: str) -> CveData:
        key = cve_id.upper()
        if key not in self.cves:
            self.cves[key] = CveData(key)
        return self.cves[key]

    def sources(self) -> tuple[tuple[str, str], ...]:
        """Each feed read and its date, as a VEX states them: (``kev``, ``1,404 KEV entries,
        version 2025.08.25, released 2025-08-25T17:04:19Z``), (``cve``, ``1,296 CVE JSON 5
        records, newest update 2024-10-24T...``), (``nvd``, ...), (``epss``, ``... scores of
        2026-08-22``)."""
        out = []
        for name, (what, dated) in _FEED_WORDS.items():
            read = self.read.get(name)
            if read is None:
                continue
            parts = [f"{read.count:,} {what}"]
            if read.version:
                parts.append(f"version {read.version}")
            if read.date:
                parts.append(f"{dated} {read.date}")
            out.append((name, ", ".join(parts)))
        return tuple(out)

    def _note(self, feed: str, updated: Any) -> None:
        """One more record of ``feed`` read, last updated at ``updated`` (ISO 8601 text)."""
        read = self.read.setdefault(feed, FeedRead())
        read.count += 1
        if isinstance(updated, str) and updated > (read.date or ""):
            read.date = updated


@dataclass(slots=True)
class FeedRead:
    count: int = 0
    version: str | None = None  # KEV catalogVersion, EPSS model_version
    date: str | None = None  # newest record update, KEV release, EPSS score date


# feed -> (what its records are, what its date is)
_FEED_WORDS = {
    "cve": ("CVE JSON 5 records", "newest update"),
    "nvd": ("NVD records", "newest update"),
    "kev": ("KEV entries", "released"),
    "epss": ("EPSS scores", "scores of"),
}


def load_feeds(directory: Path) -> Feeds:
    """The feeds of ``directory``; VulnError when it is missing or holds no CVE record that can
    be assessed against (an empty folder, a failed download, only KEV/EPSS): a VEX or a report
    built from nothing would look clean."""
    if not directory.is_dir():
        raise VulnError(f"feeds directory {directory} does not exist")
    feeds = Feeds()
    for path in _json_files(directory / "nvd"):
        _load_nvd_file(feeds, path)
    for path in _json_files(directory / "cve"):
        _load_cve_file(feeds, path)
    if (directory / "kev.json").is_file():
        _load_kev(feeds, directory / "kev.json")
    for name in ("epss.csv", "epss.csv.gz"):
        if (directory / name).is_file():
            _load_epss(feeds, directory / name)
    if not any(c.nvd_configurations is not None or c.cna_affected is not None
               for c in feeds.cves.values()):  # fmt: skip
        raise VulnError(
            f"feeds {directory} hold no usable CVE data: no readable NVD record in nvd/ nor"
            " CVE JSON 5 record in cve/ (kev.json and epss.csv only rank CVEs); fetch records"
            " with `netsbom vuln fetch --cve ID` or mirror them there"
        )
    return feeds


def _json_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name.endswith((".json", ".json.gz")):
                yield path


def _read_json(path: Path) -> Any:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return json.loads(raw)


def _broken(feeds: Feeds, path: Path, why: str) -> None:
    match = CVE_ID.search(path.name)
    message = f"{path.name}: {why}"
    if match:
        feeds.cve(match.group(0)).problems.append(message)
    else:
        feeds.problems.append(message)
    log.warning("feed file not usable: %s", message)


def _load_nvd_file(feeds: Feeds, path: Path) -> None:
    try:
        data = _read_json(path)
    except (OSError, ValueError, EOFError) as exc:
        _broken(feeds, path, f"not JSON ({exc})")
        return
    if isinstance(data, dict) and isinstance(data.get("vulnerabilities"), list):
        items = [v.get("cve", v) if isinstance(v, dict) else v for v in data["vulnerabilities"]]
    elif isinstance(data, dict) and "id" in data:
        items = [data]
    elif isinstance(data, dict) and isinstance(data.get("cve"), dict):
        items = [data["cve"]]
    else:
        return  # MANIFEST.json and other companions
    for item in items:
        _add_nvd(feeds, path, item)


def _add_nvd(feeds: Feeds, path: Path, item: Any) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        _broken(feeds, path, "NVD entry without an id")
        return
    cve = feeds.cve(item["id"])
    configurations = item.get("configurations", [])
    if not isinstance(configurations, list) or not all(
        isinstance(c, dict) and isinstance(c.get("nodes"), list) for c in configurations
    ):
        cve.problems.append(f"{path.name}: NVD configurations are malformed")
        return
    cve.nvd_configurations = configurations
    cve.nvd_status = item.get("vulnStatus")
    cve.nvd_source = item.get("sourceIdentifier")
    feeds._note("nvd", item.get("lastModified"))


def _load_cve_file(feeds: Feeds, path: Path) -> None:
    try:
        data = _read_json(path)
    except (OSError, ValueError, EOFError) as exc:
        _broken(feeds, path, f"not JSON ({exc})")
        return
    if not isinstance(data, dict) or not isinstance(data.get("containers"), dict):
        if isinstance(data, dict) and "cveMetadata" in data:
            _broken(feeds, path, "CVE record without containers")
        return
    meta = data.get("cveMetadata") or {}
    cve_id = meta.get("cveId") if isinstance(meta, dict) else None
    if not isinstance(cve_id, str):
        _broken(feeds, path, "CVE record without cveMetadata.cveId")
        return
    cve = feeds.cve(cve_id)
    feeds._note("cve", meta.get("dateUpdated"))
    cve.assigner = meta.get("assignerShortName")
    cve.rejected = str(meta.get("state") or "").upper() == "REJECTED"
    containers = data["containers"]
    cna = containers.get("cna")
    if isinstance(cna, dict):
        affected = cna.get("affected", [])
        if isinstance(affected, list) and all(isinstance(a, dict) for a in affected):
            cve.cna_affected = affected
            cve.cna_vendor_names = sorted({str(a.get("vendor") or "") for a in affected} - {""})
        else:
            cve.problems.append(f"{path.name}: CNA affected is malformed")
        cve.description = _english(cna.get("descriptions"))
    for adp in containers.get("adp") or ():
        if isinstance(adp, dict):
            _read_adp(cve, adp)


def _english(descriptions: Any) -> str:
    texts = [
        str(d.get("value") or "")
        for d in descriptions or ()
        if isinstance(d, dict) and str(d.get("lang") or "en").lower().startswith("en")
    ]
    return texts[0] if texts else ""


def _read_adp(cve: CveData, adp: Mapping[str, Any]) -> None:
    for affected in adp.get("affected") or ():
        if isinstance(affected, dict):
            cve.adp_affected.append(affected)
    for metric in adp.get("metrics") or ():
        other = metric.get("other") if isinstance(metric, dict) else None
        if not isinstance(other, dict) or other.get("type") != "ssvc":
            continue
        content = other.get("content") or {}
        for option in content.get("options") or ():
            if isinstance(option, dict):
                for key, value in option.items():
                    cve.ssvc[str(key)] = str(value).lower()


def _load_kev(feeds: Feeds, path: Path) -> None:
    try:
        data = _read_json(path)
        entries = data["vulnerabilities"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        feeds.problems.append(f"{path.name}: not a KEV catalog ({exc})")
        return
    feeds.read["kev"] = FeedRead(
        len(entries) if isinstance(entries, list) else 0,
        data.get("catalogVersion"),
        data.get("dateReleased"),
    )
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("cveID"), str):
            cve_id = entry["cveID"].upper()
            feeds.kev[cve_id] = KevEntry(
                cve=cve_id,
                date_added=entry.get("dateAdded"),
                due_date=entry.get("dueDate"),
                ransomware=entry.get("knownRansomwareCampaignUse"),
                vendor=entry.get("vendorProject"),
                product=entry.get("product"),
            )


def _load_epss(feeds: Feeds, path: Path) -> None:
    try:
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")
    except (OSError, ValueError, EOFError) as exc:
        feeds.problems.append(f"{path.name}: unreadable ({exc})")
        return
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    header = next((line for line in text.splitlines() if line.startswith("#")), "")
    stated = dict(
        part.split(":", 1) for part in header.lstrip("#").split(" ")[0].split(",") if ":" in part
    )  # FIRST's first line: #model_version:v2025.03.14,score_date:2026-08-22T00:00:00+0000
    feeds.read["epss"] = FeedRead(
        max(len(lines) - 1, 0), stated.get("model_version"), stated.get("score_date")
    )
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        try:
            cve_id = row["cve"].strip().upper()
            score = float(row["epss"])
            percentile = float(row["percentile"]) if row.get("percentile") else None
        except (KeyError, ValueError, AttributeError, TypeError):
            feeds.problems.append(f"{path.name}: bad row {row!r}")
            continue
        feeds.epss[cve_id] = Epss(score, percentile)
