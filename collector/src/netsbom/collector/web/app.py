"""The console's ASGI app: FastAPI, server-rendered pages (Jinja2 + htmx) and the JSON API.

    app = create_app(Console(store, feeds_dir=..., policy=...), tokens=WebTokens(path))

Without tokens everyone reads and nobody changes anything; with them, every request needs a
token (``Authorization: Bearer``, or the cookie the login page sets) and admin actions need the
``admin`` role (403 for a viewer). Errors are one line: JSON ``{"error": ...}`` on the API, a
page elsewhere; a secret never appears in either (tokens are compared as hashes, never shown).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from importlib import resources
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from netsbom.collector.web.auth import ANONYMOUS, User, WebTokens
from netsbom.collector.web.console import Console
from netsbom.core.errors import ExportError, NetsbomError, StoreError
from netsbom.core.record import parse_time

log = logging.getLogger(__name__)

COOKIE = "netsbom_token"
_HERE = resources.files("netsbom.collector.web")
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
    " frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


class LoginNeeded(Exception):
    """No valid token: 401 on the API, the login page elsewhere."""


class Forbidden(Exception):
    """A valid token without the role the action needs."""


class NotFound(Exception):
    pass


def create_app(
    console: Console, tokens: WebTokens | None = None, *, secure_cookies: bool = False
) -> FastAPI:
    from netsbom.collector.web import api, pages

    app = FastAPI(
        title="netsbom",
        summary="Devices, firmware, topology, vulnerabilities and SBOMs of the observed networks.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN: the schema alone is served
        redoc_url=None,
    )
    app.state.console = console
    app.state.tokens = tokens
    app.state.secure_cookies = secure_cookies
    app.state.templates = _templates()
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LoginNeeded)
    async def _login(request: Request, _exc: LoginNeeded) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"error": "a valid token is required"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(NetsbomError)
    async def _netsbom(request: Request, exc: NetsbomError) -> Response:
        status = 503 if isinstance(exc, StoreError) else 400
        return _error(request, status, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    return app


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.globals["urlencode"] = lambda params: urlencode(
        {k: v for k, v in params.items() if v not in (None, "")}
    )
    return env


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    html = request.app.state.templates.get_template("error.html").render(
        status=status, message=message, user=getattr(request.state, "user", None)
    )
    return Response(html, status_code=status, media_type="text/html")


# --- dependencies ------------------------------------------------------------------------------


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE) or None


def current_user(request: Request) -> User:
    tokens: WebTokens | None = request.app.state.tokens
    if tokens is None:
        user = ANONYMOUS
    else:
        found = tokens.user_for(presented_token(request))
        if found is None:
            raise LoginNeeded
        user = found
    request.state.user = user
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden("this action needs the admin role")
    return user


def get_console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def known_network(network: str, console: Console) -> str:
    if network not in console.networks():
        raise NotFound(f"no network {network!r}")
    return network


def at_param(at: str | None) -> datetime | None:
    if at is None or not at.strip():
        return None
    try:
        return parse_time(at)
    except ValueError:
        raise ExportError(
            f"at={at!r} is not an ISO 8601 time (e.g. 2026-10-01T00:00:00Z)"
        ) from None


UserDep = Annotated[User, Depends(current_user)]
AdminDep = Annotated[User, Depends(admin_user)]
ConsoleDep = Annotated[Console, Depends(get_console)]
AtQuery = Annotated[str | None, Query(description="Point in time (ISO 8601); default: latest.")]
PageQuery = Annotated[int, Query(ge=1, description="Page number, from 1.")]
PerPageQuery = Annotated[int, Query(ge=1, le=1000, description="Rows per page.")]
