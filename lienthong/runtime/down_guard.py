"""503 on a service's business API while the fault ``down`` is on (ASGI middleware).

An agency taken down answers nothing but its admin, health, metrics and docs paths, which is how
a tester brings it back. A plain ASGI middleware rather than ``@app.middleware("http")``: that
form runs every request through Starlette's ``BaseHTTPMiddleware`` (an extra task and a pair of
memory streams per request), which the profile of ``docs/performance.md`` (step 0) found among
the gateway's costs, for a check that is one attribute read when the service is up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["ALWAYS_UP", "DownGuard"]

ALWAYS_UP: Final = ("/admin", "/health", "/metrics", "/docs", "/openapi.json", "/redoc")
"""Paths that answer even while the service is down: how a tester brings it back."""


class DownGuard:
    """Answers 503 with ``Retry-After`` on every other path while *is_down* says so."""

    def __init__(self, app: ASGIApp, service: str, is_down: Callable[[], bool]) -> None:
        """*service* names the service in the answer; *is_down* is read per request."""
        self._app = app
        self._service = service
        self._is_down = is_down

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, unless the service is down and the path is not always up."""
        if scope["type"] == "http" and self._is_down():
            path: str = scope.get("path", "")
            if not path.startswith(ALWAYS_UP):
                answer = JSONResponse(
                    {"detail": f"{self._service} is not connected (fault 'down' is on)"},
                    status_code=503,
                    headers={"Retry-After": "5"},
                )
                await answer(scope, receive, send)
                return
        await self._app(scope, receive, send)
