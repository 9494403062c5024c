"""The real collector (grpc.aio on 127.0.0.1:0) and the real publisher over loopback."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from netsbom.agent.credentials import Secret
from netsbom.agent.publish import ClientTls, Publisher, PublishError
from netsbom.agent.spool import Spool, SpooledReport
from netsbom.collector.auth import add_agent, load_tokens
from netsbom.collector.server import CollectorConfig, TlsFiles, start_collector
from netsbom.collector.store import Store
from netsbom.core.errors import ConfigError
from netsbom.core.record import DeviceRecord
from netsbom.proto.convert import to_report
from tests.conftest import make_record

pytestmark = pytest.mark.integration


@pytest.fixture
def token(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "tokens.yaml"
    return path, add_agent(path, "lab-agent")


def spooled(spool: Spool, *records: DeviceRecord) -> list[SpooledReport]:
    items = []
    for record in records:
        data = to_report(record).SerializeToString()
        items.append(SpooledReport(record.report_id, spool.put(record.report_id, data), data))
    return items


async def send(
    address: str,
    spool: Spool,
    secret: str | None,
    records: list[DeviceRecord],
    tls: ClientTls | None = None,
    give_up_after: float = 5,
) -> Publisher:
    publisher = Publisher(
        address,
        spool,
        token=Secret("test", secret) if secret else None,
        tls=tls,
        backoff=(0.05, 0.2),
    )
    for item in spooled(spool, *records):
        publisher.offer(item)
    publisher.close()
    await publisher.run(give_up_after=give_up_after)
    return publisher


async def test_reports_are_stored_once_and_spool_emptied(
    store: Store, token: tuple[Path, str], tmp_path: Path
) -> None:
    collector = await start_collector(
        store, CollectorConfig("127.0.0.1:0", auth=load_tokens(token[0]))
    )
    try:
        records = [make_record(f"dev{i}") for i in range(40)]
        spool = Spool(tmp_path / "spool")
        publisher = await send(f"127.0.0.1:{collector.port}", spool, token[1], records)
        assert publisher.stats.stored == 40
        assert spool.pending() == []
        # the same reports again (an agent that crashed before deleting its spool files)
        again = await send(f"127.0.0.1:{collector.port}", spool, token[1], records[:10])
        assert (again.stats.stored, again.stats.duplicates) == (0, 10)
        assert store.count() == 40
        assert {r.report_id for r in store.latest(network="lab")} == {r.report_id for r in records}
    finally:
        await collector.stop(0)


@pytest.mark.parametrize("secret", [None, "nsb_wrong"])
async def test_calls_without_a_valid_token_are_unauthenticated(
    store: Store, token: tuple[Path, str], tmp_path: Path, secret: str | None
) -> None:
    collector = await start_collector(
        store, CollectorConfig("127.0.0.1:0", auth=load_tokens(token[0]))
    )
    try:
        spool = Spool(tmp_path / "spool")
        with pytest.raises(PublishError, match="invalid agent token"):
            await send(f"127.0.0.1:{collector.port}", spool, secret, [make_record()])
        assert store.count() == 0
        assert len(spool.pending()) == 1  # kept for a later run with the right token
    finally:
        await collector.stop(0)


async def test_an_agent_cannot_report_as_another(
    store: Store, token: tuple[Path, str], tmp_path: Path
) -> None:
    collector = await start_collector(
        store, CollectorConfig("127.0.0.1:0", auth=load_tokens(token[0]))
    )
    try:
        spool = Spool(tmp_path / "spool")
        publisher = await send(
            f"127.0.0.1:{collector.port}",
            spool,
            token[1],
            [make_record(agent_id="someone-else"), make_record()],
        )
        assert (publisher.stats.stored, publisher.stats.rejected) == (1, 1)
        assert len(list((tmp_path / "spool" / "rejected").iterdir())) == 1
    finally:
        await collector.stop(0)


async def test_collector_down_then_up_loses_nothing(
    store: Store, token: tuple[Path, str], tmp_path: Path
) -> None:
    port = _free_port()
    spool = Spool(tmp_path / "spool")
    records = [make_record(f"dev{i}") for i in range(5)]
    first = await send(f"127.0.0.1:{port}", spool, token[1], records, give_up_after=0.3)
    assert first.stats.stored == 0 and first.stats.reconnects >= 1
    assert len(spool.pending()) == 5
    config = CollectorConfig(f"127.0.0.1:{port}", auth=load_tokens(token[0]))
    collector = await start_collector(store, config)
    try:
        publisher = Publisher(f"127.0.0.1:{port}", spool, token=Secret("t", token[1]))
        publisher.close()
        stats = await publisher.run(give_up_after=5)
        assert stats.stored == 5
        assert spool.pending() == []
        assert store.count() == 5
    finally:
        await collector.stop(0)


async def test_health_service_reports_serving(store: Store) -> None:
    collector = await start_collector(store, CollectorConfig("127.0.0.1:0", allow_no_auth=True))
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{collector.port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            for service in ("", "netsbom.v1.Collector"):
                reply = await stub.Check(health_pb2.HealthCheckRequest(service=service))
                assert reply.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        await collector.stop(0)


async def test_tls_with_token(store: Store, token: tuple[Path, str], tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    config = CollectorConfig("127.0.0.1:0", tls=TlsFiles(cert, key), auth=load_tokens(token[0]))
    collector = await start_collector(store, config)
    try:
        spool = Spool(tmp_path / "spool")
        address = f"localhost:{collector.port}"
        publisher = await send(address, spool, token[1], [make_record()], tls=ClientTls(ca=cert))
        assert publisher.stats.stored == 1
        # plaintext against a TLS port never gets an ack
        plain = await send(
            address, Spool(tmp_path / "s2"), token[1], [make_record()], give_up_after=0.3
        )
        assert plain.stats.stored == 0
    finally:
        await collector.stop(0)


def test_plaintext_and_missing_auth_are_refused_off_loopback() -> None:
    with pytest.raises(ConfigError, match="refusing plaintext"):
        CollectorConfig("0.0.0.0:50051", allow_no_auth=True).check()
    CollectorConfig("0.0.0.0:50051", allow_no_auth=True, allow_plaintext=True).check()
    with pytest.raises(ConfigError, match="no agent authentication"):
        CollectorConfig("127.0.0.1:50051").check()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _pki(directory: Path) -> dict[str, Path]:
    """A CA, a server certificate for localhost and client certificates for two agents."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "netsbom test CA")])
    now = dt.datetime.now(dt.UTC)

    def issue(
        common_name: str,
        key: ec.EllipticCurvePrivateKey,
        *,
        ca: bool = False,
        san: str | None = None,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
                if not ca
                else ca_name
            )
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if san:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False
            )
        return builder.sign(ca_key, hashes.SHA256())

    files: dict[str, Path] = {}

    def write(name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        files[f"{name}.crt"] = directory / f"{name}.crt"
        files[f"{name}.key"] = directory / f"{name}.key"
        files[f"{name}.crt"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        files[f"{name}.key"].write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    write("ca", issue("ca", ca_key, ca=True), ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    write("server", issue("localhost", server_key, san="localhost"), server_key)
    for agent in ("lab-agent", "other-agent"):
        key = ec.generate_private_key(ec.SECP256R1())
        write(agent, issue(agent, key), key)
    return files


async def test_mtls_identifies_the_agent_by_certificate(store: Store, tmp_path: Path) -> None:
    pki = _pki(tmp_path)
    tls = TlsFiles(pki["server.crt"], pki["server.key"], client_ca=pki["ca.crt"])
    collector = await start_collector(store, CollectorConfig("127.0.0.1:0", tls=tls))
    address = f"localhost:{collector.port}"
    try:
        as_lab = ClientTls(ca=pki["ca.crt"], cert=pki["lab-agent.crt"], key=pki["lab-agent.key"])
        ok = await send(address, Spool(tmp_path / "s1"), None, [make_record()], tls=as_lab)
        assert ok.stats.stored == 1
        # a certified agent can only report under its own id
        as_other = ClientTls(
            ca=pki["ca.crt"], cert=pki["other-agent.crt"], key=pki["other-agent.key"]
        )
        other = await send(address, Spool(tmp_path / "s2"), None, [make_record()], tls=as_other)
        assert (other.stats.stored, other.stats.rejected) == (0, 1)
        # no client certificate: the handshake fails, nothing is stored
        anonymous = await send(
            address,
            Spool(tmp_path / "s3"),
            None,
            [make_record()],
            tls=ClientTls(ca=pki["ca.crt"]),
            give_up_after=0.3,
        )
        assert anonymous.stats.stored == 0
        assert store.count() == 1
    finally:
        await collector.stop(0)


async def test_token_and_certificate_must_agree(
    store: Store, token: tuple[Path, str], tmp_path: Path
) -> None:
    pki = _pki(tmp_path)
    tls = TlsFiles(pki["server.crt"], pki["server.key"], client_ca=pki["ca.crt"])
    collector = await start_collector(
        store, CollectorConfig("127.0.0.1:0", tls=tls, auth=load_tokens(token[0]))
    )
    address = f"localhost:{collector.port}"
    try:
        as_other = ClientTls(
            ca=pki["ca.crt"], cert=pki["other-agent.crt"], key=pki["other-agent.key"]
        )
        with pytest.raises(PublishError, match="different agents"):
            await send(address, Spool(tmp_path / "s"), token[1], [make_record()], tls=as_other)
        as_lab = ClientTls(ca=pki["ca.crt"], cert=pki["lab-agent.crt"], key=pki["lab-agent.key"])
        ok = await send(address, Spool(tmp_path / "s2"), token[1], [make_record()], tls=as_lab)
        assert ok.stats.stored == 1
    finally:
        await collector.stop(0)


def test_agent_refuses_plaintext_off_loopback(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from netsbom.core.cli import cli

    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "targets:\n  - {name: a, address: 127.0.0.1, snmp: {community: 'env:C'}}\n"
    )
    result = CliRunner().invoke(
        cli,
        [
            "agent",
            "run",
            "--inventory",
            str(inventory),
            "--collector",
            "192.0.2.10:50051",
            "--once",
        ],
    )
    assert result.exit_code == 2
    assert "refusing plaintext" in result.output


async def test_metrics_endpoint_counts_reports_and_refusals(
    store: Store, token: tuple[Path, str], tmp_path: Path
) -> None:
    import urllib.request

    from netsbom.core.metrics import serve_metrics

    port = serve_metrics("127.0.0.1:0")

    def scrape() -> dict[str, float]:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
            lines = reply.read().decode().splitlines()
        return {
            name: float(value)
            for name, _, value in (line.rpartition(" ") for line in lines)
            if name.startswith("netsbom_")
        }

    before = scrape()
    config = CollectorConfig("127.0.0.1:0", auth=load_tokens(token[0]))
    collector = await start_collector(store, config)
    try:
        address = f"127.0.0.1:{collector.port}"
        await send(address, Spool(tmp_path / "s"), token[1], [make_record(), make_record()])
        with pytest.raises(PublishError):
            await send(address, Spool(tmp_path / "s2"), "nsb_bad", [make_record()])
    finally:
        await collector.stop(0)
    after = scrape()

    def delta(name: str) -> float:
        return after.get(name, 0.0) - before.get(name, 0.0)

    assert delta('netsbom_collector_reports_total{status="stored"}') == 2
    assert delta('netsbom_agent_reports_sent_total{status="stored"}') == 2
    assert delta('netsbom_collector_rejected_calls_total{reason="unauthenticated"}') == 1
    assert after["netsbom_agent_spool_depth"] == 1  # the refused report waits in its spool


def test_rate_limit_option_values() -> None:
    import math

    import click

    from netsbom.collector.cli.collector import RateLimit

    rate = RateLimit()
    assert rate.convert("250/s", None, None) == 250.0
    assert rate.convert(" 12.5 ", None, None) == 12.5
    assert math.isinf(rate.convert("off", None, None))
    for bad in ("0", "-5/s", "fast", "5/min", "inf", "nan"):
        with pytest.raises(click.BadParameter, match="not a rate"):
            rate.convert(bad, None, None)


async def test_an_agent_over_its_rate_limit_is_slowed_not_refused(
    store: Store, token: tuple[Path, str], tmp_path: Path
) -> None:
    import time

    from netsbom.collector.server import Limits

    config = CollectorConfig(
        "127.0.0.1:0", auth=load_tokens(token[0]), limits=Limits(reports_per_second=20)
    )
    collector = await start_collector(store, config)
    try:
        records = [make_record(f"rl{i}") for i in range(60)]
        started = time.monotonic()
        publisher = await send(
            f"127.0.0.1:{collector.port}", Spool(tmp_path / "spool"), token[1], records,
            give_up_after=30,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        assert publisher.stats.stored == 60  # all stored: slowed, never refused
        assert elapsed >= 1.5  # 20 in the first second's burst, then 40 more at 20/s: ~2 s
    finally:
        await collector.stop(0)


async def test_concurrent_batches_commit_together_each_told_its_own(store: Store) -> None:
    """Group commit: batches waiting at once share a transaction; a report id in two of them
    is stored once (the first) and a duplicate for the other; a failing store fails them all."""
    import asyncio

    from netsbom.collector.server import _GroupWriter
    from netsbom.core.errors import StoreError
    from netsbom.proto.convert import envelope_of

    writer = _GroupWriter(store)
    a, b, c, d = (envelope_of(make_record(f"gw{i}")) for i in range(4))
    first, second, third = await asyncio.gather(
        writer.write([a, b]), writer.write([b, c, c]), writer.write([d])
    )
    assert first.stored == (a.report_id, b.report_id) and first.duplicates == ()
    assert second.stored == (c.report_id,)
    assert second.duplicates == (b.report_id, c.report_id)
    assert third.stored == (d.report_id,)
    assert store.count() == 4
    again = await writer.write([a])
    assert (again.stored, again.duplicates) == ((), (a.report_id,))

    def broken(*_: object) -> None:
        raise StoreError("disk full")

    store.write_envelopes = broken  # type: ignore[method-assign]
    results = await asyncio.gather(
        writer.write([envelope_of(make_record("gw8"))]),
        writer.write([envelope_of(make_record("gw9"))]),
        return_exceptions=True,
    )
    assert all(isinstance(r, StoreError) for r in results)
