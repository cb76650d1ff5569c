"""Returned for completion, through the chain in-process on real databases (domain.md, birth 5).

A dossier declaring a father without the parents' marriage certificate or evidence of paternity
is incomplete (Decree 123/2015/NĐ-CP art. 15): the civil registry returns it, nothing is
registered, and the requester has 7 working days to complete it through the portal, or it is
rejected with ``not_completed_in_time``.

Every expected time is counted by hand on the 2026 calendar: the clock starts on Monday
16/11/2026 09:30 in Vietnam, and no public holiday falls before 1/1/2027. A return on Monday 16
gives Tue 17, Wed 18, Thu 19, Fri 20, Mon 23, Tue 24 and Wed 25: complete by Wed 25/11 at
23:59:59. A dossier completed on Friday 20 before 15:00 counts that day as day 1 of its
3-working-day limit: due Tue 24/11 at 23:59:59.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlmodel import select

from services.civil_registry.models import BirthRegistration
from services.gateway.handlers import Tracker
from services.gateway.returned_sweep import reject_expired
from tests.helpers import ManualClock
from tests.integration.conftest import NOW, STORES, InProcessSystem, open_system
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    count,
    dossier_view,
    instant,
    known_to_registry,
    run_chain,
    seeded_mothers,
    seeded_parents,
    steps_by_agency,
    submit,
)

VIETNAM = timezone(timedelta(hours=7))
Chain = tuple[InProcessSystem, httpx.AsyncClient, ManualClock, dict[str, Any]]


def end_of_day(day: date) -> datetime:
    """23:59:59 in Vietnam on ``day``, in UTC."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VIETNAM).astimezone(UTC)


def vietnam(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM)


@pytest_asyncio.fixture(params=STORES)
async def chain(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Chain]:
    """The system on a clock that moves only when told, and Form 01 declaring a father with
    neither a marriage certificate nor evidence of paternity."""
    clock = ManualClock(NOW)
    async with open_system(tmp_path, clock=clock, store=request.param) as system:
        (mother,) = await seeded_mothers(system)
        (father,) = await seeded_parents(system, "male", heads=False)
        for person in (mother, father):
            known_to_registry(system, person)
        form = birth_form_for(mother)
        form["father"] = {
            "full_name": father.full_name,
            "date_of_birth": father.date_of_birth.isoformat(),
            "personal_id": father.personal_id,
        }
        async with client_of(system.services["gateway"]) as client:
            yield system, client, clock, form


async def stats(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/stats", params={"flow": "birth"})
    assert response.status_code == 200, response.text
    figures: dict[str, Any] = response.json()["flows"]["birth"]
    return figures


async def returned_dossier(system: InProcessSystem, client: httpx.AsyncClient, form: Any) -> str:
    dossier_id = await submit(client, form)
    await run_chain(system)
    return dossier_id


async def test_a_father_without_marriage_or_evidence_is_returned_with_what_to_supply(
    chain: Chain,
) -> None:
    system, client, clock, form = chain
    dossier_id = await returned_dossier(system, client, form)

    view = await dossier_view(client, dossier_id)
    steps = steps_by_agency(view)
    registry = steps["civil_registry"]

    assert view["status"] == "returned"
    assert registry["status"] == "returned"
    (item,) = registry["result"]["items"]
    assert item["field"] == "marriage_certificate_number"
    assert "paternity" in item["message"] and item["message_vi"]
    assert registry["result"]["returned_on"] == "2026-11-16"
    assert instant(registry["due_at"]) == end_of_day(date(2026, 11, 25))
    assert instant(registry["result"]["complete_by"]) == end_of_day(date(2026, 11, 25))
    assert view["due_at"] is None  # the group's clock stops while the requester holds it
    assert steps["population"]["started_at"] is None
    assert await count(system.services["civil_registry"].db, BirthRegistration) == 0
    figures = await stats(client)
    assert figures["dossiers"]["returned"] == 1
    assert figures["agencies"]["civil_registry"]["returned"] == 1
    assert figures["agencies"]["civil_registry"]["sent"] == 1

    # Thursday 19: past the 3 working days a complete dossier would have had, not overdue.
    clock.advance(vietnam(date(2026, 11, 19), 10) - clock.now())
    late = await client.get("/api/v1/dossiers", params={"overdue": "true"})
    assert late.status_code == 200 and late.json() == []


async def test_a_completed_dossier_goes_back_to_the_registry_on_a_fresh_limit(
    chain: Chain,
) -> None:
    system, client, clock, form = chain
    dossier_id = await returned_dossier(system, client, form)
    clock.advance(vietnam(date(2026, 11, 20), 10) - clock.now())

    answer = await client.post(
        f"/api/v1/dossiers/{dossier_id}/completion",
        json={"paternity_evidence": "XN-ADN-2026-0153"},
    )

    assert answer.status_code == 202, answer.text
    assert answer.json() == {"dossier_id": dossier_id, "status": "submitted"}
    assert answer.headers["location"] == f"/api/v1/dossiers/{dossier_id}"
    waiting = await dossier_view(client, dossier_id)
    assert instant(waiting["due_at"]) == end_of_day(date(2026, 11, 24))
    registry = steps_by_agency(waiting)["civil_registry"]
    assert registry["status"] == "pending"
    assert instant(registry["started_at"]) == vietnam(date(2026, 11, 20), 10)
    assert instant(registry["due_at"]) == end_of_day(date(2026, 11, 20))  # its 1 day: Friday

    await run_chain(system, rounds=3)
    done = await dossier_view(client, dossier_id)
    assert done["status"] == "completed", done
    assert steps_by_agency(done)["civil_registry"]["result"]["personal_id"]
    async with system.services["civil_registry"].db.read_session() as session:
        (registration,) = (await session.exec(select(BirthRegistration))).all()
    assert registration.father_personal_id == form["father"]["personal_id"]
    figures = await stats(client)
    assert (figures["dossiers"]["returned"], figures["dossiers"]["completed"]) == (0, 1)
    assert figures["agencies"]["civil_registry"]["returned"] == 0

    again = await client.post(f"/api/v1/dossiers/{dossier_id}/completion", json={"x": 1})
    assert again.status_code == 409, again.text
    assert again.json()["detail"][0]["loc"] == ["path", "dossier_id"]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({}, ["body"]),
        ({"kind": "death"}, ["body", "kind"]),
        ({"paternity_evidence": ""}, ["body", "paternity_evidence"]),
        ({"no_such_field": 1}, ["body", "no_such_field"]),
        ({"child": {**{"given_name": "An"}}}, ["body", "child", "family_name"]),
    ],
)
async def test_a_bad_completion_is_a_422_at_the_field_and_changes_nothing(
    chain: Chain, changes: dict[str, Any], where: list[str]
) -> None:
    system, client, _, form = chain
    dossier_id = await returned_dossier(system, client, form)

    answer = await client.post(f"/api/v1/dossiers/{dossier_id}/completion", json=changes)

    assert answer.status_code == 422, answer.text
    assert where in [error["loc"] for error in answer.json()["detail"]]
    assert (await dossier_view(client, dossier_id))["status"] == "returned"


async def test_completing_an_unknown_or_unreturned_dossier_is_refused(chain: Chain) -> None:
    system, client, _, form = chain
    married = await submit(client, {**form, "marriage_certificate_number": "45/2019/KH"})
    await run_chain(system)

    unknown = await client.post("/api/v1/dossiers/nope/completion", json={"x": 1})
    not_returned = await client.post(f"/api/v1/dossiers/{married}/completion", json={"x": 1})
    not_an_object = await client.post(f"/api/v1/dossiers/{married}/completion", json=[1])

    assert unknown.status_code == 404, unknown.text
    assert not_returned.status_code == 409, not_returned.text
    assert "completed, not returned" in not_returned.json()["detail"][0]["msg"]
    assert not_an_object.status_code == 422, not_an_object.text


async def test_a_dossier_not_completed_in_time_is_rejected_when_its_time_ran_out(
    chain: Chain,
) -> None:
    system, client, clock, form = chain
    dossier_id = await returned_dossier(system, client, form)
    gateway = system.services["gateway"]
    assert isinstance(gateway.handlers, Tracker)

    clock.advance(end_of_day(date(2026, 11, 25)) - clock.now())  # the last instant: still open
    await reject_expired(gateway, gateway.handlers)
    assert (await dossier_view(client, dossier_id))["status"] == "returned"
    clock.advance(timedelta(hours=9))  # Thursday 26, 09:00
    await reject_expired(gateway, gateway.handlers)  # (the gateway's own sweep may be first)

    view = await dossier_view(client, dossier_id)
    steps = steps_by_agency(view)
    assert view["status"] == "rejected"
    assert steps["civil_registry"]["reason"]["code"] == "not_completed_in_time"
    assert instant(steps["civil_registry"]["finished_at"]) == end_of_day(date(2026, 11, 25))
    assert instant(view["completed_at"]) is None
    assert (steps["population"]["status"], steps["insurance"]["status"]) == ("skipped", "skipped")
    assert view["overdue"] is False  # the requester's time ran out, not an agency's
    figures = await stats(client)
    assert (figures["dossiers"]["returned"], figures["dossiers"]["rejected"]) == (0, 1)
    assert figures["agencies"]["civil_registry"]["rejected_by_reason"] == {
        "not_completed_in_time": 1
    }
    assert figures["on_time"] == 1
    late = await client.post(
        f"/api/v1/dossiers/{dossier_id}/completion", json={"paternity_evidence": "XN-1"}
    )
    assert late.status_code == 409, late.text
