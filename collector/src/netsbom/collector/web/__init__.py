"""The NOC console and HTTP API (``netsbom web``, ``netsbom collector serve --http``): FastAPI,
Jinja2 and htmx pages over the observation store; see docs/web.md."""
