"""The civil registry's legal windows: paternity after the father's death, late registrations.

Every expected value is worked out by hand from the law, not read back from the code:

* Law on Marriage and Family 2014, art. 88(1): a child born within 300 days after the marriage
  ended (the husband's death included) is the husband's child.
* Law on Civil Status 2014, art. 15 (births: 60 days) and art. 33 (deaths: 15 days), counted to
  the day the dossier is submitted.
* Civil Code 2015, art. 147(2): a period in days starts the day after the event; art. 148(5):
  a last day that is a weekend or public holiday moves to the end of the next working day.
* The 2026 days off are those of ``lienthong/data/calendar/vn_public_holidays.json`` (Tết
  Nguyên đán 16–20/2/2026, 30/4 and 1/5/2026).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from lienthong.contracts.forms import BirthDossier
from lienthong.contracts.gateway import BirthDossierSubmitted
from lienthong.domain.calendar import WorkingCalendar, load_vietnam_calendar
from lienthong.domain.personal_id import Sex
from services.civil_registry.rules import (
    is_late_birth_registration,
    is_late_death_registration,
    refuse_birth,
)
from services.civil_registry.settings import CivilRegistrySettings

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "birth.json").read_text("utf-8")
)
BORN = date(2026, 11, 2)  # what examples/birth.json declares, written out


@dataclass(frozen=True)
class Person:
    """The population database's view of a parent."""

    full_name: str
    date_of_birth: date
    sex: Sex
    alive: bool = True
    date_of_death: date | None = None


@pytest.fixture(scope="module")
def form() -> BirthDossierSubmitted:
    received = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
    return BirthDossierSubmitted.from_form("d-1", received, BirthDossier.model_validate(EXAMPLE))


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    """Strict: a test date outside the data fails instead of silently ignoring a holiday."""
    return load_vietnam_calendar()


def parents(
    form: BirthDossierSubmitted, mother_died: date | None = None, father_died: date | None = None
) -> dict[str, Any]:
    """Both declared parents as the population database knows them, dead when a date is given."""
    mother, father = form.mother, form.father
    assert father is not None
    return {
        mother.personal_id: Person(
            mother.full_name, mother.date_of_birth, Sex.FEMALE, mother_died is None, mother_died
        ),
        father.personal_id: Person(
            father.full_name, father.date_of_birth, Sex.MALE, father_died is None, father_died
        ),
    }


def code(form: BirthDossierSubmitted, people: dict[str, Any], **kwargs: int) -> str | None:
    refusal = refuse_birth(form, people, False, **kwargs)
    return None if refusal is None else refusal.code


# --- paternity after the father's death (art. 88) --------------------------------------------


def test_the_example_child_is_born_on_2_november_2026(form: BirthDossierSubmitted) -> None:
    assert form.child.date_of_birth == BORN


@pytest.mark.parametrize(
    ("father_died", "accepted"),
    [
        # Counted from the day after the death (art. 147(2)): 7/1 → 2/11/2026 is 25 (rest of
        # January) + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 2 = 300 days, so a father who
        # died on 6/1/2026 is the last one "within 300 days" of a birth on 2/11/2026.
        (date(2026, 1, 7), True),  # 299 days
        (date(2026, 1, 6), True),  # 300 days: the last day accepted
        (date(2026, 1, 5), False),  # 301 days: no longer presumed his child
        (date(2026, 11, 1), True),  # the day before the birth
        (date(2026, 11, 2), True),  # the day of the birth: not before it
    ],
)
def test_a_father_who_died_before_the_birth_is_its_father_within_300_days(
    form: BirthDossierSubmitted, father_died: date, accepted: bool
) -> None:
    expected = None if accepted else "parent_deceased_before_birth"
    assert code(form, parents(form, father_died=father_died)) == expected


def test_a_refused_posthumous_father_is_named_with_his_death_and_the_days(
    form: BirthDossierSubmitted,
) -> None:
    refusal = refuse_birth(form, parents(form, father_died=date(2026, 1, 5)), False)
    assert refusal is not None and form.father is not None
    assert form.father.personal_id in refusal.message
    assert "2026-01-05" in refusal.message and "301 days" in refusal.message
    assert "art. 88" in refusal.message


@pytest.mark.parametrize("mother_died", [date(2026, 11, 1), date(2026, 8, 1), date(2020, 1, 1)])
def test_a_mother_who_died_before_the_birth_is_refused_whatever_the_days(
    form: BirthDossierSubmitted, mother_died: date
) -> None:
    # 1 day, 93 days, years: art. 88 is about the husband; a mother dead before she gave birth
    # cannot be the mother of record.
    assert code(form, parents(form, mother_died=mother_died)) == "parent_deceased_before_birth"


def test_a_mother_who_died_on_the_day_of_the_birth_is_accepted(
    form: BirthDossierSubmitted,
) -> None:
    assert code(form, parents(form, mother_died=BORN)) is None


def test_the_paternity_window_is_configurable(form: BirthDossierSubmitted) -> None:
    # 7/1/2026 is 299 days before the birth (above): inside 300, outside a window of 298.
    people = parents(form, father_died=date(2026, 1, 7))
    assert code(form, people, paternity_days=299) is None
    assert code(form, people, paternity_days=298) == "parent_deceased_before_birth"


def test_the_settings_default_to_the_law() -> None:
    settings = CivilRegistrySettings()
    assert (
        settings.paternity_days_after_death,
        settings.birth_registration_days,
        settings.death_registration_days,
    ) == (300, 60, 15)


# --- deaths: 15 days to the submission, the last day moved past days off ---------------------


@pytest.mark.parametrize(
    ("died", "submitted", "late"),
    [
        # Died Saturday 7/11/2026: day 15 is Sunday 22/11, so the window ends Monday 23/11.
        (date(2026, 11, 7), date(2026, 11, 22), False),
        (date(2026, 11, 7), date(2026, 11, 23), False),  # 16 days, on the next working day
        (date(2026, 11, 7), date(2026, 11, 24), True),  # 17 days
        # Died Friday 6/11/2026: day 15 is Saturday 21/11 → Monday 23/11 (17 days) on time.
        (date(2026, 11, 6), date(2026, 11, 23), False),
        (date(2026, 11, 6), date(2026, 11, 24), True),
        # Died Sunday 1/2/2026: day 15 is Monday 16/2, the first of Tết (16–20/2), then the
        # weekend 21–22/2: the window ends Monday 23/2/2026, 22 days after the death.
        (date(2026, 2, 1), date(2026, 2, 16), False),
        (date(2026, 2, 1), date(2026, 2, 20), False),
        (date(2026, 2, 1), date(2026, 2, 23), False),
        (date(2026, 2, 1), date(2026, 2, 24), True),
        # Died Wednesday 15/4/2026: day 15 is Thursday 30/4, then 1/5 and the weekend: the
        # window ends Monday 4/5/2026.
        (date(2026, 4, 15), date(2026, 5, 4), False),
        (date(2026, 4, 15), date(2026, 5, 5), True),
        # Died Tuesday 1/9/2026: day 15 is Wednesday 16/9, a working day: no extension.
        (date(2026, 9, 1), date(2026, 9, 16), False),
        (date(2026, 9, 1), date(2026, 9, 17), True),
    ],
)
def test_a_death_window_ending_on_a_day_off_ends_on_the_next_working_day(
    calendar: WorkingCalendar, died: date, submitted: date, late: bool
) -> None:
    assert is_late_death_registration(died, submitted, 15, calendar) is late


def test_without_a_calendar_the_shipped_one_is_used() -> None:
    # The Tết case above, on the calendar a registry uses when none is given.
    assert not is_late_death_registration(date(2026, 2, 1), date(2026, 2, 23), 15)
    assert is_late_death_registration(date(2026, 2, 1), date(2026, 2, 24), 15)


def test_a_year_far_ahead_is_decided_without_failing() -> None:
    # Died Saturday 3/11/2040: day 15 is Sunday 18/11/2040 → Monday 19/11 (no holiday in
    # November). Whether or not the calendar has data for 2040, the registry decides (on
    # weekends alone if need be) rather than failing the registration.
    assert not is_late_death_registration(date(2040, 11, 3), date(2040, 11, 19), 15)
    assert is_late_death_registration(date(2040, 11, 3), date(2040, 11, 20), 15)


# --- births: 60 days to the submission, flagged late like deaths -----------------------------


@pytest.mark.parametrize(
    ("born", "submitted", "late"),
    [
        # Born 18/9/2026: 12 (rest of September) + 31 + 17 = 60 days to Tuesday 17/11/2026.
        (date(2026, 9, 18), date(2026, 11, 17), False),  # 60 days: on time
        (date(2026, 9, 18), date(2026, 11, 18), True),  # 61 days: late
        (date(2026, 9, 18), date(2026, 9, 18), False),  # the day of the birth
        # Born 2/9/2026: 28 + 31 + 1 = 60 days to Sunday 1/11 → Monday 2/11 still on time.
        (date(2026, 9, 2), date(2026, 11, 2), False),
        (date(2026, 9, 2), date(2026, 11, 3), True),
        # Born 18/12/2025: 13 + 31 + 16 = 60 days to Monday 16/2/2026, Tết → Monday 23/2.
        (date(2025, 12, 18), date(2026, 2, 23), False),
        (date(2025, 12, 18), date(2026, 2, 24), True),
    ],
)
def test_a_birth_is_late_after_60_days(
    calendar: WorkingCalendar, born: date, submitted: date, late: bool
) -> None:
    assert is_late_birth_registration(born, submitted, 60, calendar) is late
