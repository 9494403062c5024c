"""One pynetbox (NetBox) or pynautobot (Nautobot) session per server: the token resolved from its
reference, TLS verified (or a CA file), a timeout on every request, and the library's and
requests' errors translated here, once, into one :class:`ConfigError` line that never carries the
token."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netsbom.agent.credentials import resolve
from netsbom.core.errors import ConfigError, CredentialError

if TYPE_CHECKING:
    from netsbom.agent.netbox.source import ApiSource


# source -> (product name, client library); both libraries share pynetbox's interface
PRODUCTS = {"netbox": ("NetBox", "pynetbox"), "nautobot": ("Nautobot", "pynautobot")}


def connect(config: ApiSource) -> Any:
    """The client library's ``api`` for ``config``; the token is read now and kept in the
    session only."""
    product, library = PRODUCTS[config.source]
    try:
        api_module = importlib.import_module(library)
        import requests
    except ImportError:
        raise ConfigError(
            f"source: {config.source} needs {library}: pip install 'netsbom-agent[{config.source}]'"
        ) from None

    class _Session(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("timeout", config.timeout)
            return super().request(*args, **kwargs)

    try:
        token = resolve(config.token)
    except CredentialError as exc:
        raise ConfigError(f"{product} token: {exc}") from None
    api = api_module.api(config.url, token=token.reveal())
    session = _Session()
    session.headers.update(api.http_session.headers)
    session.verify = config.ca_file or config.verify_tls
    api.http_session = session
    return api


def fetch(what: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    """``call(*args, **kwargs)`` with the library's errors as one ConfigError line naming
    ``what`` (which names the product: "NetBox https://... devices")."""
    import requests

    request_errors, content_errors = _library_errors()
    try:
        return call(*args, **kwargs)
    except request_errors as exc:
        raise ConfigError(f"{what}: {_request_error(exc)}") from None
    except content_errors:
        raise ConfigError(f"{what}: the answer is not the API's JSON (wrong url?)") from None
    except requests.RequestException as exc:
        raise ConfigError(f"{what}: {type(exc).__name__}: {_first_line(exc)}") from None


def _library_errors() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    """RequestError and ContentError of each client library installed."""
    request: list[type[Exception]] = []
    content: list[type[Exception]] = []
    for _, library in PRODUCTS.values():
        try:
            module = importlib.import_module(library)
        except ImportError:
            continue
        request.append(module.RequestError)
        content.append(module.ContentError)
    return tuple(request), tuple(content)


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
