"""HTTP request metrics: a plain ASGI middleware labelling each request by its route template.

The label is the route's path template (``/api/v1/dossiers/{dossier_id}``), never the raw path:
one series per route, not one per dossier. A request no route took — a 404, or the 503 that an
agency taken ``down`` answers before routing — is matched against the app's routes afterwards,
so the 503s of ``/api/v1/citizens/{personal_id}`` still show under that template; what matches
nothing is ``unmatched``. Unknown methods are ``OTHER``, for the same reason.

``/metrics`` itself is recorded like any route. Its own ``route`` label keeps its latency apart
from the business routes', one scrape every few seconds is noise next to the API's traffic, and
a scrape is recorded only after its answer was sent, so it never reports on itself. Leaving it
out would hide the one thing worth knowing about it: a scrape made slow by the database queries
a service's metrics source runs.

Why not ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs every request
through extra tasks and memory streams; this wrapper only times the call and reads the status.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lienthong.runtime.metrics import ServiceMetrics

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


def method_label(method: str) -> str:
    """``method`` when it is a standard one, else ``OTHER`` (a client may send anything)."""
    return method if method in METHODS else "OTHER"


def route_label(scope: Scope, routes: Iterable[BaseRoute], path: str, root_path: str) -> str:
    """The template of the route that answered ``scope``, once the app is done with it.

    ``path`` and ``root_path`` are the request's before routing (a mount extends the scope's
    ``root_path`` as it routes). Under a mount, the route's template follows the mount's prefix
    as requested: a mount path with parameters would put their values in the label (none of
    ours has any).
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        prefix = str(scope.get("root_path", ""))[len(root_path) :]
        if isinstance(route, Mount):
            return prefix or template  # the prefix already ends with the mount's own path
        return prefix + template
    return matching_template(routes, scope.get("method", "GET"), path, root_path)


def matching_template(routes: Iterable[BaseRoute], method: str, path: str, root_path: str) -> str:
    """The template of the route that would take ``method path`` (a full match first)."""
    probe: dict[str, Any] = {"type": "http", "method": method, "path": path, "root_path": root_path}
    found = _match(routes, probe)
    return found[1] if found is not None else UNMATCHED


def _match(routes: Iterable[BaseRoute], probe: dict[str, Any]) -> tuple[Match, str] | None:
    """The first full match's template, else the first partial one's (a 405), else None.

    FastAPI 0.16x keeps an included router whole (a route without a ``path``, its routes in
    ``original_router``): its routes are searched in turn. Routers included with an extra
    ``prefix=`` are not matched here (none of ours is), and their requests count as unmatched.
    """
    partial: tuple[Match, str] | None = None
    for route in routes:
        found: tuple[Match, str] | None
        template = getattr(route, "path", None)
        if isinstance(template, str):
            match, _ = route.matches(probe)
            found = (match, template) if match is not Match.NONE else None
        else:
            inner = getattr(getattr(route, "original_router", None), "routes", None)
            found = _match(inner, probe) if isinstance(inner, list) else None
        if found is not None and found[0] is Match.FULL:
            return found
        partial = partial or found
    return partial


class HttpMetrics:
    """Times each HTTP request and counts it by method, route template and status."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; record it when the answer is sent (or the app raised)."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        path, root_path = scope["path"], scope.get("root_path", "")
        status = 500  # what the server answers if the app raises before starting a response

        async def send_and_see(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, send_and_see)
        finally:
            routes = getattr(scope.get("app"), "routes", ())
            route = route_label(scope, routes, path, root_path)
            method = method_label(scope["method"])
            self._metrics.request(method, route, status, time.perf_counter() - started)
