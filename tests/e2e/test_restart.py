"""A restart of `lienthong up` loses no dossier, although the embedded broker starts empty.

Tansu keeps messages in memory only: events in flight when the sandbox stops are gone. Each
service replays its recent outbox into the fresh broker and the inboxes absorb what had already
been applied, so every dossier still finishes — and finishes once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.e2e.helpers import RunningSystem, birth_form, counts, running_system, wait_for_dossier

pytestmark = pytest.mark.e2e

DOSSIERS = 60


async def _submit_many(system: RunningSystem) -> list[str]:
    async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=30) as client:
        responses = await asyncio.gather(
            *(client.post("/api/v1/dossiers", json=birth_form()) for _ in range(DOSSIERS))
        )
    assert all(r.status_code == 202 for r in responses)
    return [r.json()["dossier_id"] for r in responses]


async def _finish_all(system: RunningSystem, ids: list[str]) -> list[str]:
    async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=30) as client:
        done = [await wait_for_dossier(client, dossier_id, timeout_s=60) for dossier_id in ids]
    return [d["status"] for d in done]


async def test_dossiers_in_flight_during_a_restart_all_complete_once(tmp_path: Path) -> None:
    with running_system(tmp_path) as first:
        before = counts(first)
        ids = await _submit_many(first)
    # Stopped at once: most events were still on their way between agencies.

    with running_system(tmp_path) as second:
        statuses = await _finish_all(second, ids)
        after = counts(second)

    assert statuses == ["completed"] * DOSSIERS
    assert {key: after[key] - before[key] for key in after} == {
        "births": DOSSIERS,
        "citizens": DOSSIERS,
        "cards": DOSSIERS,
        "dossiers": DOSSIERS,
    }
