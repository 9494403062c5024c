"""Shared fixtures: record factories, the corpus location, store URLs for SQLite and PostgreSQL,
and the real programs (tests/harness: Net-SNMP, OpenSSH, the lldpd lab)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from netsbom.core.record import (
    Component,
    DeviceRecord,
    Identifiers,
    Neighbor,
    OsInfo,
    Provenance,
    Software,
    Target,
)
from tests.harness.fixtures import lldp_network, net_snmp, openssh_server  # noqa: F401 (fixtures)
from tests.harness.programs import unavailable as missing  # skip here, fail in CI

REPO = Path(__file__).resolve().parent.parent
LAB_DATA = REPO / "lab" / "src" / "netsbom" / "lab" / "data"  # the packaged lab
DATA = REPO / "tests" / "data"  # public data copied with its licence (tests/data/README.md)
VULN_DATA = DATA / "vuln"  # KEV, EPSS, vendor CVE records, NVD records
SPDX3_SCHEMAS = DATA / "schemas" / "spdx-3.0.1"  # schema.json, spdx-model.ttl, spdx-context.jsonld
REAL_DATA = DATA / "real"  # recordings of real programs (SOURCE.md there)
POSTGRES_ADMIN_URL = os.environ.get(
    "NETSBOM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def shared_root() -> Path:
    """../shared (``NETSBOM_SHARED``): data that cannot be copied here (GPL recordings, MIBs)."""
    return Path(os.environ.get("NETSBOM_SHARED", REPO.parent / "shared"))


def corpus_dir() -> Path:
    return Path(os.environ.get("NETSBOM_CORPUS", shared_root() / "corpus"))


def require(path: Path, what: str) -> Path:
    """``path`` if it exists, else :func:`missing` naming ``what`` and where it was looked for."""
    if not path.exists():
        missing(f"{what} not found at {path} (set NETSBOM_SHARED / NETSBOM_CORPUS)")
    return path


def lab_store(tmp_path: Path, *names: str) -> str:
    """A SQLite store in ``tmp_path`` holding :func:`make_record` devices (default edge1, edge2)
    of network ``lab``; its URL."""
    from netsbom.collector.store import open_store

    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    store.write([make_record(name) for name in names or ("edge1", "edge2")])
    store.close()
    return url


def make_record(
    name: str = "edge1",
    *,
    report_id: str | None = None,
    collected_at: str = "2026-11-20T10:00:00Z",
    version: str = "17.9.4a",
    network: str = "lab",
    neighbors: tuple[Neighbor, ...] = (),
    complete: bool = True,
    agent_id: str = "lab-agent",
) -> DeviceRecord:
    return DeviceRecord(
        target=Target(name, "127.0.1.1", 161, "snmp", (("network", network), ("site", "par1"))),
        agent_id=agent_id,
        collected_at=collected_at,
        report_id=report_id or str(uuid.uuid4()),
        hostname=name,
        vendor="Cisco",
        model="C9300-48P",
        serial="FOC2233X0AB",
        chassis_id="00:1b:54:aa:01:01",
        os=OsInfo(family="ios-xe", version=version, name="Cisco IOS XE"),
        components=(
            Component(
                index="1",
                cls="chassis",
                name="Switch 1",
                model="C9300-48P",
                serial="FOC2233X0AB",
                hardware_rev="V02",
                is_fru=False,
            ),
            Component(
                index="2",
                parent="1",
                cls="module",
                name="Switch 1 FRU Uplink Module 1",
                model="C9300-NM-8X",
                serial="FOC2234Y1CD",
                firmware_rev="17.9.4a",
                is_fru=True,
            ),
        ),
        software=(Software(name="rpbase", version="17.9.4a", kind="image", source="ios-xe"),),
        neighbors=neighbors,
        identifiers=Identifiers(os_cpe=f"cpe:2.3:o:cisco:ios_xe:{version}:*:*:*:*:*:*:*"),
        provenance=(Provenance("os.version", "snmp", "1.3.6.1.2.1.1.1.0"),),
        complete=complete,
    )


@pytest.fixture
def record_factory():  # type: ignore[no-untyped-def]
    return make_record


def _postgres_available() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=2
        ).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (CI requires the server)."""
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 127.0.0.1:5432 is required in CI")
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is not reachable")
    import psycopg

    name = f"netsbom_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL per backend; PostgreSQL tables are emptied between tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    from sqlalchemy import create_engine, text

    from netsbom.collector.store.schema import metadata

    engine = create_engine(url)
    with engine.begin() as connection:
        metadata.drop_all(connection)  # every table of the schema, whichever migration made it
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@contextlib.contextmanager
def tmpfs(mount: Path, options: str) -> Iterator[Path]:
    """A tmpfs of our own at ``mount`` (e.g. ``size=64k``, ``ro``): a full or read-only file
    system that even root cannot write past. Mounting needs root (CI runs as root)."""
    if os.geteuid() != 0:
        missing("mounting a small or read-only file system needs root")
    mount.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)
