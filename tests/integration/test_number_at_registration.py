"""The child's personal ID number is obtained while the birth is registered (domain primer,
lines 24–26): it is on the birth registration and certificate, the residence and BHYT steps use
that same number, and a child whose residence step fails still has it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS
from lienthong.domain.personal_id import validate_personal_id
from services.civil_registry.models import BirthRegistration
from services.insurance.models import HealthCard
from services.population.models import Citizen
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    dossier_view,
    known_to_registry,
    run_chain,
    seeded_mothers,
    steps_by_agency,
    submit,
)

NEWBORNS = "/api/v1/citizens/newborns"


async def _children_of(system: InProcessSystem, mother_id: str) -> list[Citizen]:
    async with system.services["population"].db.read_session() as session:
        rows = await session.exec(
            select(Citizen).where(
                Citizen.mother_personal_id == mother_id,
                Citizen.source == "birth_registration",
            )
        )
        return list(rows.all())


async def test_the_number_is_on_the_certificate_and_every_later_step_uses_it(
    system: InProcessSystem,
) -> None:
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    async with client_of(system.services["gateway"]) as client:
        dossier_id = await submit(client, birth_form_for(mother))
        await run_chain(system)
        view = await dossier_view(client, dossier_id)

    assert view["status"] == "completed", view
    steps = steps_by_agency(view)
    number = steps["civil_registry"]["result"]["personal_id"]
    assert validate_personal_id(number) == number
    # The mother's commune registers a boy born in 2026: PPP is its province's code on three
    # digits, G 2 (21st century, male), YY 26 (Thông tư 59/2021/TT-BCA art. 7).
    assert number[:6] == f"0{mother.province_code}226"
    assert steps["population"]["result"]["personal_id"] == number
    async with system.services["insurance"].db.read_session() as session:
        cards = await session.exec(
            select(HealthCard.personal_id).where(
                HealthCard.card_code == steps["insurance"]["result"]["card_code"]
            )
        )
        assert list(cards.all()) == [number]
    (event,) = system.broker.events(CIVIL_REGISTRY_EVENTS)
    assert event.data["personal_id"] == number
    async with system.services["civil_registry"].db.read_session() as session:
        (registration,) = (await session.exec(select(BirthRegistration))).all()
    assert registration.personal_id == number
    (child,) = await _children_of(system, mother.personal_id)
    assert (child.personal_id, child.birth_dossier_id) == (number, dossier_id)
    assert child.household_id == mother.household_id


async def test_a_child_whose_residence_fails_still_has_its_number(
    system: InProcessSystem,
) -> None:
    mother, other = await seeded_mothers(system, how_many=2)
    known_to_registry(system, mother)
    form: dict[str, Any] = birth_form_for(mother)
    # The household of another woman, who has not consented: population refuses the residence.
    form["residence"]["household_head_personal_id"] = other.personal_id
    form["residence"]["commune_code"] = mother.commune_code
    async with client_of(system.services["gateway"]) as client:
        dossier_id = await submit(client, form)
        await run_chain(system)
        view = await dossier_view(client, dossier_id)

    steps = steps_by_agency(view)
    number = steps["civil_registry"]["result"]["personal_id"]
    assert steps["population"]["status"] == "rejected", view
    (child,) = await _children_of(system, mother.personal_id)
    assert child.personal_id == number
    assert (child.household_id, child.birth_registration_number) == (None, None)


async def test_the_same_birth_submitted_twice_is_numbered_once(system: InProcessSystem) -> None:
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    async with client_of(system.services["gateway"]) as client:
        first = await submit(client, birth_form_for(mother))
        await run_chain(system)
        second_form = birth_form_for(mother)
        second_form["medical_birth_certificate_number"] += "-2"  # another dossier, same birth
        second = await submit(client, second_form)
        await run_chain(system)
        views = [await dossier_view(client, dossier_id) for dossier_id in (first, second)]

    assert [view["status"] for view in views] == ["completed", "rejected"]
    children = await _children_of(system, mother.personal_id)
    assert len(children) == 1
    async with system.services["population"].db.read_session() as session:
        numbered = await session.exec(
            select(Citizen.personal_id).where(col(Citizen.birth_dossier_id).in_([first, second]))
        )
        assert list(numbered.all()) == [children[0].personal_id]


def _newborn(dossier_id: str, mother: Citizen) -> dict[str, Any]:
    return {
        "dossier_id": dossier_id,
        "family_name": mother.family_name,
        "middle_name": "Minh",
        "given_name": "An",
        "sex": "female",
        "date_of_birth": "2026-11-10",
        "birth_province_code": "79",
        "mother_personal_id": mother.personal_id,
    }


async def test_the_numbering_route_answers_a_retry_with_the_same_number(
    system: InProcessSystem,
) -> None:
    (mother,) = await seeded_mothers(system)
    body = {"births": [_newborn("d-1", mother)]}
    async with client_of(system.services["population"]) as client:
        first = await client.post(NEWBORNS, json=body)
        again = await client.post(NEWBORNS, json=body)

    assert first.status_code == again.status_code == 200, first.text
    (issued,) = first.json()["issued"]
    # TP. Hồ Chí Minh (79) numbers a girl born in 2026: PPP 079, G 3, YY 26.
    assert issued["personal_id"][:6] == "079326"
    assert issued["already_issued"] is False
    assert again.json()["issued"] == [{**issued, "already_issued": True}]
    assert len(await _children_of(system, mother.personal_id)) == 1


async def test_a_malformed_numbering_request_is_422_with_its_fields(
    system: InProcessSystem,
) -> None:
    (mother,) = await seeded_mothers(system)
    bad = {**_newborn("d-1", mother), "sex": "x", "birth_province_code": "7"}
    async with client_of(system.services["population"]) as client:
        response = await client.post(NEWBORNS, json={"births": [bad]})
        empty = await client.post(NEWBORNS, json={"births": []})

    assert response.status_code == 422
    places = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert places == {
        ("body", "births", 0, "sex"),
        ("body", "births", 0, "birth_province_code"),
    }
    assert empty.status_code == 422
    assert await _children_of(system, mother.personal_id) == []
