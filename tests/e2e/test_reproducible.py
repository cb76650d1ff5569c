"""Simulated time and seeded randomness, proved on the real system (broker + four processes).

Two fresh systems started with the same seed, on a simulated clock far from the machine's date,
each take the same birth dossier dated "yesterday" in simulated Vietnam time: both accept it,
complete it, and issue the same personal ID number and the same BHYT card code.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from lienthong.runtime.clock import VIETNAM_TZ, clock_environment
from tests.e2e.helpers import load_example, running_system, wait_for_dossier

pytestmark = pytest.mark.e2e

SIMULATED_START = datetime(2027, 1, 12, 10, 0, tzinfo=VIETNAM_TZ)
"""Tuesday 12/1/2027, 10:00 in Vietnam: whatever the real date and hour of the machine."""


def born_yesterday() -> dict[str, Any]:
    form = load_example("birth")
    form["child"]["date_of_birth"] = "2027-01-11"
    form["child"]["given_name"] = "Khánh"
    return form


async def completed_birth(data_dir: Path, seed: str) -> dict[str, Any]:
    env = {**clock_environment(1.0, SIMULATED_START), "RUN_SEED": seed}
    with running_system(data_dir, **env) as system:
        async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=10) as gateway:
            answer = await gateway.post("/api/v1/dossiers", json=born_yesterday())
            assert answer.status_code == 202, answer.text
            born_tomorrow = born_yesterday()
            born_tomorrow["child"]["date_of_birth"] = "2027-01-13"
            refused = await gateway.post("/api/v1/dossiers", json=born_tomorrow)
            assert refused.status_code == 422
            assert refused.json()["detail"][0]["loc"] == ["body", "child", "date_of_birth"]
            return await wait_for_dossier(gateway, answer.json()["dossier_id"])


def results(dossier: dict[str, Any]) -> dict[str, Any]:
    return {step["agency"]: step["result"] for step in dossier["steps"]}


@pytest.fixture
def two_data_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two empty data directories: two fresh systems."""
    return tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")


async def test_same_seed_same_dossier_same_identifiers(two_data_dirs: tuple[Path, Path]) -> None:
    first = await completed_birth(two_data_dirs[0], seed="11")
    second = await completed_birth(two_data_dirs[1], seed="11")

    assert first["status"] == second["status"] == "completed"
    assert first["dossier_id"] == second["dossier_id"]
    personal_id = results(first)["population"]["personal_id"]
    card_code = results(first)["insurance"]["card_code"]
    assert personal_id == results(second)["population"]["personal_id"]
    assert card_code == results(second)["insurance"]["card_code"]
    # Thông tư 59/2021: Hà Nội (registering commune 0…) + 2000s male "2" + born 2027 "27".
    assert personal_id[:6] == "001227"
    assert card_code.startswith("TE101")
    # The dossier was received on 12/1/2027 (simulated), not on the machine's date.
    assert first["submitted_at"].startswith("2027-01-12T03:00")
