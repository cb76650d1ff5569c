"""Every route of every service × every credential: 401 without a key, 403 for the wrong one.

The routes are read from the apps themselves (the real ones and the simulated agencies'), so a
route added without a rule in ``lienthong/runtime/auth.py`` fails here, as does a rule left for
a route that is gone. Each route is then called with no key, an unknown key and every
principal's key: an open route answers anyone; otherwise no key and an unknown one get 401
(``WWW-Authenticate: Bearer``), a principal the rule does not name 403, and one it names gets
past the check (whatever the route then says: 200, 404 for a made-up id, 422 for no body).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from lienthong.contracts.services import AGENCIES, SERVICE_NAMES
from lienthong.runtime.auth import ANYONE, POLICY, allowed_roles
from lienthong.runtime.credentials import PRINCIPALS, role_of
from services.mock.bootstrap import create_mock_app
from services.registry import REGISTRY
from tests.integration.auth_system import KEYS, app_routes, auth_system, settings_of

SAMPLES = {
    "personal_id": "001234567890",
    "dossier_id": "d0551e40-0000-4000-8000-000000000001",
    "failure_id": "1",
    "kind": "sync_error",
    "name": "api.js",
    "registration_number": "GKS-01-2026-000001",
    "card_code": "TE1790000000001",
    "household_id": "HH-000001",
}
"""A value for each path parameter: made up, so a reader gets 404 and never someone's data."""


def _routes_of_every_app(data_dir: Path) -> list[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for name in SERVICE_NAMES:
        app = REGISTRY[name].create_app(settings_of(name, data_dir))
        found |= {(name, method, path) for method, path in app_routes(app)}
    return sorted(found)


ROUTES = _routes_of_every_app(Path("/nonexistent-lienthong-auth"))
"""Read at collection: building an app connects to nothing and writes nothing."""


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_route_of_every_app_has_a_rule_and_every_rule_a_route(service: str) -> None:
    served = {(method, path) for name, method, path in ROUTES if name == service}

    assert served - set(POLICY[service]) == set(), "routes without a rule in runtime/auth.py"
    assert set(POLICY[service]) - served == set(), "rules for routes the app does not have"


@pytest.mark.parametrize("agency", AGENCIES)
def test_a_simulated_agency_serves_only_routes_the_real_one_has_rules_for(
    agency: str, tmp_path: Path
) -> None:
    app = create_mock_app(agency, settings_of(agency, tmp_path), [])

    assert app_routes(app) - set(POLICY[agency]) == set()


@pytest_asyncio.fixture(scope="module")
async def clients(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    async with auth_system(tmp_path_factory.mktemp("credentials")) as started:
        yield started


def concrete(template: str) -> str:
    """The template with a made-up value in each parameter."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda match: SAMPLES[match.group(1)], template)


def _refusal_is_located(response: httpx.Response, kind: str) -> None:
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["header", "Authorization"] and problem["type"] == kind
    assert "001234567890" not in response.text  # the path's ID is never repeated


@pytest.mark.parametrize(("service", "method", "template"), ROUTES)
async def test_each_credential_gets_what_the_rule_says(
    clients: dict[str, httpx.AsyncClient], service: str, method: str, template: str
) -> None:
    client, path = clients[service], concrete(template)
    roles = allowed_roles(service, method, template)
    keys: dict[str, str | None] = {"no key": None, "unknown key": "x" * 32, **KEYS}
    for who, key in keys.items():
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        response = await client.request(method, path, headers=headers)
        status, seen = response.status_code, f"{who}: {method} {path} → {response.status_code}"
        if ANYONE in roles:
            assert status not in (401, 403) and status < 500, seen
        elif key is None or who == "unknown key":
            assert status == 401, seen
            assert response.headers["www-authenticate"].startswith("Bearer"), seen
            _refusal_is_located(
                response, "missing_credential" if key is None else "invalid_credential"
            )
        elif role_of(who) in roles:
            assert status not in (401, 403) and status < 500, f"{seen}: {response.text[:300]}"
        else:
            assert status == 403, seen
            _refusal_is_located(response, "forbidden")


async def test_the_key_may_come_as_x_api_key_and_head_is_read_like_get(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    gateway = clients["gateway"]

    assert (await gateway.get("/api/v1/stats", headers={"X-API-Key": KEYS["client"]})).is_success
    head = await gateway.head("/api/v1/stats", headers={"X-API-Key": KEYS["population"]})
    assert head.status_code == 403
    assert (await gateway.get("/api/v1/stats", headers={"X-API-Key": ""})).status_code == 401


async def test_a_path_no_route_takes_is_the_admin_s(clients: dict[str, httpx.AsyncClient]) -> None:
    gateway = clients["gateway"]

    assert (await gateway.get("/nothing/here")).status_code == 401
    client = await gateway.get("/nothing/here", headers={"X-API-Key": KEYS["client"]})
    admin = await gateway.get("/nothing/here", headers={"X-API-Key": KEYS["admin"]})
    assert client.status_code == 403 and admin.status_code == 404


def test_every_principal_is_tried() -> None:
    assert set(KEYS) == set(PRINCIPALS)
