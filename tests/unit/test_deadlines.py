"""Legal deadlines of dossiers and steps (thời hạn giải quyết), on the 2026 calendar.

Worked out by hand from lienthong/data/calendar/vn_public_holidays.json: in late April 2026,
Sat 25 and Sun 26 are weekend, Mon 27/4 is the Giỗ Tổ compensatory day, Thu 30/4 and Fri 1/5 are
holidays, Sat 2 and Sun 3 weekend. So after Fri 24/4 the working days are Tue 28, Wed 29, Mon 4,
Tue 5, Wed 6 May. A dossier received after 15:00 counts from the next working day; day 1 is the
counting start; the deadline ends at 23:59:59 Vietnam time (16:59:59 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from services.gateway.deadlines import DeadlinePolicy
from services.gateway.overdue import is_overdue
from services.gateway.settings import GatewaySettings, parse_step_days

VN = timezone(timedelta(hours=7))


def vn(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A moment of 2026 in giờ Việt Nam."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=VN)


def end_of_day_utc(month: int, day: int) -> datetime:
    """23:59:59 Vietnam time on that day of 2026, in UTC."""
    return datetime(2026, month, day, 16, 59, 59, tzinfo=UTC)


@pytest.fixture(scope="module")
def policy() -> DeadlinePolicy:
    return DeadlinePolicy.from_settings(GatewaySettings())


def test_birth_after_the_cutoff_on_friday_before_the_holidays(policy: DeadlinePolicy) -> None:
    due = policy.dossier_due("birth", vn(4, 24, 15, 1))
    # Day 1 Tue 28/4, day 2 Wed 29/4, day 3 Mon 4/5.
    assert due == end_of_day_utc(5, 4)
    assert due == vn(5, 4, 23, 59, 59)
    assert due.utcoffset() == timedelta(0)


def test_birth_with_verification_gets_five_working_days(policy: DeadlinePolicy) -> None:
    due = policy.dossier_due("birth", vn(4, 24, 15, 1), verified=True)
    # Tue 28, Wed 29, Mon 4, Tue 5, Wed 6.
    assert due == end_of_day_utc(5, 6)


def test_birth_before_the_cutoff_counts_friday_as_day_one(policy: DeadlinePolicy) -> None:
    # Fri 24, Tue 28, Wed 29.
    assert policy.dossier_due("birth", vn(4, 24, 14, 59)) == end_of_day_utc(4, 29)
    # 15:00:00 exactly is still on time.
    assert policy.dossier_due("birth", vn(4, 24, 15, 0)) == end_of_day_utc(4, 29)


def test_submission_time_is_read_in_vietnam_time(policy: DeadlinePolicy) -> None:
    # 08:01 UTC is 15:01 in Vietnam: after the cutoff.
    late = datetime(2026, 4, 24, 8, 1, tzinfo=UTC)
    assert policy.dossier_due("birth", late) == end_of_day_utc(5, 4)
    # 07:59 UTC is 14:59 in Vietnam: before it.
    early = datetime(2026, 4, 24, 7, 59, tzinfo=UTC)
    assert policy.dossier_due("birth", early) == end_of_day_utc(4, 29)


def test_civil_registry_step_is_the_same_working_day(policy: DeadlinePolicy) -> None:
    due = policy.step_due("birth", "civil_registry", vn(4, 24, 14, 0))
    assert due == end_of_day_utc(4, 24)


def test_civil_registry_step_after_the_cutoff_moves_past_the_holidays(
    policy: DeadlinePolicy,
) -> None:
    due = policy.step_due("birth", "civil_registry", vn(4, 24, 16, 0))
    assert due == end_of_day_utc(4, 28)


def test_population_step_counts_two_working_days(policy: DeadlinePolicy) -> None:
    # Started Fri 16:00: day 1 Tue 28, day 2 Wed 29.
    assert policy.step_due("birth", "population", vn(4, 24, 16, 0)) == end_of_day_utc(4, 29)
    # With verification, five: Tue 28, Wed 29, Mon 4, Tue 5, Wed 6.
    verified = policy.step_due("birth", "population", vn(4, 24, 16, 0), verified=True)
    assert verified == end_of_day_utc(5, 6)


def test_birth_insurance_step_is_two_days_even_with_verification(policy: DeadlinePolicy) -> None:
    start = vn(4, 24, 16, 0)
    assert policy.step_due("birth", "insurance", start) == end_of_day_utc(4, 29)
    assert policy.step_due("birth", "insurance", start, verified=True) == end_of_day_utc(4, 29)


def test_death_group_and_steps_from_an_ordinary_monday(policy: DeadlinePolicy) -> None:
    monday = vn(11, 16, 9, 0)
    # Mon 16 (1), Tue 17 (2), Wed 18 (3), Thu 19 (4).
    assert policy.dossier_due("death", monday) == end_of_day_utc(11, 19)
    assert policy.dossier_due("death", monday, verified=True) == end_of_day_utc(11, 19)
    assert policy.step_due("death", "civil_registry", monday) == end_of_day_utc(11, 16)
    assert policy.step_due("death", "population", monday) == end_of_day_utc(11, 17)
    assert policy.step_due("death", "insurance", monday) == end_of_day_utc(11, 18)


def test_death_group_and_insurance_step_from_the_giỗ_tổ_monday(policy: DeadlinePolicy) -> None:
    # Mon 27/4/2026 is a day off: counting starts Tue 28; then Wed 29, Mon 4/5, Tue 5/5.
    monday = vn(4, 27, 9, 0)
    assert policy.dossier_due("death", monday) == end_of_day_utc(5, 5)
    assert policy.step_due("death", "insurance", monday) == end_of_day_utc(5, 4)


def test_unknown_years_use_the_holidays_of_the_law(policy: DeadlinePolicy) -> None:
    # 2030 has no holiday data, but Tue 1/1/2030 is Tết Dương lịch by Bộ luật Lao động 2019
    # Điều 112: counting starts Wed 2 (1), Thu 3 (2), Fri 4 (3).
    due = policy.dossier_due("birth", datetime(2030, 1, 1, 9, 0, tzinfo=VN))
    assert due == datetime(2030, 1, 4, 16, 59, 59, tzinfo=UTC)


def test_configured_step_days_are_used() -> None:
    policy = DeadlinePolicy.from_settings(GatewaySettings(death_step_days="population=3"))
    # Mon 16, Tue 17, Wed 18.
    assert policy.step_due("death", "population", vn(11, 16, 9)) == end_of_day_utc(11, 18)


DUE = datetime(2026, 5, 4, 16, 59, 59, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("due", "finished", "now", "overdue"),
    [
        (None, None, DUE + timedelta(days=30), False),  # no deadline: never overdue
        (None, DUE + timedelta(days=30), DUE + timedelta(days=30), False),
        (DUE, DUE - SECOND, DUE + timedelta(days=3), False),  # finished in time
        (DUE, DUE, DUE + timedelta(days=3), False),  # finished right at the deadline
        (DUE, DUE + SECOND, DUE + SECOND, True),  # finished late
        (DUE, DUE + SECOND, DUE - timedelta(days=1), True),  # late even if now is earlier
        (DUE, None, DUE - SECOND, False),  # still open, not yet due
        (DUE, None, DUE, False),
        (DUE, None, DUE + SECOND, True),  # still open past the deadline
    ],
)
def test_is_overdue(
    due: datetime | None, finished: datetime | None, now: datetime, overdue: bool
) -> None:
    assert is_overdue(due, finished, now) is overdue


def test_parse_step_days() -> None:
    assert parse_step_days(" civil_registry = 1, population=2 ,,") == {
        "civil_registry": 1,
        "population": 2,
    }
    assert parse_step_days("") == {}


@pytest.mark.parametrize(
    "text", ["population=0", "population=-1", "population=two", "garbage", "population=1.5"]
)
def test_gateway_settings_reject_bad_step_days(text: str) -> None:
    with pytest.raises(ValueError):
        parse_step_days(text)
    with pytest.raises(ValidationError):
        GatewaySettings(birth_step_days=text)
    with pytest.raises(ValidationError):
        GatewaySettings(death_step_days=text)


def test_a_partial_step_setting_keeps_the_other_agencies_defaults() -> None:
    policy = DeadlinePolicy.from_settings(GatewaySettings(death_step_days="population=3"))
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=VN)

    assert policy.flows["death"].steps == {
        "civil_registry": 1,
        "population": 3,
        "insurance": 3,
    }
    # Civil registry keeps its same-day limit: due Monday 23:59:59 Vietnam time.
    assert policy.step_due("death", "civil_registry", monday) == datetime(
        2026, 11, 23, 16, 59, 59, tzinfo=UTC
    )


def test_an_unknown_agency_in_step_days_is_refused() -> None:
    with pytest.raises(ValidationError):
        GatewaySettings(birth_step_days="tax_office=2")
