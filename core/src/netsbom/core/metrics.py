"""Prometheus metrics of the agent and the collector, served on an opt-in HTTP port.

netsbom_agent_polls_total{transport}            device polls finished
netsbom_agent_poll_failures_total{kind}         errors in poll results, by error kind
netsbom_agent_poll_seconds                      poll latency per device (histogram)
netsbom_agent_spool_depth                       reports waiting in the spool
netsbom_agent_reports_sent_total{status}        acks received: stored, duplicate, rejected
netsbom_collector_reports_total{status}         reports answered: stored, duplicate, rejected
netsbom_collector_rejected_calls_total{reason}  calls refused: unauthenticated, rate_limited, store
netsbom_collector_commit_seconds                time to commit one batch (histogram)
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from netsbom.core.errors import ConfigError
from netsbom.core.net import is_loopback

POLLS = Counter("netsbom_agent_polls", "Device polls finished", ["transport"])
POLL_FAILURES = Counter("netsbom_agent_poll_failures", "Poll errors by kind", ["kind"])
POLL_SECONDS = Histogram(
    "netsbom_agent_poll_seconds",
    "Poll latency per device",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
SPOOL_DEPTH = Gauge("netsbom_agent_spool_depth", "Reports waiting in the spool")
REPORTS_SENT = Counter("netsbom_agent_reports_sent", "Acks received by status", ["status"])
REPORTS_INGESTED = Counter("netsbom_collector_reports", "Reports answered by status", ["status"])
REJECTED_CALLS = Counter("netsbom_collector_rejected_calls", "Calls refused", ["reason"])
COMMIT_SECONDS = Histogram(
    "netsbom_collector_commit_seconds",
    "Time to commit one batch",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)


def serve_metrics(listen: str, *, public: bool = False) -> int:
    """Start the /metrics HTTP endpoint on ``HOST:PORT`` (port 0 picks one); returns the port.

    The endpoint has no authentication: an address that is not loopback (``0.0.0.0`` included)
    is refused unless ``public`` (``--metrics-public``) says it is meant."""
    if not public and not is_loopback(listen):
        raise ConfigError(
            f"refusing to serve metrics on {listen}: not loopback, and /metrics has no"
            " authentication; add --metrics-public to expose it"
        )
    host, _, port = listen.rpartition(":")
    try:
        server, _thread = start_http_server(int(port), addr=host.strip("[]") or "127.0.0.1")
    except (ValueError, OSError) as exc:
        raise ConfigError(f"cannot serve metrics on {listen}: {exc}") from None
    return int(server.server_port)
