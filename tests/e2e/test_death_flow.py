"""The death flow end to end: khai tử → xóa thường trú ∥ mai táng, with every outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from lienthong.chaos.load import death_form
from lienthong.contracts.services import AGENCIES
from lienthong.domain.calendar import load_vietnam_calendar, vietnam_date
from tests.e2e.helpers import (
    RunningSystem,
    birth_form,
    load_example,
    steps_by_agency,
    submit,
    wait_for_dossier,
)

pytestmark = pytest.mark.e2e


def death_counts(system: RunningSystem, personal_id: str) -> dict[str, int]:
    """What each agency's own database says about one death."""
    return {
        "registrations": system.count(
            "civil_registry",
            "SELECT COUNT(*) FROM death_registrations WHERE deceased_personal_id = ?",
            personal_id,
        ),
        "alive": system.count(
            "population",
            "SELECT COUNT(*) FROM citizens WHERE personal_id = ? AND alive",
            personal_id,
        ),
        "resident": system.count(
            "population",
            "SELECT COUNT(*) FROM citizens WHERE personal_id = ? AND commune_code IS NOT NULL",
            personal_id,
        ),
        "benefits": system.count(
            "insurance",
            "SELECT COUNT(*) FROM funeral_benefits WHERE personal_id = ?",
            personal_id,
        ),
        "active_cards": system.count(
            "insurance",
            "SELECT COUNT(*) FROM health_cards WHERE personal_id = ? AND status = 'active'",
            personal_id,
        ),
    }


# Deaths on 2026-11-15: reference level 2,530,000 (from 1/7/2026) × 10; standard assistance
# level 500,000 × 20.
OUTCOMES = [
    ("death-pensioner", "funeral_allowance", 25_300_000, None),
    ("death-insured", "funeral_allowance", 25_300_000, None),
    ("death-assistance", "funeral_support", 10_000_000, None),
    ("death-uninsured", "none", 0, "not_insured"),
]


@pytest.mark.parametrize(("example", "benefit", "amount", "denial"), OUTCOMES)
async def test_each_funeral_outcome(
    system: RunningSystem,
    gateway: httpx.AsyncClient,
    example: str,
    benefit: str,
    amount: int,
    denial: str | None,
) -> None:
    form = load_example(example)
    personal_id = form["deceased"]["personal_id"]
    assert death_counts(system, personal_id) == {
        "registrations": 0,
        "alive": 1,
        "resident": 1,
        "benefits": 0,
        "active_cards": 0,
    }

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    assert dossier["status"] == "completed", dossier
    steps = steps_by_agency(dossier)
    assert steps["civil_registry"]["result"]["death_extract_number"].startswith("TLKT-")
    # The examples' deaths are dated 2026-11-15: late when the dossier was submitted (not when
    # this test runs) after the 15th day from the death (Luật Hộ tịch art. 33), a 15th day off
    # moved to the next working day (Bộ luật Dân sự art. 148(5)).
    last = date.fromisoformat(form["date_of_death"]) + timedelta(days=15)
    calendar = load_vietnam_calendar(strict=False)
    while not calendar.is_working_day(last):
        last += timedelta(days=1)
    late = vietnam_date(datetime.fromisoformat(dossier["submitted_at"])) > last
    assert steps["civil_registry"]["result"]["late_registration"] is late
    assert steps["population"]["result"]["residence_removed_on"]
    insurance = steps["insurance"]
    assert insurance["status"] == "done"
    assert (insurance["result"]["benefit"], insurance["result"]["amount_vnd"]) == (benefit, amount)
    assert (insurance["reason"] or {}).get("code") == denial
    # Population and insurance both start when the death is registered: they run in parallel.
    registered_at = steps["civil_registry"]["finished_at"]
    assert steps["population"]["started_at"] == steps["insurance"]["started_at"] == registered_at
    assert death_counts(system, personal_id) == {
        "registrations": 1,
        "alive": 0,
        "resident": 0,
        "benefits": 1,
        "active_cards": 0,
    }


async def _citizen(system: RunningSystem, personal_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=system.urls["population"]) as client:
        response = await client.get(f"/api/v1/citizens/{personal_id}")
    assert response.status_code == 200, response.text
    citizen: dict[str, Any] = response.json()
    return citizen


_used: set[str] = set()


async def living_person(system: RunningSystem, **filters: Any) -> dict[str, Any]:
    """A living, non-head citizen matching the filters that no other test has used."""
    params = {"alive": "true", "household_head": "false", "limit": 500, **filters}
    async with httpx.AsyncClient(base_url=system.urls["population"]) as client:
        people = (await client.get("/api/v1/citizens", params=params)).json()["items"]
    examples = {
        load_example(f"death-{k}")["deceased"]["personal_id"]
        for k in ("pensioner", "insured", "assistance", "uninsured")
    }
    for person in people:
        if person["personal_id"] not in _used | examples:
            _used.add(person["personal_id"])
            return dict(person)
    raise AssertionError(f"no unused living citizen for {filters}")


def death_of(citizen: dict[str, Any], died: date | None = None) -> dict[str, Any]:
    """A Form 02 for a citizen as the population database knows them."""
    return death_form(citizen, died or date.today() - timedelta(days=2))


async def test_a_child_born_then_dying_loses_the_health_card(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    birth = await wait_for_dossier(gateway, await submit(gateway, birth_form()))
    child_id = steps_by_agency(birth)["population"]["result"]["personal_id"]
    card = steps_by_agency(birth)["insurance"]["result"]["card_code"]
    assert death_counts(system, child_id)["active_cards"] == 1

    death = await wait_for_dossier(
        gateway, await submit(gateway, death_of(await _citizen(system, child_id), date.today()))
    )

    assert death["status"] == "completed", death
    insurance = steps_by_agency(death)["insurance"]
    assert insurance["result"]["cards_ended"] == [card]
    assert insurance["result"]["benefit"] == "none"
    assert death_counts(system, child_id)["active_cards"] == 0
    assert (
        system.count(
            "insurance",
            "SELECT COUNT(*) FROM health_cards WHERE card_code = ? AND status = 'ended' "
            "AND ended_on = ?",
            card,
            date.today().isoformat(),
        )
        == 1
    )


async def test_second_death_of_the_same_person_is_refused(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    person = await living_person(system, min_age=70)
    first = await wait_for_dossier(gateway, await submit(gateway, death_of(person)))
    second = await wait_for_dossier(gateway, await submit(gateway, death_of(person)))

    assert first["status"] == "completed"
    assert second["status"] == "rejected"
    assert steps_by_agency(second)["civil_registry"]["reason"]["code"] == "already_deceased"
    assert death_counts(system, person["personal_id"])["registrations"] == 1


async def test_unknown_and_mismatched_deceased_are_refused(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    person = await living_person(system, min_age=40)
    unknown = death_of(person)
    unknown["deceased"]["personal_id"] = person["personal_id"][:6] + "000000"
    mismatch = death_of(person)
    mismatch["deceased"]["full_name"] = "Tên Khác Hẳn"

    refused_unknown = await wait_for_dossier(gateway, await submit(gateway, unknown))
    refused_mismatch = await wait_for_dossier(gateway, await submit(gateway, mismatch))

    assert steps_by_agency(refused_unknown)["civil_registry"]["reason"]["code"] == (
        "deceased_not_found"
    )
    assert steps_by_agency(refused_mismatch)["civil_registry"]["reason"]["code"] == (
        "deceased_data_mismatch"
    )
    for refused in (refused_unknown, refused_mismatch):
        assert refused["status"] == "rejected"
        assert steps_by_agency(refused)["population"]["started_at"] is None
        assert steps_by_agency(refused)["insurance"]["started_at"] is None


async def test_late_registration_is_registered_as_late(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    person = await living_person(system, min_age=60)
    form = death_of(person, date.today() - timedelta(days=40))
    form["late_registration_reason"] = "Gia đình ở xa"

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    assert dossier["status"] == "completed"
    assert steps_by_agency(dossier)["civil_registry"]["result"]["late_registration"] is True


async def test_death_of_a_household_head_hands_the_household_over(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    async with httpx.AsyncClient(base_url=system.urls["population"]) as client:
        heads = (
            await client.get(
                "/api/v1/citizens",
                params={
                    "alive": "true",
                    "household_head": "true",
                    "min_age": 50,
                    "province_code": "40",
                    "limit": 50,
                },
            )
        ).json()["items"]
        for head in heads:
            household = (await client.get(f"/api/v1/households/{head['household_id']}")).json()
            others = [
                m
                for m in household["members"]
                if m["alive"] and m["personal_id"] != head["personal_id"]
            ]
            if others:
                break
        else:
            pytest.fail("no household head with living members in province 40")
        oldest = min(others, key=lambda m: (m["date_of_birth"], m["personal_id"]))

        dossier = await wait_for_dossier(gateway, await submit(gateway, death_of(head)))

        assert dossier["status"] == "completed"
        result = steps_by_agency(dossier)["population"]["result"]
        assert result["new_household_head_personal_id"] == oldest["personal_id"]
        after = (await client.get(f"/api/v1/households/{head['household_id']}")).json()
    assert after["head_personal_id"] == oldest["personal_id"]
    assert head["personal_id"] not in {m["personal_id"] for m in after["members"]}


async def test_birth_to_a_mother_who_died_before_it_is_refused(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    form = birth_form()
    async with httpx.AsyncClient(base_url=system.urls["population"]) as client:
        deceased = (
            await client.get(
                "/api/v1/citizens",
                params={"alive": "false", "sex": "female", "min_age": 18, "limit": 500},
            )
        ).json()["items"]
    # Other tests record deaths today; take a woman of the seed who died before the birth.
    dead = next(
        person for person in deceased if person["date_of_death"] < form["child"]["date_of_birth"]
    )
    form["mother"] = {key: dead[key] for key in ("full_name", "date_of_birth", "personal_id")}

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    assert steps_by_agency(dossier)["civil_registry"]["reason"]["code"] == (
        "parent_deceased_before_birth"
    )


@pytest.mark.parametrize(
    ("path", "value", "loc"),
    [
        (("deceased", "personal_id"), "12345", ["body", "deceased", "personal_id"]),
        (("date_of_death",), "2999-01-01", ["body", "date_of_death"]),
        (("date_of_death",), "1900-01-01", ["body", "date_of_death"]),
        (("place_of_death", "commune_code"), "99999", ["body", "place_of_death", "commune_code"]),
    ],
)
async def test_malformed_death_forms_get_field_level_422(
    gateway: httpx.AsyncClient, path: tuple[str, ...], value: str, loc: list[str]
) -> None:
    form = load_example("death-uninsured")
    target = form
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value

    response = await gateway.post("/api/v1/dossiers", json=form)

    assert response.status_code == 422, response.text
    assert any(error["loc"] == loc for error in response.json()["detail"]), response.json()


async def test_stats_count_deaths_and_their_timeliness(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    before = (await gateway.get("/api/v1/stats")).json()["flows"]["death"]

    dossier = await wait_for_dossier(
        gateway, await submit(gateway, death_of(await living_person(system, min_age=50)))
    )

    after = (await gateway.get("/api/v1/stats")).json()["flows"]["death"]
    assert dossier["status"] == "completed" and dossier["overdue"] is False
    assert dossier["due_at"] > dossier["submitted_at"]
    assert after["dossiers"]["completed"] == before["dossiers"]["completed"] + 1
    assert after["on_time"] == before["on_time"] + 1
    assert after["overdue"] == before["overdue"]
    for agency in AGENCIES:
        assert after["agencies"][agency]["synced"] == before["agencies"][agency]["synced"] + 1
        assert after["agencies"][agency]["on_time"] == before["agencies"][agency]["on_time"] + 1
