"""A rolling upgrade of insurance from ``health_card_issued`` v1 to v2, with dossiers flowing.

Issue 10, versioned events, on the real broker and the four real processes: the gateway
already accepts both versions (consumers upgrade first); insurance starts on the default v1,
births complete; then only the insurance process is switched to v2 — ``lienthong restart
insurance`` while births are in flight, the supervisor starting the new process with
``CARD_EVENT_VERSION=2`` in its environment — and more births follow. Every dossier completes
exactly once, the insurance topic holds both types (each keyed by its dossier, each valid
against the published schema of its type), and the gateway shows the same result keys for
every card whichever version announced it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from lienthong.contracts.topics import INSURANCE_EVENTS
from tests.cloudevents_sdk import read_topics
from tests.e2e.helpers import (
    ROOT,
    RunningSystem,
    birth_form,
    counts,
    running_system,
    steps_by_agency,
    submit,
    wait_for_dossier,
)
from tests.published_schemas import schema_errors

pytestmark = pytest.mark.e2e

V1 = "vn.lienthong.insurance.health_card_issued.v1"
V2 = "vn.lienthong.insurance.health_card_issued.v2"
PER_PHASE = 5
STEP_KEYS = {"card_code", "valid_from", "valid_until", "initial_clinic_code"}


async def _submit(client: httpx.AsyncClient) -> list[str]:
    return list(await asyncio.gather(*(submit(client, birth_form()) for _ in range(PER_PHASE))))


async def _finish(client: httpx.AsyncClient, ids: list[str]) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(wait_for_dossier(client, d, timeout_s=30) for d in ids)))


async def _restart_insurance(data_dir: Path) -> str:
    """``lienthong restart insurance``: its SIGTERM is a requested exit, so the supervisor
    starts the new process at once, with the environment of this moment."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LIENTHONG_")}
    command = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "lienthong", "restart", "insurance"),
        *("--timeout", "60", "--data-dir", str(data_dir)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    out, err = await asyncio.wait_for(command.communicate(), timeout=90)
    assert command.returncode == 0, (out + err).decode()
    return out.decode()


def _outbox(system: RunningSystem, event_type: str) -> int:
    """Card events of ``event_type`` insurance published (its outbox keeps what it sent)."""
    sql = "SELECT COUNT(*) FROM outbox WHERE event_type = ? AND published_at IS NOT NULL"
    return system.count("insurance", sql, event_type)


async def test_a_rolling_upgrade_from_v1_to_v2_loses_and_repeats_no_dossier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARD_EVENT_VERSION", raising=False)  # insurance starts on the default
    with running_system(tmp_path) as system:
        before = counts(system)
        async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=30) as client:
            on_v1 = await _submit(client)
            finished = await _finish(client, on_v1)
            assert _outbox(system, V1) == PER_PHASE and _outbox(system, V2) == 0

            # The upgrade: the next insurance process reads CARD_EVENT_VERSION=2 (the
            # supervisor passes its own environment on); the other three keep running.
            monkeypatch.setenv("CARD_EVENT_VERSION", "2")
            in_flight = await _submit(client)
            said = await _restart_insurance(tmp_path)
            assert said.startswith("insurance restarted as pid ")
            on_v2 = await _submit(client)
            finished += await _finish(client, in_flight + on_v2)
        after = counts(system)
        v1, v2 = _outbox(system, V1), _outbox(system, V2)
        records = await read_topics(system.bootstrap_servers, [INSURANCE_EVENTS])

    ids = on_v1 + in_flight + on_v2
    assert len(set(ids)) == 3 * PER_PHASE
    assert [dossier["status"] for dossier in finished] == ["completed"] * len(ids)
    assert {key: after[key] - before[key] for key in after} == dict.fromkeys(
        ("births", "citizens", "cards", "dossiers"), len(ids)
    )
    # One announcement per card: the first births' in v1, the last ones' in v2, those in
    # flight during the restart in either.
    assert v1 + v2 == len(ids)
    assert PER_PHASE <= v1 <= 2 * PER_PHASE and PER_PHASE <= v2 <= 2 * PER_PHASE
    announced: dict[str, set[str]] = {}  # dossier id (the message key) → card event types
    for record in records:
        assert schema_errors(record.value) == [], record.value
        event_type = str(json.loads(record.value)["type"])
        announced.setdefault(record.key.decode(), set()).add(event_type)
    assert set(announced) == set(ids)
    assert all(announced[d] == {V1} for d in on_v1) and all(announced[d] == {V2} for d in on_v2)
    assert all(len(announced[d]) == 1 for d in in_flight)
    for dossier in finished:
        result = steps_by_agency(dossier)["insurance"]["result"]
        assert set(result) == STEP_KEYS, dossier
        assert result["card_code"].startswith("TE101") and len(result["card_code"]) == 15
