"""The birth flow end to end: HTTP → gateway → Kafka → three agencies → gateway tracking."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from lienthong.contracts.services import AGENCIES
from lienthong.domain.personal_id import Sex, validate_personal_id
from tests.e2e.helpers import (
    RunningSystem,
    birth_form,
    counts,
    load_example,
    steps_by_agency,
    submit,
    wait_for_dossier,
)

pytestmark = pytest.mark.e2e


async def agency_stats(gateway: httpx.AsyncClient) -> dict[str, dict[str, int]]:
    response = await gateway.get("/api/v1/stats")
    assert response.status_code == 200
    agencies: dict[str, dict[str, int]] = response.json()["flows"]["birth"]["agencies"]
    return agencies


async def test_birth_dossier_completes_through_every_agency(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    before, stats_before = counts(system), await agency_stats(gateway)
    form = birth_form()

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    assert dossier["status"] == "completed"
    assert dossier["kind"] == "birth"
    steps = steps_by_agency(dossier)
    assert [s["agency"] for s in dossier["steps"]] == ["civil_registry", "population", "insurance"]
    assert all(s["status"] == "done" and s["reason"] is None for s in dossier["steps"])
    assert steps["civil_registry"]["result"]["birth_certificate_number"]
    personal_id = steps["population"]["result"]["personal_id"]
    # Hà Nội registration (001), male born in the 2000s (2), born 2026 (26).
    assert personal_id[:6] == "001226"
    validate_personal_id(personal_id, sex=Sex.MALE, date_of_birth=date(2026, 11, 2))
    card = steps["insurance"]["result"]
    assert card["card_code"].startswith("TE101") and len(card["card_code"]) == 15
    # Turns 72 months on 2032-11-02, after 30/9: valid to the end of that month.
    assert card["valid_until"] == "2032-11-30"
    # Hops are ordered and each starts when the previous one finished.
    assert steps["population"]["started_at"] == steps["civil_registry"]["finished_at"]
    assert steps["insurance"]["started_at"] == steps["population"]["finished_at"]
    assert dossier["completed_at"] == steps["insurance"]["finished_at"]

    after = counts(system)
    assert {k: after[k] - before[k] for k in after} == {
        "births": 1,
        "citizens": 1,
        "cards": 1,
        "dossiers": 1,
    }
    assert (
        system.count(
            "population",
            "SELECT COUNT(*) FROM citizens WHERE personal_id = ? AND household_id = ?",
            personal_id,
            steps["population"]["result"]["household_id"],
        )
        == 1
    )
    stats_after = await agency_stats(gateway)
    for agency in AGENCIES:
        assert stats_after[agency]["synced"] == stats_before[agency]["synced"] + 1
        assert stats_after[agency]["sent"] == stats_before[agency]["sent"] + 1
        assert stats_after[agency]["pending"] == 0


async def test_unknown_mother_is_rejected_and_later_agencies_do_nothing(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    form = birth_form()
    unknown = "001193000000"  # valid format and sex/year, not in the seed
    assert (
        await httpx.AsyncClient(base_url=system.urls["population"]).get(
            f"/api/v1/citizens/{unknown}"
        )
    ).status_code == 404
    form["mother"]["personal_id"] = unknown
    form["mother"]["date_of_birth"] = "1993-05-05"
    before, stats_before = counts(system), await agency_stats(gateway)

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    assert dossier["status"] == "rejected"
    steps = steps_by_agency(dossier)
    assert steps["civil_registry"]["status"] == "rejected"
    assert steps["civil_registry"]["reason"]["code"] == "mother_not_found"
    assert steps["civil_registry"]["reason"]["message"]
    for later in ("population", "insurance"):
        assert steps[later]["status"] == "skipped"  # refused before them: never sent
        assert steps[later]["started_at"] is None
    after = counts(system)
    assert (after["births"], after["citizens"], after["cards"]) == (
        before["births"],
        before["citizens"],
        before["cards"],
    )
    stats_after = await agency_stats(gateway)
    assert (
        stats_after["civil_registry"]["rejected"] == stats_before["civil_registry"]["rejected"] + 1
    )
    assert stats_after["population"]["sent"] == stats_before["population"]["sent"]


async def test_father_whose_name_differs_is_refused(gateway: httpx.AsyncClient) -> None:
    form = birth_form()
    form["father"]["full_name"] = "Someone Else"

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    assert steps_by_agency(dossier)["civil_registry"]["reason"]["code"] == "father_data_mismatch"


async def test_nfd_names_match_the_nfc_population_record(gateway: httpx.AsyncClient) -> None:
    import unicodedata

    form = birth_form()
    form["mother"]["full_name"] = unicodedata.normalize("NFD", form["mother"]["full_name"])
    assert form["mother"]["full_name"] != load_example()["mother"]["full_name"]

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    assert dossier["status"] == "completed"


async def test_household_head_elsewhere_is_refused_by_population(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    form = birth_form()
    form["residence"]["commune_code"] = "00004"  # Ba Đình, not where the head lives
    assert load_example()["residence"]["commune_code"] != "00004"
    before = counts(system)

    dossier = await wait_for_dossier(gateway, await submit(gateway, form))

    steps = steps_by_agency(dossier)
    assert dossier["status"] == "rejected"
    assert steps["civil_registry"]["status"] == "done"
    assert steps["population"]["reason"]["code"] == "household_head_not_in_commune"
    assert steps["insurance"]["status"] == "skipped"
    after = counts(system)
    assert after["births"] == before["births"] + 1
    # The child was numbered while the birth was registered (its number is on the certificate),
    # so it is in the population database, without a residence; no card.
    assert steps["civil_registry"]["result"]["personal_id"]
    assert (after["citizens"], after["cards"]) == (before["citizens"] + 1, before["cards"])


async def test_same_idempotency_key_yields_one_dossier(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    form = birth_form()
    before = counts(system)

    first = await submit(gateway, form, **{"Idempotency-Key": "tester-key-1"})
    second = await submit(gateway, form, **{"Idempotency-Key": "tester-key-1"})
    await wait_for_dossier(gateway, first)
    third = await submit(gateway, form, **{"Idempotency-Key": "tester-key-1"})

    assert first == second == third
    after = counts(system)
    assert after["dossiers"] == before["dossiers"] + 1
    assert after["citizens"] == before["citizens"] + 1


async def test_client_reference_also_deduplicates(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    form = birth_form(given_name="Bình Reference")
    form["reference"] = "HS-TEST-REF-1"
    before = counts(system)

    ids = {await submit(gateway, form) for _ in range(3)}

    assert len(ids) == 1
    await wait_for_dossier(gateway, ids.pop())
    assert counts(system)["dossiers"] == before["dossiers"] + 1


async def test_reusing_a_key_for_another_dossier_is_a_conflict(gateway: httpx.AsyncClient) -> None:
    first = await submit(gateway, birth_form(), **{"Idempotency-Key": "tester-key-2"})
    await wait_for_dossier(gateway, first)

    response = await gateway.post(
        "/api/v1/dossiers", json=birth_form(), headers={"Idempotency-Key": "tester-key-2"}
    )

    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


async def test_resubmission_without_key_is_refused_as_duplicate_birth(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    form = birth_form()
    before = counts(system)

    first = await wait_for_dossier(gateway, await submit(gateway, form))
    second = await wait_for_dossier(gateway, await submit(gateway, form))

    assert first["status"] == "completed"
    assert second["status"] == "rejected"
    reason = steps_by_agency(second)["civil_registry"]["reason"]
    assert reason["code"] == "duplicate_birth_registration"
    assert counts(system)["citizens"] == before["citizens"] + 1
