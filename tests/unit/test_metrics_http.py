"""HTTP request metrics: each request counted under its route template, whoever answered it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.staticfiles import StaticFiles

from lienthong.runtime.metrics import ServiceMetrics
from lienthong.runtime.metrics_http import HttpMetrics, method_label


def _app(metrics: ServiceMetrics, static: Path) -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/gone")
    async def gone() -> None:
        raise HTTPException(status_code=410)

    @app.middleware("http")
    async def closed(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        if request.headers.get("x-closed"):  # answers before routing, like a `down` agency
            return JSONResponse({"detail": "down"}, status_code=503)
        return await call_next(request)

    included = APIRouter(prefix="/api")

    @included.get("/cards/{card_id}")
    async def card(card_id: str) -> dict[str, str]:
        return {"card_id": card_id}

    app.include_router(included)
    sub = FastAPI()

    @sub.get("/things/{name}")
    async def thing(name: str) -> dict[str, str]:
        return {"name": name}

    app.mount("/sub", sub)
    app.mount("/static", StaticFiles(directory=static))
    app.add_middleware(HttpMetrics, metrics=metrics)
    return app


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceMetrics]]:
    (tmp_path / "page.txt").write_text("hello")
    metrics = ServiceMetrics("gateway")
    transport = httpx.ASGITransport(app=_app(metrics, tmp_path), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client, metrics


def requests(metrics: ServiceMetrics, method: str, route: str, status: str) -> float | None:
    return metrics.registry.get_sample_value(
        "lienthong_http_requests_total", {"method": method, "route": route, "status": status}
    )


async def test_requests_are_counted_by_route_template_not_raw_path(
    http: tuple[httpx.AsyncClient, ServiceMetrics],
) -> None:
    client, metrics = http
    for n in (1, 2, 3):
        assert (await client.get(f"/items/{n}")).status_code == 200
    assert (await client.get("/items/x")).status_code == 422

    assert requests(metrics, "GET", "/items/{item_id}", "200") == 3
    assert requests(metrics, "GET", "/items/{item_id}", "422") == 1
    assert requests(metrics, "GET", "/items/1", "200") is None
    duration = {"method": "GET", "route": "/items/{item_id}"}
    count = "lienthong_http_request_duration_seconds_count"
    assert metrics.registry.get_sample_value(count, duration) == 4


async def test_answers_given_before_routing_still_get_their_route(
    http: tuple[httpx.AsyncClient, ServiceMetrics],
) -> None:
    client, metrics = http
    assert (await client.get("/items/7", headers={"x-closed": "1"})).status_code == 503
    assert (await client.get("/api/cards/c1", headers={"x-closed": "1"})).status_code == 503
    assert (await client.get("/nowhere/at/all")).status_code == 404
    assert (await client.post("/items/7")).status_code == 405

    assert requests(metrics, "GET", "/items/{item_id}", "503") == 1
    assert requests(metrics, "GET", "/api/cards/{card_id}", "503") == 1
    assert requests(metrics, "GET", "unmatched", "404") == 1
    assert requests(metrics, "POST", "/items/{item_id}", "405") == 1


async def test_errors_and_mounts(http: tuple[httpx.AsyncClient, ServiceMetrics]) -> None:
    client, metrics = http
    assert (await client.get("/boom")).status_code == 500
    assert (await client.get("/gone")).status_code == 410
    assert (await client.get("/sub/things/a")).status_code == 200
    assert (await client.get("/api/cards/c2")).status_code == 200
    assert (await client.get("/static/page.txt")).status_code == 200
    assert (await client.get("/static/missing.txt")).status_code == 404

    assert requests(metrics, "GET", "/boom", "500") == 1
    assert requests(metrics, "GET", "/gone", "410") == 1
    assert requests(metrics, "GET", "/sub/things/{name}", "200") == 1
    assert requests(metrics, "GET", "/api/cards/{card_id}", "200") == 1
    assert requests(metrics, "GET", "/static", "200") == 1
    assert requests(metrics, "GET", "/static", "404") == 1


def test_unknown_methods_share_one_label() -> None:
    assert [method_label(m) for m in ("GET", "PATCH", "BREW", "get")] == [
        "GET",
        "PATCH",
        "OTHER",
        "OTHER",
    ]
