"""``/admin/faults`` on every service, and the gateway's view of every agency's faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from lienthong.contracts.faults import FaultSetting, checked_fault
from lienthong.contracts.services import SERVICES
from lienthong.runtime.app import create_service_app
from services.gateway.routes import faults as faults_route
from tests.integration.conftest import NOW, InProcessSystem, frozen_clock
from tests.integration.helpers import client_of, standalone_gateway

FAULTS = "/admin/faults"


async def refused(client: httpx.AsyncClient, kind: str, body: Any) -> list[list[Any]]:
    """PUT a bad setting: a 422 whose detail locates each problem."""
    response = await client.put(f"{FAULTS}/{kind}", json=body)
    assert response.status_code == 422, response.text
    return [problem["loc"] for problem in response.json()["detail"]]


async def listed(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    response = await client.get(FAULTS)
    assert response.status_code == 200, response.text
    return {fault["kind"]: fault for fault in response.json()["faults"]}


@pytest.mark.parametrize(
    ("kind", "body", "loc"),
    [
        ("sync_error", {"rate": 0}, ["body", "rate"]),
        ("sync_error", {"rate": 1.5}, ["body", "rate"]),
        ("sync_error", {"provinces": ["99"]}, ["body", "provinces"]),
        ("sync_error", {"flow": "marriage"}, ["body", "flow"]),
        ("sync_error", {"colour": "red"}, ["body", "colour"]),
        ("latency", {"latency": "soon"}, ["body", "latency"]),
        ("latency", {}, ["body", "latency"]),
        ("sync_error", {"limit": 5}, ["body", "limit"]),
        ("reorder", {"window": 1}, ["body", "window"]),
        ("poison", {"poison": "arsenic"}, ["body", "poison"]),
        ("overload", {}, ["path", "kind"]),  # the portal's fault, not an agency's
        ("earthquake", {}, ["path", "kind"]),
    ],
)
async def test_a_bad_setting_is_a_field_level_422_and_sets_nothing(
    system: InProcessSystem, kind: str, body: dict[str, Any], loc: list[Any]
) -> None:
    async with client_of(system.services["population"]) as client:
        assert loc in await refused(client, kind, body)
        assert await listed(client) == {}


async def test_a_bad_setting_leaves_the_earlier_one_in_place(system: InProcessSystem) -> None:
    async with client_of(system.services["insurance"]) as client:
        good = await client.put(f"{FAULTS}/sync_error", json={"rate": 0.25, "flow": "death"})
        assert good.status_code == 200, good.text

        await refused(client, "sync_error", {"rate": 0.5, "provinces": ["01", "nowhere"]})

        kept = (await listed(client))["sync_error"]
        assert (kept["rate"], kept["flow"], kept["provinces"]) == (0.25, "death", [])
        assert system.services["insurance"].faults.active(kept["kind"]) is not None


async def test_clearing_one_fault_keeps_the_others(system: InProcessSystem) -> None:
    async with client_of(system.services["civil_registry"]) as client:
        for kind in ("duplicate", "poison"):
            assert (await client.put(f"{FAULTS}/{kind}", json={})).status_code == 200

        cleared = await client.delete(f"{FAULTS}/duplicate")

        assert cleared.json()["cleared"] == ["duplicate"]
        assert list(await listed(client)) == ["poison"]
        assert (await client.delete(FAULTS)).json()["cleared"] == ["poison"]
        assert await listed(client) == {}


async def test_faults_survive_a_restart_of_the_service(tmp_path: Path) -> None:
    setting = {"rate": 0.5, "office_hours": True, "provinces": ["79", "01"]}
    async with standalone_gateway(tmp_path, frozen_clock(NOW)) as (_, client):
        assert (await client.put(f"{FAULTS}/overload", json=setting)).status_code == 200

    async with standalone_gateway(tmp_path, frozen_clock(NOW)) as (service, client):
        kept = (await listed(client))["overload"]
        assert (kept["rate"], kept["office_hours"], kept["provinces"]) == (0.5, True, ["01", "79"])
        assert kept["active"] is True  # Monday 09:30 in Vietnam: office hours
        assert [fault.kind.value for fault in service.faults.faults()] == ["overload"]


async def test_the_gateway_lists_every_agencys_faults(
    system: InProcessSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts: dict[str, httpx.AsyncBaseTransport] = {}
    for info in SERVICES:
        if info.name == "population":  # nothing answers there
            monkeypatch.setenv(info.url_env, "http://127.0.0.1:9")
            continue
        monkeypatch.setenv(info.url_env, f"http://{info.name}")
        app = create_service_app(system.services[info.name])
        app.state.runtime = system.services[info.name]
        mounts[f"http://{info.name}"] = httpx.ASGITransport(app=app)
    monkeypatch.setattr(
        faults_route,
        "peer_client",
        lambda _settings: httpx.AsyncClient(mounts=mounts, trust_env=False),
    )
    await system.services["insurance"].faults.put(
        system.services["insurance"].db, checked_fault("insurance", "sync_error", FaultSetting())
    )
    await system.services["gateway"].faults.put(
        system.services["gateway"].db, checked_fault("gateway", "overload", FaultSetting())
    )

    async with client_of(system.services["gateway"]) as client:
        response = await client.get("/api/v1/faults")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["unreachable"] == ["population"]
    kinds = {name: [f["kind"] for f in faults] for name, faults in body["faults"].items()}
    assert kinds == {"gateway": ["overload"], "civil_registry": [], "insurance": ["sync_error"]}
