"""Download the feeds where a network exists: ``kev.json``, ``epss.csv``, and the CVE JSON 5 and
NVD records of chosen CVEs. Never used by the assessment itself nor by tests (standard library
only; every URL can be overridden)."""

from __future__ import annotations

import gzip
import json
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from netsbom.vuln.errors import VulnError

KEV_URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
EPSS_URL = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
CVE_URL = "https://cveawg.mitre.org/api/cve/{cve}"
NVD_URL = "https://services.nvd.nist.gov/rest/json/cves/2.0?cveId={cve}"


def _get(url: str, timeout: float = 60.0) -> bytes:
    if not url.startswith("https://"):
        raise VulnError(f"refusing non-HTTPS feed URL {url}")
    headers = {"User-Agent": "netsbom-vuln-fetch"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (https only, above)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data: bytes = response.read()
            return data
    except OSError as exc:
        raise VulnError(f"download of {url} failed: {exc}") from exc


def fetch_feeds(
    directory: Path,
    cves: Iterable[str] = (),
    *,
    echo: Callable[[str], None] = print,
    get: Callable[[str], bytes] = _get,
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    kev = get(KEV_URL)
    json.loads(kev)  # refuse to store something that is not JSON
    (directory / "kev.json").write_bytes(kev)
    echo(f"kev.json: {len(kev)} bytes")
    epss = get(EPSS_URL)
    text = gzip.decompress(epss) if epss[:2] == b"\x1f\x8b" else epss
    (directory / "epss.csv").write_bytes(text)
    echo(f"epss.csv: {len(text)} bytes")
    for cve in cves:
        for folder, url in (("cve", CVE_URL), ("nvd", NVD_URL)):
            data = get(url.format(cve=cve))
            json.loads(data)
            (directory / folder).mkdir(exist_ok=True)
            (directory / folder / f"{cve}.json").write_bytes(data)
            echo(f"{folder}/{cve}.json: {len(data)} bytes")
