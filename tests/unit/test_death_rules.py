"""The civil registry's and the population database's decisions on a death (khai tử)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from lienthong.contracts.civil_registry import DeathRegistered
from lienthong.contracts.forms import DeathDossier
from lienthong.contracts.gateway import DeathDossierSubmitted
from lienthong.contracts.reasons import Reason
from lienthong.domain.personal_id import Sex
from services.civil_registry.rules import (
    death_extract_number,
    death_registration_number,
    is_late_death_registration,
    refuse_death,
)
from services.population.models import Citizen
from services.population.rules import choose_new_head
from services.population.rules import refuse_death as refuse_recording

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "death-pensioner.json").read_text("utf-8")
)
# What the example declares (written out, not read back from the parsed form).
NAME = "Trần Kim Nhung"
BORN = date(1965, 7, 3)
DIED = date(2026, 11, 15)
PERSONAL_ID = "022165417474"
REGISTERED = date(2026, 11, 16)


@dataclass(frozen=True)
class Known:
    """The population database's view of the deceased."""

    full_name: str = NAME
    date_of_birth: date = BORN
    sex: Sex = Sex.FEMALE
    alive: bool = True
    date_of_death: date | None = None


def submitted(data: dict[str, Any]) -> DeathDossierSubmitted:
    """The declaration the civil registry receives for a Form 02."""
    received = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
    return DeathDossierSubmitted.from_form("d-1", received, DeathDossier.model_validate(data))


@pytest.fixture(scope="module")
def form() -> DeathDossierSubmitted:
    return submitted(EXAMPLE)


def code_of(refusal: Reason | None) -> str | None:
    return None if refusal is None else refusal.code


def test_example_declares_the_expected_person(form: DeathDossierSubmitted) -> None:
    assert (
        form.deceased.full_name,
        form.deceased.date_of_birth,
        form.deceased.sex,
        form.deceased.personal_id,
        form.date_of_death,
    ) == (NAME, BORN, Sex.FEMALE, PERSONAL_ID, DIED)


def test_matching_living_person_is_registered(form: DeathDossierSubmitted) -> None:
    assert refuse_death(form, Known(), already_registered=False, received_on=REGISTERED) is None
    # Registered on the day of death itself.
    assert refuse_death(form, Known(), already_registered=False, received_on=DIED) is None


def test_unknown_person_is_refused(form: DeathDossierSubmitted) -> None:
    refusal = refuse_death(form, None, already_registered=False, received_on=REGISTERED)
    assert refusal is not None
    assert refusal.code == "deceased_not_found"
    assert PERSONAL_ID in refusal.message


def test_person_already_dead_is_refused(form: DeathDossierSubmitted) -> None:
    dead = Known(alive=False, date_of_death=date(2025, 3, 1))
    refusal = refuse_death(form, dead, already_registered=False, received_on=REGISTERED)
    assert refusal is not None
    assert refusal.code == "already_deceased"
    assert "2025-03-01" in refusal.message


def test_second_registration_is_refused(form: DeathDossierSubmitted) -> None:
    refusal = refuse_death(form, Known(), already_registered=True, received_on=REGISTERED)
    assert code_of(refusal) == "death_already_registered"


def test_different_name_is_a_mismatch(form: DeathDossierSubmitted) -> None:
    refusal = refuse_death(form, Known(full_name="Trần Kim Nhàn"), False, REGISTERED)
    assert code_of(refusal) == "deceased_data_mismatch"


@pytest.mark.parametrize(
    "name",
    [
        unicodedata.normalize("NFD", NAME),
        "TRẦN KIM NHUNG",
        "trần kim nhung",
        unicodedata.normalize("NFD", "TRẦN  KIM NHUNG "),
    ],
)
def test_same_name_in_another_form_or_case_is_accepted(
    form: DeathDossierSubmitted, name: str
) -> None:
    assert name != NAME
    assert refuse_death(form, Known(full_name=name), False, REGISTERED) is None


def test_name_declared_in_nfd_is_accepted() -> None:
    data = json.loads(json.dumps(EXAMPLE))
    data["deceased"]["full_name"] = unicodedata.normalize("NFD", NAME)
    nfd_form = submitted(data)
    assert refuse_death(nfd_form, Known(), False, REGISTERED) is None


def test_different_date_of_birth_is_a_mismatch(form: DeathDossierSubmitted) -> None:
    refusal = refuse_death(form, Known(date_of_birth=date(1965, 7, 4)), False, REGISTERED)
    assert code_of(refusal) == "deceased_data_mismatch"
    assert refusal is not None and "date of birth" in refusal.message


def test_different_sex_is_a_mismatch(form: DeathDossierSubmitted) -> None:
    refusal = refuse_death(form, Known(sex=Sex.MALE), False, REGISTERED)
    assert code_of(refusal) == "deceased_data_mismatch"


def test_death_after_the_registration_date_is_refused(form: DeathDossierSubmitted) -> None:
    refusal = refuse_death(form, Known(), False, received_on=date(2026, 11, 14))
    assert code_of(refusal) == "death_date_in_future"


def test_death_before_birth_is_refused(form: DeathDossierSubmitted) -> None:
    early = form.model_copy(update={"date_of_death": date(1965, 7, 2)})
    assert code_of(refuse_death(early, Known(), False, REGISTERED)) == "death_before_birth"


def test_refusals_are_checked_in_order(form: DeathDossierSubmitted) -> None:
    # Not found beats already registered; already dead beats a name mismatch.
    assert code_of(refuse_death(form, None, True, REGISTERED)) == "deceased_not_found"
    dead_other = Known(full_name="Trần Văn Khác", alive=False, date_of_death=date(2020, 1, 1))
    assert code_of(refuse_death(form, dead_other, False, REGISTERED)) == "already_deceased"


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [
        (date(2026, 11, 1), False),
        (date(2026, 11, 15), False),  # 14 days
        (date(2026, 11, 16), False),  # 15 days (a Monday): still within the limit
        (date(2026, 11, 17), True),  # 16 days
        (date(2027, 1, 1), True),
    ],
)
def test_late_death_registration_after_fifteen_days(submitted_on: date, late: bool) -> None:
    # Counted to the day the dossier was submitted (Luật Hộ tịch 2014, art. 33), whenever the
    # registry gets to process it.
    assert is_late_death_registration(date(2026, 11, 1), submitted_on, 15) is late


def test_late_registration_across_month_ends() -> None:
    # 20/2 → 7/3/2026 is 8 + 7 = 15 days (February 2026 has 28). 7/3/2026 is a Saturday, so the
    # window ends Monday 9/3 (Bộ luật Dân sự 2015, art. 148(5)).
    assert not is_late_death_registration(date(2026, 2, 20), date(2026, 3, 7), 15)
    assert not is_late_death_registration(date(2026, 2, 20), date(2026, 3, 9), 15)
    assert is_late_death_registration(date(2026, 2, 20), date(2026, 3, 10), 15)


def test_death_numbers() -> None:
    assert death_registration_number("00070", 2026, 3) == "KT-00070-2026-000003"
    assert death_registration_number("03871", 2027, 123456) == "KT-03871-2027-123456"
    assert death_extract_number("00070", 2026, 3) == "TLKT-2026-00070000003"


# --- population ------------------------------------------------------------------------------


def citizen(personal_id: str, born: date, *, alive: bool = True, **extra: Any) -> Citizen:
    return Citizen(
        personal_id=personal_id,
        family_name="Nguyễn",
        middle_name="Thị",
        given_name="Hà",
        full_name="Nguyễn Thị Hà",
        sex=Sex.FEMALE,
        date_of_birth=born,
        birth_province_code="14",
        alive=alive,
        household_id="HO1400000001",
        commune_code="03871",
        **extra,
    )


def registered(form: DeathDossierSubmitted) -> DeathRegistered:
    return DeathRegistered(
        dossier_id="d-1",
        registration_number="KT-03871-2026-000001",
        death_extract_number="TLKT-2026-03871000001",
        registered_on=REGISTERED,
        deceased=form.deceased,
        date_of_death=form.date_of_death,
        place_of_death=form.place_of_death,
        late_registration=False,
        days_after_death=1,
        benefit_claim=form.benefit_claim,
    )


def test_population_records_a_living_citizens_death(form: DeathDossierSubmitted) -> None:
    assert refuse_recording(registered(form), citizen(PERSONAL_ID, BORN)) is None


def test_population_refuses_an_unknown_citizen(form: DeathDossierSubmitted) -> None:
    refusal = refuse_recording(registered(form), None)
    assert refusal is not None
    assert refusal.code == "citizen_not_found"
    assert PERSONAL_ID in refusal.message


def test_population_refuses_a_citizen_already_dead(form: DeathDossierSubmitted) -> None:
    dead = citizen(PERSONAL_ID, BORN, alive=False, date_of_death=date(2024, 5, 6))
    refusal = refuse_recording(registered(form), dead)
    assert refusal is not None
    assert refusal.code == "citizen_already_deceased"
    assert "2024-05-06" in refusal.message


def test_new_head_is_the_oldest_living_member() -> None:
    grandmother = citizen("014150000001", date(1950, 3, 1), alive=False)
    father = citizen("014060000002", date(1960, 8, 9))
    mother = citizen("014162000003", date(1962, 1, 2))
    child = citizen("014295000004", date(1995, 4, 5))
    members = [child, mother, grandmother, father]
    head = choose_new_head(members)
    assert head is not None
    assert head.personal_id == "014060000002"


def test_new_head_on_equal_birth_dates_is_the_smaller_id() -> None:
    twin_b = citizen("014190000009", date(1990, 6, 1))
    twin_a = citizen("014190000001", date(1990, 6, 1))
    head = choose_new_head([twin_b, twin_a])
    assert head is not None
    assert head.personal_id == "014190000001"


def test_no_new_head_without_living_members() -> None:
    assert choose_new_head([]) is None
    assert choose_new_head([citizen("014150000001", date(1950, 3, 1), alive=False)]) is None
