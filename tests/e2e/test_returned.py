"""Returned for completion on the real system: a return, a completion, a return left to run out.

On a clock running one simulated day per real second from Monday 23/11/2026 09:00 (Vietnam),
7 working days after a return end nine to eleven days later: about ten real seconds.
The requester completes one returned dossier at once; the other is left alone, and the
gateway's own sweep rejects it when its time runs out. ``lienthong verify`` then finds nothing
lost, stuck or applied twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import pytest_asyncio

from lienthong.runtime.clock import clock_environment
from tests.e2e.chaos import verified
from tests.e2e.helpers import (
    RunningSystem,
    birth_form,
    running_system,
    steps_by_agency,
    submit,
    wait_for_dossier,
    wait_until,
)

pytestmark = pytest.mark.e2e

SPEED = 86_400  # one simulated day per real second
START = datetime.fromisoformat("2026-11-23T09:00:00+07:00")  # a Monday morning
VIETNAM = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def fast_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    env = clock_environment(SPEED, START)
    with running_system(
        tmp_path_factory.mktemp("returned"), RETURNED_SWEEP_INTERVAL_MS="200", **env
    ) as running:
        yield running


@pytest_asyncio.fixture(scope="module")
async def gateway(fast_system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fast_system.urls["gateway"], timeout=10) as client:
        yield client


def unmarried(**child: Any) -> dict[str, Any]:
    """The example birth with a father but no marriage certificate: to be returned."""
    form = birth_form(**child)
    del form["marriage_certificate_number"]
    return form


async def returned(gateway: httpx.AsyncClient, dossier_id: str) -> dict[str, Any]:
    view: dict[str, Any] = {}

    async def is_returned() -> bool:
        nonlocal view
        view = (await gateway.get(f"/api/v1/dossiers/{dossier_id}")).json()
        return bool(view["status"] == "returned")

    await wait_until(is_returned, what=f"dossier {dossier_id} returned")
    return view


async def test_returned_then_completed_or_rejected_when_its_time_ran_out(
    fast_system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    completed_later = await submit(gateway, unmarried())
    left_alone = await submit(gateway, unmarried())

    first = await returned(gateway, completed_later)
    assert first["due_at"] is None
    (item,) = steps_by_agency(first)["civil_registry"]["result"]["items"]
    assert item["field"] == "marriage_certificate_number"
    answer = await gateway.post(
        f"/api/v1/dossiers/{completed_later}/completion",
        json={"paternity_evidence": "XN-ADN-2026-0153"},
    )
    assert answer.status_code == 202, answer.text

    done = await wait_for_dossier(gateway, completed_later)
    assert done["status"] == "completed", done
    assert steps_by_agency(done)["civil_registry"]["result"]["personal_id"]

    alone = await returned(gateway, left_alone)
    step = steps_by_agency(alone)["civil_registry"]
    complete_by = datetime.fromisoformat(step["due_at"])
    returned_on = datetime.fromisoformat(step["result"]["returned_on"]).date()
    # The clock ran on while the services started, so the day of the return is not known in
    # advance: 7 working days after it span one weekend at least (9 days), two at most (11
    # days, from a Thursday or a Friday), and one more day across New Year's Day.
    span = (complete_by.astimezone(VIETNAM).date() - returned_on).days
    assert 9 <= span <= 12, (returned_on, complete_by)
    expired = await wait_for_dossier(gateway, left_alone, timeout_s=40)
    registry = steps_by_agency(expired)["civil_registry"]
    assert expired["status"] == "rejected"
    assert registry["reason"]["code"] == "not_completed_in_time"
    assert datetime.fromisoformat(registry["finished_at"]).astimezone(UTC) == complete_by
    assert (
        fast_system.count("civil_registry", "SELECT COUNT(*) FROM birth_registrations") == 1
    )  # the completed one only

    report = verified(fast_system)
    assert report["dossiers"]["birth"]["rejected"] == 1
