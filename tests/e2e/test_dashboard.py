"""The live dashboard (``/dashboard``) in real headless Chromium, on a running system of its own.

A fresh system per module, so a fault switched on here cannot leak into other tests; its
figures are asserted against what was submitted and against the JSON API they come from.
The redrive test takes a screenshot of the whole page; with ``DASHBOARD_SCREENSHOT=PATH`` set
it is kept there — how the README's ``docs/dashboard.png`` is made (a plain run writes nothing
into the checkout). Chromium missing is a failure, not a skip: ``.ci/run`` installs it.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Route, async_playwright

from tests.e2e.dashboard import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PANELS,
    Dashboard,
    expected_provinces,
    expected_reasons,
    expected_stats_figures,
    stable_json,
)
from tests.e2e.helpers import (
    RunningSystem,
    birth_form,
    load_example,
    running_system,
    submit,
    wait_for_dossier,
    wait_until,
)

pytestmark = pytest.mark.e2e

SCREENSHOT = os.environ.get("DASHBOARD_SCREENSHOT")
"""Where to keep the screenshot (``docs/dashboard.png`` for the README); unset: not kept."""
STATS = "/api/v1/stats"


@pytest.fixture(scope="module")
def board_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    with running_system(tmp_path_factory.mktemp("dashboard")) as running:
        yield running


@pytest_asyncio.fixture(scope="module")
async def portal(board_system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=board_system.urls["gateway"], timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def chromium() -> str:
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: apt-get install chromium"
    return CHROMIUM


@pytest_asyncio.fixture(scope="module")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture
async def dashboard(browser: Browser, board_system: RunningSystem) -> AsyncIterator[Dashboard]:
    """The dashboard open in a new browser context, after its first complete poll."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    board = Dashboard(await context.new_page())
    board.listen()
    try:
        await board.page.goto(f"{board_system.urls['gateway']}/dashboard")
        await board.next_polls(1)
        yield board
    finally:
        await context.close()


def _delta(after: dict[str, Any], before: dict[str, Any], flow: str, *path: str) -> int:
    def at(stats: dict[str, Any]) -> int:
        value: Any = stats["flows"][flow]
        for key in path:
            value = value[key]
        return int(value)

    return at(after) - at(before)


async def _submit_known_run(portal: httpx.AsyncClient) -> None:
    """3 births and a death that complete, and one birth the civil registry refuses."""
    births = [birth_form() for _ in range(3)]
    ids = [await submit(portal, form) for form in births]
    ids.append(await submit(portal, load_example("death-pensioner")))
    assert [(await wait_for_dossier(portal, i))["status"] for i in ids] == ["completed"] * 4
    again = await wait_for_dossier(portal, await submit(portal, births[0]))
    assert again["status"] == "rejected"  # duplicate_birth_registration


def _assert_the_known_run(before: dict[str, Any], stats: dict[str, Any]) -> None:
    for flow, path, n in [
        ("birth", ("dossiers", "completed"), 3),
        ("birth", ("dossiers", "rejected"), 1),
        ("death", ("dossiers", "completed"), 1),
        ("birth", ("agencies", "civil_registry", "sent"), 4),
        ("birth", ("agencies", "civil_registry", "rejected"), 1),
        ("birth", ("agencies", "population", "synced"), 3),
        ("birth", ("agencies", "insurance", "synced"), 3),
        ("death", ("agencies", "population", "synced"), 1),
        ("death", ("agencies", "insurance", "synced"), 1),
    ]:
        assert _delta(stats, before, flow, *path) == n, (flow, path)


def _assert_latency(figures: dict[str, str], latency: dict[str, Any]) -> None:
    for flow, body in latency["flows"].items():
        for hop in body["hops"]:
            for p in ("count", "p50", "p95", "p99", "max"):
                shown = figures[f"latency-{flow}-{hop['hop']}-overall-{p}"]
                assert (float(shown) if shown else None) == hop["overall"][p], (flow, hop, p)


async def test_the_page_shows_the_counts_of_a_known_run(
    dashboard: Dashboard, portal: httpx.AsyncClient
) -> None:
    before = await stable_json(portal, STATS)
    await _submit_known_run(portal)

    stats = await stable_json(portal, STATS)
    grouped = await stable_json(portal, f"{STATS}?group_by=province")
    latency = await stable_json(portal, f"{STATS}/latency?window=300")
    await dashboard.next_polls(2)
    figures = await dashboard.figures()

    _assert_the_known_run(before, stats)
    expected = expected_stats_figures(stats) | expected_reasons(stats)
    expected |= expected_provinces(grouped)
    assert {testid: figures.get(testid) for testid in expected} == expected
    assert int(figures["reason-civil_registry-duplicate_birth_registration"]) >= 1
    assert await dashboard.page.get_by_test_id("province-row").count() == 34
    provinces = [v for k, v in figures.items() if re.fullmatch(r"province-\d\d-total", k)]
    assert sum(map(int, provinces)) == sum(f["dossiers"]["total"] for f in stats["flows"].values())
    _assert_latency(figures, latency)
    for agency in ("civil_registry", "population", "insurance"):
        assert figures[f"health-{agency}-status"] == "ok"
    assert int(figures["throughput-completed"]) >= 4
    for panel in PANELS:
        assert await dashboard.page.get_by_test_id(f"panel-{panel}-state").inner_text() == "ok"
    assert dashboard.errors == []


async def test_the_page_updates_live_without_a_reload(
    dashboard: Dashboard, portal: httpx.AsyncClient
) -> None:
    stats = await stable_json(portal, STATS)
    completed = stats["flows"]["birth"]["dossiers"]["completed"]
    synced = stats["flows"]["birth"]["agencies"]["insurance"]["synced"]
    await dashboard.wait_for_value("flow-birth-completed", completed)
    await dashboard.page.evaluate("() => { window.sameDocument = true; }")

    started = time.monotonic()
    await submit(portal, birth_form())
    await dashboard.wait_for_value("flow-birth-completed", completed + 1, timeout_s=20)
    seen_after = time.monotonic() - started

    await dashboard.wait_for_value("agency-birth-insurance-synced", synced + 1, timeout_s=5)
    assert await dashboard.page.evaluate("() => window.sameDocument === true")
    assert seen_after < 20
    assert dashboard.errors == []


async def test_the_redrive_button_sends_a_failure_again_and_the_dossier_completes(
    dashboard: Dashboard, board_system: RunningSystem, portal: httpx.AsyncClient
) -> None:
    async with httpx.AsyncClient(base_url=board_system.urls["population"], timeout=10) as agency:
        fault = await agency.put("/admin/faults/sync_error", json={"flow": "birth"})
        assert fault.status_code == 200, fault.text
        try:
            dossier_id = await submit(portal, birth_form())
            assert (await wait_for_dossier(portal, dossier_id, timeout_s=60))["status"] == "failed"
            failure = await _failure_of(portal, dossier_id)
            button = dashboard.page.get_by_test_id(f"redrive-{failure['id']}")
            await button.wait_for(state="visible", timeout=20_000)
            await dashboard.wait_for_value("health-population-faults", "sync_error")
            shot = await dashboard.page.screenshot(full_page=True)
            assert shot.startswith(b"\x89PNG")
            if SCREENSHOT:
                await asyncio.to_thread(Path(SCREENSHOT).write_bytes, shot)
        finally:
            cleared = await agency.delete("/admin/faults/sync_error")
            assert cleared.status_code == 200, cleared.text

    await button.click()

    answer = dashboard.page.get_by_test_id("redrive-result")
    await dashboard.page.wait_for_function(
        "() => document.querySelector('[data-testid=redrive-result]').dataset.outcome !== 'pending'"
    )
    assert await answer.get_attribute("data-outcome") == "redriven", await answer.inner_text()
    assert failure["id"] in await answer.inner_text()

    async def resolved() -> bool:
        body = (await portal.get(f"/api/v1/failures/{failure['id']}")).json()
        return bool(body["status"] == "resolved")

    async def completed() -> bool:
        body = (await portal.get(f"/api/v1/dossiers/{dossier_id}")).json()
        return bool(body["status"] == "completed")

    await wait_until(resolved, timeout_s=30, what="the failure resolved by the redrive")
    await wait_until(completed, timeout_s=30, what="the redriven dossier completed")
    detail = (await portal.get(f"/api/v1/failures/{failure['id']}")).json()
    assert detail["redrive_count"] == 1
    await button.wait_for(state="detached", timeout=20_000)  # resolved: no longer listed
    assert dashboard.errors == []


async def _failure_of(portal: httpx.AsyncClient, dossier_id: str) -> dict[str, Any]:
    """The one unresolved failure of a dossier, once the gateway holds it."""
    found: list[dict[str, Any]] = []

    async def listed() -> bool:
        response = await portal.get("/api/v1/failures", params={"dossier_id": dossier_id})
        found[:] = response.json()["items"]
        return bool(found)

    await wait_until(listed, timeout_s=30, what=f"a failure of {dossier_id}")
    assert len(found) == 1, found
    return found[0]


async def test_an_endpoint_failing_shows_n_a_in_its_panel_only(
    dashboard: Dashboard,
) -> None:
    async def unavailable(route: Route) -> None:
        await route.fulfill(status=503, json={"detail": "down on purpose"})

    await dashboard.page.route(re.compile(r"/api/v1/health/agencies"), unavailable)
    await dashboard.next_polls(2)

    states = {
        panel: await dashboard.page.get_by_test_id(f"panel-{panel}-state").inner_text()
        for panel in PANELS
    }
    figures = await dashboard.figures()
    assert states == {panel: "n/a" if panel == "health" else "ok" for panel in PANELS}
    assert figures["health-population-status"] == ""
    assert await dashboard.page.get_by_test_id("health-population-status").inner_text() == "n/a"
    assert figures["flow-birth-total"] != ""
    loaded = [e for e in dashboard.errors if "Failed to load resource" not in e]
    assert loaded == []  # only the refused fetch itself: no script error
