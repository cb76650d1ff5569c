"""The four services in-process with credentials on, each behind its real FastAPI app.

Built by their composition roots with known keys (``API_KEYS``), a recording broker and a frozen
clock, started, and served over ``httpx.ASGITransport`` — the apps exactly as ``serve`` builds
them, so the credential and body-size checks are the ones a deployment runs. Peers and Kafka
point at a port nothing listens on: the gateway's health and faults pages find them
unreachable at once, whatever else runs on this machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from lienthong.contracts.services import SERVICES
from lienthong.runtime.app import create_service_app
from lienthong.runtime.credentials import PRINCIPALS
from lienthong.runtime.service import Parts, Service
from lienthong.runtime.settings import SeededSettings, ServiceSettings
from services.civil_registry.bootstrap import bootstrap as civil_registry
from services.gateway.bootstrap import bootstrap as gateway
from services.insurance.bootstrap import bootstrap as insurance
from services.population.bootstrap import bootstrap as population
from services.registry import REGISTRY
from tests.fakes import RecordingBroker, StubPopulation
from tests.integration.conftest import frozen_clock

KEYS = {principal: f"{principal}-test-key-0123456789" for principal in PRINCIPALS}
"""Every principal's key in these tests."""
API_KEYS = ",".join(f"{principal}={key}" for principal, key in KEYS.items())
NOWHERE = "http://127.0.0.1:9"
"""The discard port: connection refused at once."""

Route = tuple[str, str]


def settings_of(name: str, data_dir: Path, **overrides: Any) -> ServiceSettings:
    """Service *name*'s settings with credentials on and the test keys (and *overrides*)."""
    settings_class = REGISTRY[name].settings_class
    values: dict[str, Any] = {
        "data_dir": str(data_dir),
        "auth_required": True,
        "api_keys": API_KEYS,
        "kafka_bootstrap_servers": "127.0.0.1:9",
        **overrides,
    }
    if issubclass(settings_class, SeededSettings):
        values.setdefault("seed_citizens", 60)
    return settings_class(**values)


def _flatten(routes: list[BaseRoute]) -> list[BaseRoute]:
    """An app's routes, those of included routers too (FastAPI 0.16x keeps them whole)."""
    flat: list[BaseRoute] = []
    for route in routes:
        if isinstance(getattr(route, "path", None), str):
            flat.append(route)
        else:
            flat += _flatten(getattr(getattr(route, "original_router", None), "routes", []))
    return flat


def app_routes(app: FastAPI) -> set[Route]:
    """Every ``(METHOD, path template)`` the app answers (``HEAD`` goes with ``GET``)."""
    found: set[Route] = set()
    for route in _flatten(list(app.routes)):
        methods = getattr(route, "methods", None) or set()
        path = getattr(route, "path", "")
        found |= {(method, path) for method in methods if method != "HEAD"}
        if isinstance(route, APIRoute) and not methods:
            found.add(("GET", path))
    return found


_BUILDERS: dict[str, Callable[..., Service]] = {
    "gateway": gateway,
    "civil_registry": lambda settings, parts: civil_registry(
        settings, parts, population=StubPopulation()
    ),
    "population": population,
    "insurance": insurance,
}


@asynccontextmanager
async def auth_system(
    data_dir: Path, **overrides: Any
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """An HTTP client on each service's app, by name; everything stopped on exit."""
    with pytest.MonkeyPatch.context() as patch:
        for info in SERVICES:
            patch.setenv(info.url_env, NOWHERE)
        parts = Parts(broker=RecordingBroker(), clock=frozen_clock())
        services = {
            name: build(settings_of(name, data_dir, **overrides), parts)
            for name, build in _BUILDERS.items()
        }
        for service in services.values():
            await service.start()
        clients: dict[str, httpx.AsyncClient] = {}
        try:
            for name, service in services.items():
                app = create_service_app(service)
                app.state.runtime = service
                transport = httpx.ASGITransport(app=app)
                clients[name] = httpx.AsyncClient(transport=transport, base_url=f"http://{name}")
            yield clients
        finally:
            for client in clients.values():
                await client.aclose()
            for service in services.values():
                await service.stop()
