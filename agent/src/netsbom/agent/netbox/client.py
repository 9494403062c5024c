"""One pynetbox session per NetBox: the token resolved from its reference, TLS verified (or a CA
file), a timeout on every request, and pynetbox/requests errors translated here, once, into one
:class:`ConfigError` line that never carries the token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netsbom.agent.credentials import resolve
from netsbom.core.errors import ConfigError, CredentialError

if TYPE_CHECKING:
    from netsbom.agent.netbox.source import NetboxSource


def connect(config: NetboxSource) -> Any:
    """A ``pynetbox.api`` for ``config``; the token is read now and kept in the session only."""
    try:
        import pynetbox
        import requests
    except ImportError:
        raise ConfigError(
            "source: netbox needs pynetbox: pip install 'netsbom-agent[netbox]'"
        ) from None

    class _Session(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("timeout", config.timeout)
            return super().request(*args, **kwargs)

    try:
        token = resolve(config.token)
    except CredentialError as exc:
        raise ConfigError(f"NetBox token: {exc}") from None
    api = pynetbox.api(config.url, token=token.reveal())
    session = _Session()
    session.verify = config.ca_file or config.verify_tls
    api.http_session = session
    return api


def fetch(what: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    """``call(*args, **kwargs)`` with NetBox's errors as one ConfigError line naming ``what``."""
    import pynetbox
    import requests

    try:
        return call(*args, **kwargs)
    except pynetbox.RequestError as exc:
        raise ConfigError(f"NetBox {what}: {_request_error(exc)}") from None
    except pynetbox.ContentError:
        raise ConfigError(f"NetBox {what}: the answer is not NetBox's JSON (wrong url?)") from None
    except requests.RequestException as exc:
        raise ConfigError(f"NetBox {what}: {type(exc).__name__}: {_first_line(exc)}") from None


def records(what: str, endpoint: Any, **filters: Any) -> Iterator[dict[str, Any]]:
    """Every object of a list endpoint matching ``filters`` (pages followed), as plain dicts."""
    result = fetch(what, endpoint.filter, **filters)
    iterator = iter(result)
    while True:
        item = fetch(what, next, iterator, None)
        if item is None:
            return
        yield dict(item)


def _request_error(exc: Any) -> str:
    status = exc.req.status_code
    try:
        body = exc.req.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        detail = body.get("detail")
        if detail is None:  # validation errors: {"field": ["message", ...], ...}
            detail = "; ".join(
                f"{field}: {' '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                for field, msgs in body.items()
            )
        return f"HTTP {status}: {detail}"[:300]
    return f"HTTP {status} {exc.req.reason or ''}".strip()


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text[:200]
