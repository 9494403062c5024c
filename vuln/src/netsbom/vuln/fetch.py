"""Download the feeds where a network exists: ``kev.json``, ``epss.csv``, and the CVE JSON 5 and
NVD records of chosen CVEs. Never used by the assessment itself nor by tests (standard library
only; every URL can be overridden).

All or nothing: every file is downloaded and checked first, then written to a staging folder
beside the feeds folder, which becomes the feeds folder (a rename) when there was none, or whose
files replace theirs one rename each. A failed download leaves the feeds folder as it was.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from netsbom.vuln.errors import VulnError
from netsbom.vuln.feeds import CVE_ID

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
    wanted = [cve.upper() for cve in cves]
    for cve in wanted:
        if not CVE_ID.fullmatch(cve):
            raise VulnError(f"--cve {cve!r} is not a CVE id (CVE-YYYY-NNNN)")
    files: dict[str, bytes] = {"kev.json": _json(get(KEV_URL), "the KEV catalog")}
    epss = get(EPSS_URL)
    try:
        files["epss.csv"] = gzip.decompress(epss) if epss[:2] == b"\x1f\x8b" else epss
    except (OSError, EOFError) as exc:
        raise VulnError(f"the EPSS download is not gzip: {exc}") from None
    for cve in wanted:
        for folder, url in (("cve", CVE_URL), ("nvd", NVD_URL)):
            files[f"{folder}/{cve}.json"] = _json(get(url.format(cve=cve)), f"{folder} {cve}")
    _install(directory, files)
    for name, data in files.items():
        echo(f"{name}: {len(data)} bytes")
    if not wanted:
        echo("no CVE records fetched (--cve ID): vuln commands need some to assess against")


def _json(data: bytes, what: str) -> bytes:
    try:
        json.loads(data)
    except ValueError as exc:
        raise VulnError(f"{what} is not JSON: {exc}") from None
    return data


def _install(directory: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative name -> bytes) into ``directory`` all at once or not at all."""
    staging = directory.with_name(f".{directory.name}.fetch-{os.getpid()}")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if not directory.exists():
            staging.rename(directory)
            return
        for name in files:
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, directory / name)
    except OSError as exc:
        raise VulnError(f"cannot write the feeds into {directory}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
