"""Electronic and paper inputs and outputs, through the chain in-process on real SQLite.

The hospital's birth certificate (giấy chứng sinh) is electronic — checked against the health
facility's register — or paper, which the civil registry verifies: the group's limit becomes 5
working days instead of 3 (domain.md, birth step 4; Decree 63/2024). The form's
``delivery.method`` decides whether the results are electronic (VNeID, e-mail) or paper (post,
at the office), and the dossier says which, document by document.

The in-process clock reads Monday 16/11/2026 09:30 in Vietnam, a working day before the 15:00
cut-off, so Monday is working day 1 and no public holiday falls in that week.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest_asyncio

from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    dossier_view,
    instant,
    known_to_registry,
    run_chain,
    seeded_mothers,
    steps_by_agency,
    submit,
)

VIETNAM = timezone(timedelta(hours=7))
Chain = tuple[InProcessSystem, httpx.AsyncClient, dict[str, Any]]


def end_of_day(day: date) -> datetime:
    """23:59:59 in Vietnam on ``day``, in UTC: when a limit ending that working day expires."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VIETNAM).astimezone(UTC)


@pytest_asyncio.fixture
async def chain(system: InProcessSystem) -> AsyncIterator[Chain]:
    """The system, a client of its gateway, and a birth form of a seeded mother."""
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    async with client_of(system.services["gateway"]) as client:
        yield system, client, birth_form_for(mother)


async def test_a_paper_birth_certificate_is_verified_and_the_group_gets_5_working_days(
    chain: Chain,
) -> None:
    system, client, form = chain
    paper = await submit(client, {**form, "medical_birth_certificate_medium": "paper"})
    electronic_form = {**form, "child": {**form["child"], "given_name": "Bình"}}
    electronic = await submit(client, electronic_form)

    await run_chain(system)
    on_paper, linked = await dossier_view(client, paper), await dossier_view(client, electronic)

    assert (on_paper["status"], linked["status"]) == ("completed", "completed")
    registry = steps_by_agency(on_paper)["civil_registry"]["result"]
    assert registry["medical_birth_certificate_medium"] == "paper"
    assert registry["verification_required"] is True
    unverified = steps_by_agency(linked)["civil_registry"]["result"]
    assert unverified["medical_birth_certificate_medium"] == "electronic"
    assert unverified["verification_required"] is False
    # Mon 16 … Fri 20 with verification (5 working days); Mon 16 … Wed 18 without (3).
    assert instant(on_paper["due_at"]) == end_of_day(date(2026, 11, 20))
    assert instant(linked["due_at"]) == end_of_day(date(2026, 11, 18))
    # The registry's verification does not lengthen the police's own limit: 2 working days
    # from Monday, when the dossier reached them → Tuesday 17.
    for view in (on_paper, linked):
        assert instant(steps_by_agency(view)["population"]["due_at"]) == end_of_day(
            date(2026, 11, 17)
        )


async def test_results_by_post_are_paper_and_by_vneid_electronic_document_by_document(
    chain: Chain,
) -> None:
    system, client, form = chain
    address = "Số 12, phố Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"
    posted = await submit(client, {**form, "delivery": {"method": "post", "address": address}})

    before = (await dossier_view(client, posted))["delivery"]
    await run_chain(system)
    view = await dossier_view(client, posted)

    assert before == {"method": "post", "electronic": False, "address": address, "documents": []}
    steps = steps_by_agency(view)
    assert view["delivery"] == {
        "method": "post",
        "electronic": False,
        "address": address,
        "documents": [
            {
                "document": "birth_certificate",
                "agency": "civil_registry",
                "number": steps["civil_registry"]["result"]["birth_certificate_number"],
                "form": "paper",
            },
            {
                "document": "residence_registration",
                "agency": "population",
                "number": steps["population"]["result"]["household_id"],
                "form": "paper",
            },
            {
                "document": "health_insurance_card",
                "agency": "insurance",
                "number": steps["insurance"]["result"]["card_code"],
                "form": "paper",
            },
        ],
    }
    by_vneid = {**form, "child": {**form["child"], "given_name": "Chi"}}
    electronic = await submit(client, {**by_vneid, "delivery": {"method": "vneid"}})
    await run_chain(system)
    delivered = (await dossier_view(client, electronic))["delivery"]
    assert (delivered["electronic"], delivered["address"]) == (True, None)
    assert [d["form"] for d in delivered["documents"]] == ["electronic"] * 3


async def test_results_by_post_without_an_address_are_refused_at_the_door(chain: Chain) -> None:
    _, client, form = chain

    response = await client.post("/api/v1/dossiers", json={**form, "delivery": {"method": "post"}})

    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "delivery"]
    assert "address is required when method is post" in error["msg"]
