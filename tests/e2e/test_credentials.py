"""``lienthong up --auth`` for real: the broker and the four services, every call with a key.

The system is started as ``up --auth`` starts it (``AUTH_REQUIRED=1`` for every service, the
keys made in the data dir and the admin's recorded in the run lock). A birth submitted with the
client key completes — so the civil registry's lookups at population carry its own key, and the
gateway's reads of the agencies' faults carry the gateway's; the CLI commands find the admin key
in the lock, or take it from ``--api-key`` with ``--url``; the dashboard asks for a key once;
and a call without a key gets 401 wherever it is made, ``/health`` excepted.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import async_playwright

from lienthong.cli.main import main
from lienthong.cli.target import from_data_dir
from lienthong.runtime.credentials import ADMIN, CLIENT, PRINCIPALS, ensure_key_file
from tests.e2e.dashboard import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.helpers import ROOT, RunningSystem, birth_form, running_system, wait_for_dossier

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    with running_system(tmp_path_factory.mktemp("credentials"), None, AUTH_REQUIRED="1") as run:
        yield run


@pytest.fixture(scope="module")
def keys(secured: RunningSystem) -> dict[str, str]:
    """Every principal's key, as the run made them in its data dir."""
    made = ensure_key_file(secured.data_dir / "api-keys")
    assert set(made) == set(PRINCIPALS)
    return made


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest_asyncio.fixture(scope="module")
async def portal(secured: RunningSystem, keys: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the gateway, with the client key."""
    headers = bearer(keys[CLIENT])
    gateway = secured.urls["gateway"]
    async with httpx.AsyncClient(base_url=gateway, timeout=10, headers=headers) as client:
        yield client


def test_the_lock_records_the_admin_key_for_the_cli(
    secured: RunningSystem, keys: dict[str, str]
) -> None:
    record = json.loads((secured.data_dir / "up.lock").read_text(encoding="utf-8"))

    assert record["credentials"] == {ADMIN: keys[ADMIN], CLIENT: keys[CLIENT]}
    assert from_data_dir(secured.data_dir).api_key == keys[ADMIN]


async def test_without_a_key_every_service_answers_401_but_health(
    secured: RunningSystem, keys: dict[str, str]
) -> None:
    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        for url in secured.urls.values():
            assert (await client.get(f"{url}/health")).status_code == 200
            refused = await client.get(f"{url}/admin/faults")
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"].startswith("Bearer")
        gateway, population = secured.urls["gateway"], secured.urls["population"]
        assert (
            await client.post(f"{gateway}/api/v1/dossiers", json=birth_form())
        ).status_code == 401
        lookup = {"personal_ids": ["001234567890"]}
        wrong = await client.post(
            f"{population}/api/v1/citizens/lookup", json=lookup, headers=bearer(keys[CLIENT])
        )
        assert wrong.status_code == 403
        right = await client.post(
            f"{population}/api/v1/citizens/lookup", json=lookup, headers=bearer(keys[ADMIN])
        )
        assert right.status_code == 200


async def test_a_birth_submitted_with_the_client_key_completes(
    portal: httpx.AsyncClient, keys: dict[str, str]
) -> None:
    response = await portal.post("/api/v1/dossiers", json=birth_form())
    assert response.status_code == 202, response.text

    done = await wait_for_dossier(portal, response.json()["dossier_id"], timeout_s=60)

    assert done["status"] == "completed", done
    faults = await portal.get("/api/v1/faults", headers=bearer(keys[ADMIN]))
    assert faults.status_code == 200 and faults.json()["unreachable"] == []  # the gateway's key
    health = (await portal.get("/api/v1/health/agencies")).json()["agencies"]
    assert {body["status"] for body in health.values()} == {"ok"}


@pytest.mark.parametrize(
    "command",
    [
        ["status", "--json"],
        ["faults", "list"],
        ["faults", "set", "insurance", "latency", "--latency", "fixed:0.001s"],
        ["faults", "clear", "insurance"],
        ["failures"],
        ["verify"],
    ],
)
def test_the_commands_use_the_admin_key_of_the_lock(
    secured: RunningSystem, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--data-dir", str(secured.data_dir)]) == 0, capsys.readouterr()


def test_a_command_given_a_url_needs_the_key(
    secured: RunningSystem, keys: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    gateway = secured.urls["gateway"]

    assert main(["verify", "--url", gateway]) == 3
    assert "--api-key" in capsys.readouterr().err
    assert main(["verify", "--url", gateway, "--api-key", keys[CLIENT]]) == 3  # not the admin's
    assert main(["verify", "--url", gateway, "--api-key", keys[ADMIN]]) == 0


def test_load_and_replay_run_with_the_admin_key(
    secured: RunningSystem, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(secured.data_dir)
    argv = ["load", "--rate", "10", "--duration", "2", "--drain", "30", "--report", "json"]

    assert main([*argv, "--data-dir", data_dir]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert report["counts"]["completed"] == report["counts"]["sent"] == 20
    scenarios = [
        str(ROOT / "scenarios" / name) for name in ("birth-happy.yaml", "agency-down.yaml")
    ]
    assert main(["replay", *scenarios, "--data-dir", data_dir]) == 0, capsys.readouterr().out


@pytest.fixture(scope="module")
def chromium() -> str:
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: apt-get install chromium"
    return CHROMIUM


async def test_the_dashboard_asks_for_a_key_once(
    secured: RunningSystem, keys: dict[str, str], chromium: str
) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            await page.goto(f"{secured.urls['gateway']}/dashboard")
            form = page.get_by_test_id("auth-form")
            await form.wait_for(state="visible", timeout=15_000)
            await page.get_by_test_id("auth-key").fill(keys[ADMIN])
            await page.get_by_test_id("auth-submit").click()
            await form.wait_for(state="hidden")
            await page.wait_for_function(
                "() => document.querySelector('[data-testid=panel-failures-state]')"
                ".textContent === 'ok' && document.querySelector("
                "'[data-testid=last-updated]').dataset.failing === '0'",
                timeout=15_000,
            )
            await page.reload()  # kept in the browser: not asked again
            await page.wait_for_function(
                "() => document.querySelector('[data-testid=last-updated]').dataset.failing"
                " === '0'",
                timeout=15_000,
            )
            assert not await form.is_visible()
        finally:
            await browser.close()
