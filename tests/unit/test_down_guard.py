"""A service taken ``down`` answers 503 on its business API, and its admin paths stay up."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from lienthong.runtime.down_guard import DownGuard


def client(down: list[bool]) -> httpx.AsyncClient:
    app = FastAPI()

    @app.get("/api/v1/citizens")
    def citizens() -> dict[str, str]:
        return {"answer": "citizens"}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"answer": "health"}

    app.add_middleware(DownGuard, service="population", is_down=lambda: down[0])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_up_passes_every_request_on() -> None:
    async with client([False]) as http:
        response = await http.get("/api/v1/citizens")

    assert (response.status_code, response.json()) == (200, {"answer": "citizens"})


async def test_down_answers_503_with_retry_after_on_the_business_api_only() -> None:
    down = [True]
    async with client(down) as http:
        refused = await http.get("/api/v1/citizens")
        health = await http.get("/health")
        down[0] = False  # read per request: cleared, it answers again
        back = await http.get("/api/v1/citizens")

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert refused.json() == {"detail": "population is not connected (fault 'down' is on)"}
    assert health.status_code == 200
    assert back.status_code == 200
