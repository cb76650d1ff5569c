"""Working-day calendar: holidays, make-up Saturdays, the 15:00 cut-off and deadlines.

Expected dates are worked out by hand from the announced schedules, not by calling the code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from lunardate import LunarDate  # type: ignore[import-untyped]

from lienthong.domain.calendar import (
    VIETNAM_TZ,
    CalendarError,
    Holiday,
    WorkingCalendar,
    load_vietnam_calendar,
    load_vietnam_raw,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
YEARS = (2024, 2025, 2026, 2027)


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A moment in giờ Việt Nam."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM_TZ)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vietnam_calendar()


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return load_vietnam_raw()


# Every weekday off in the data, with the weekday the announced schedule says it falls on.
EXPECTED_HOLIDAYS: dict[date, int] = {
    # 2024
    date(2024, 1, 1): MON,
    date(2024, 2, 8): THU,
    date(2024, 2, 9): FRI,
    date(2024, 2, 12): MON,
    date(2024, 2, 13): TUE,
    date(2024, 2, 14): WED,
    date(2024, 4, 18): THU,
    date(2024, 4, 29): MON,
    date(2024, 4, 30): TUE,
    date(2024, 5, 1): WED,
    date(2024, 9, 2): MON,
    date(2024, 9, 3): TUE,
    # 2025
    date(2025, 1, 1): WED,
    date(2025, 1, 27): MON,
    date(2025, 1, 28): TUE,
    date(2025, 1, 29): WED,
    date(2025, 1, 30): THU,
    date(2025, 1, 31): FRI,
    date(2025, 4, 7): MON,
    date(2025, 4, 30): WED,
    date(2025, 5, 1): THU,
    date(2025, 5, 2): FRI,
    date(2025, 9, 1): MON,
    date(2025, 9, 2): TUE,
    # 2026
    date(2026, 1, 1): THU,
    date(2026, 1, 2): FRI,  # hoán đổi, Công văn 12729/VPCP-KGVX of 25/12/2025
    date(2026, 2, 16): MON,
    date(2026, 2, 17): TUE,
    date(2026, 2, 18): WED,
    date(2026, 2, 19): THU,
    date(2026, 2, 20): FRI,
    date(2026, 4, 27): MON,
    date(2026, 4, 30): THU,
    date(2026, 5, 1): FRI,
    date(2026, 9, 1): TUE,
    date(2026, 9, 2): WED,
    # 2027
    date(2027, 1, 1): FRI,
    date(2027, 2, 5): FRI,
    date(2027, 2, 8): MON,
    date(2027, 2, 9): TUE,
    date(2027, 2, 10): WED,
    date(2027, 2, 11): THU,
    date(2027, 4, 16): FRI,
    date(2027, 4, 30): FRI,
    date(2027, 5, 3): MON,
    date(2027, 9, 2): THU,
    date(2027, 9, 3): FRI,
}
EXPECTED_MAKE_UP = {date(2024, 5, 4), date(2025, 4, 26), date(2026, 1, 10)}
EXPECTED_UNCERTAIN = {
    date(2026, 9, 1),
    date(2027, 2, 5),
    date(2027, 2, 8),
    date(2027, 2, 9),
    date(2027, 2, 10),
    date(2027, 2, 11),
    date(2027, 9, 3),
}


# --- the data file --------------------------------------------------------------------------


def test_covered_years(cal: WorkingCalendar) -> None:
    assert cal.covered_years == frozenset(YEARS)


def test_data_lists_exactly_the_announced_days_on_the_claimed_weekdays(
    cal: WorkingCalendar,
) -> None:
    listed = {h.date: h.date.weekday() for h in cal.holidays()}
    assert listed == EXPECTED_HOLIDAYS


def test_make_up_days_are_the_announced_saturdays(raw: dict[str, Any]) -> None:
    listed = {
        date.fromisoformat(item["date"])
        for entry in raw["years"].values()
        for item in entry["make_up_working_days"]
    }
    assert listed == EXPECTED_MAKE_UP
    assert all(d.weekday() == SAT for d in listed)


def test_uncertain_days_are_marked(cal: WorkingCalendar) -> None:
    assert {h.date for h in cal.holidays() if h.uncertain} == EXPECTED_UNCERTAIN


def test_every_year_has_source_and_note(raw: dict[str, Any]) -> None:
    assert sorted(raw["years"]) == [str(y) for y in YEARS]
    for entry in raw["years"].values():
        assert entry["source"].strip()
        assert entry["note"].strip()


@pytest.mark.parametrize("year", YEARS)
def test_lunar_dates_match_the_lunar_calendar(raw: dict[str, Any], year: int) -> None:
    entry = raw["years"][str(year)]
    assert date.fromisoformat(entry["tet_first_day"]) == _solar(LunarDate(year, 1, 1))
    assert date.fromisoformat(entry["hung_kings_day"]) == _solar(LunarDate(year, 3, 10))


@pytest.mark.parametrize("year", YEARS)
def test_lunar_holidays_are_off(cal: WorkingCalendar, raw: dict[str, Any], year: int) -> None:
    """Mùng 1 Tết is off (or inside a weekend), and Giỗ Tổ is off or compensated on Monday."""
    entry = raw["years"][str(year)]
    tet = date.fromisoformat(entry["tet_first_day"])
    assert not cal.is_working_day(tet)
    hung_kings = date.fromisoformat(entry["hung_kings_day"])
    if hung_kings.weekday() < SAT:
        observed = hung_kings
    else:
        observed = hung_kings + timedelta(days=7 - hung_kings.weekday())
    assert observed.weekday() <= FRI
    holiday = cal.holiday(observed)
    assert holiday is not None
    assert "Giỗ Tổ" in holiday.name


def _solar(lunar: Any) -> date:
    # lunardate 0.3 renamed toSolarDate (now deprecated) to to_solar_date; accept both.
    convert = getattr(lunar, "to_solar_date", None) or lunar.toSolarDate
    result = convert()
    assert isinstance(result, date)
    return result


# --- is_working_day -------------------------------------------------------------------------


def test_weekends_are_not_working_days(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8))  # Sunday
    assert cal.is_working_day(date(2026, 3, 6))  # Friday
    assert cal.is_working_day(date(2026, 3, 9))  # Monday


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 1, 1), "Tết Dương lịch"),
        (date(2026, 2, 17), "Tết Nguyên đán"),
        (date(2025, 1, 27), "Tết Nguyên đán"),
        (date(2025, 4, 7), "Giỗ Tổ Hùng Vương"),
        (date(2025, 4, 30), "30/4"),
        (date(2025, 5, 1), "1/5"),
        (date(2025, 9, 2), "Quốc khánh"),
        (date(2025, 9, 1), "Quốc khánh"),
        (date(2024, 4, 29), "Hoán đổi"),
        (date(2026, 4, 27), "Nghỉ bù Giỗ Tổ"),
        (date(2027, 5, 3), "Nghỉ bù"),
    ],
)
def test_each_holiday_kind_is_off(cal: WorkingCalendar, day: date, kind: str) -> None:
    assert day.weekday() <= FRI
    assert not cal.is_working_day(day)
    holiday = cal.holiday(day)
    assert holiday is not None
    assert kind in holiday.name


def test_whole_tet_week_2025_is_off(cal: WorkingCalendar) -> None:
    for day in range(25, 32):
        assert not cal.is_working_day(date(2025, 1, day))
    assert not cal.is_working_day(date(2025, 2, 1))
    assert not cal.is_working_day(date(2025, 2, 2))
    assert cal.is_working_day(date(2025, 2, 3))
    assert cal.is_working_day(date(2025, 1, 24))


def test_make_up_saturday_is_a_working_day(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2024, 5, 4))
    assert cal.is_working_day(date(2025, 4, 26))
    assert not cal.is_working_day(date(2024, 5, 11))  # an ordinary Saturday
    assert cal.next_working_day(date(2024, 5, 3)) == date(2024, 5, 4)


def test_hung_kings_2026_on_sunday_gives_monday_off(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 4, 26))  # Sunday, 10/3 âm lịch
    assert not cal.is_working_day(date(2026, 4, 27))  # nghỉ bù
    assert cal.is_working_day(date(2026, 4, 28))
    assert cal.next_working_day(date(2026, 4, 24)) == date(2026, 4, 28)


# --- counting_start -------------------------------------------------------------------------


def test_after_cutoff_on_friday_before_compensatory_monday(cal: WorkingCalendar) -> None:
    assert cal.counting_start(vn(2026, 4, 24, 15, 1)) == date(2026, 4, 28)


def test_before_cutoff_counts_the_same_day(cal: WorkingCalendar) -> None:
    assert cal.counting_start(vn(2026, 4, 24, 14, 59)) == date(2026, 4, 24)


def test_exactly_at_cutoff_is_on_time(cal: WorkingCalendar) -> None:
    assert cal.counting_start(vn(2026, 4, 24, 15, 0, 0)) == date(2026, 4, 24)
    assert cal.counting_start(vn(2026, 4, 24, 15, 0, 1)) == date(2026, 4, 28)


def test_received_on_saturday_counts_from_next_working_day(cal: WorkingCalendar) -> None:
    assert cal.counting_start(vn(2026, 3, 7, 9, 0)) == date(2026, 3, 9)
    assert cal.counting_start(vn(2026, 4, 25, 9, 0)) == date(2026, 4, 28)


def test_received_on_a_holiday_counts_from_next_working_day(cal: WorkingCalendar) -> None:
    assert cal.counting_start(vn(2026, 2, 17, 8, 0)) == date(2026, 2, 23)


def test_received_on_make_up_saturday_counts_that_day(cal: WorkingCalendar) -> None:
    assert cal.counting_start(vn(2024, 5, 4, 10, 0)) == date(2024, 5, 4)


def test_utc_is_converted_to_vietnam_time(cal: WorkingCalendar) -> None:
    # 08:30Z = 15:30 giờ Việt Nam: after the cut-off.
    assert cal.counting_start(datetime(2026, 4, 24, 8, 30, tzinfo=UTC)) == date(2026, 4, 28)
    # 07:59Z = 14:59 giờ Việt Nam: on time.
    assert cal.counting_start(datetime(2026, 4, 24, 7, 59, tzinfo=UTC)) == date(2026, 4, 24)
    # Sunday 17:30Z is already Monday 00:30 in Vietnam.
    assert cal.counting_start(datetime(2026, 3, 8, 17, 30, tzinfo=UTC)) == date(2026, 3, 9)


def test_other_offsets_are_converted(cal: WorkingCalendar) -> None:
    paris_summer = timezone(timedelta(hours=2))
    # 09:59 at UTC+2 = 14:59 in Vietnam; 10:01 = 15:01.
    assert cal.counting_start(datetime(2026, 4, 24, 9, 59, tzinfo=paris_summer)) == date(
        2026, 4, 24
    )
    assert cal.counting_start(datetime(2026, 4, 24, 10, 1, tzinfo=paris_summer)) == date(
        2026, 4, 28
    )


def test_custom_cutoff(cal: WorkingCalendar) -> None:
    assert cal.counting_start(vn(2026, 3, 9, 16, 30), cutoff=time(17, 0)) == date(2026, 3, 9)
    assert cal.counting_start(vn(2026, 3, 9, 11, 30), cutoff=time(11, 0)) == date(2026, 3, 10)


def test_naive_datetime_is_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.counting_start(datetime(2026, 4, 24, 10, 0))


# --- deadline -------------------------------------------------------------------------------


def test_three_day_deadline_across_compensatory_day_and_may_holidays(
    cal: WorkingCalendar,
) -> None:
    # Counting starts Tue 28/4; day 2 Wed 29/4; 30/4, 1/5 holidays, then the weekend; day 3 Mon 4/5.
    due = cal.deadline(vn(2026, 4, 24, 15, 1), 3)
    assert due == datetime(2026, 5, 4, 23, 59, 59, tzinfo=VIETNAM_TZ)
    assert due.utcoffset() == timedelta(hours=7)
    assert due.isoformat() == "2026-05-04T23:59:59+07:00"


def test_three_day_deadline_before_cutoff(cal: WorkingCalendar) -> None:
    # Fri 24/4 is day 1; Mon 27/4 is off; Tue 28/4 day 2; Wed 29/4 day 3.
    due = cal.deadline(vn(2026, 4, 24, 14, 59), 3)
    assert due == datetime(2026, 4, 29, 23, 59, 59, tzinfo=VIETNAM_TZ)


def test_one_working_day_is_the_counting_start_day(cal: WorkingCalendar) -> None:
    assert cal.deadline(vn(2026, 3, 9, 9, 0), 1) == vn(2026, 3, 9, 23, 59, 59)
    assert cal.deadline(vn(2026, 3, 9, 15, 30), 1) == vn(2026, 3, 10, 23, 59, 59)


def test_deadline_from_utc_is_returned_in_vietnam_time(cal: WorkingCalendar) -> None:
    due = cal.deadline(datetime(2026, 4, 24, 8, 30, tzinfo=UTC), 3)
    assert due.isoformat() == "2026-05-04T23:59:59+07:00"


def test_deadline_across_tet_2024(cal: WorkingCalendar) -> None:
    # Wed 7/2/2024 10:00 is day 1; 8/2–14/2 off; Thu 15/2 day 2; Fri 16/2 day 3.
    assert cal.deadline(vn(2024, 2, 7, 10, 0), 3) == vn(2024, 2, 16, 23, 59, 59)


def test_deadline_counts_make_up_saturday(cal: WorkingCalendar) -> None:
    # Fri 3/5/2024 day 1; Sat 4/5 (làm bù) day 2.
    assert cal.deadline(vn(2024, 5, 3, 9, 0), 2) == vn(2024, 5, 4, 23, 59, 59)


def test_custom_close_time(cal: WorkingCalendar) -> None:
    due = cal.deadline(vn(2026, 3, 9, 9, 0), 2, close=time(17, 0))
    assert due == vn(2026, 3, 10, 17, 0)


@pytest.mark.parametrize("days", [0, -1])
def test_deadline_needs_at_least_one_day(cal: WorkingCalendar, days: int) -> None:
    with pytest.raises(ValueError, match="working_days"):
        cal.deadline(vn(2026, 3, 9, 9, 0), days)


# --- add_working_days / working_days_between ------------------------------------------------


def test_add_working_days(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2026, 4, 24), 0) == date(2026, 4, 24)
    assert cal.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert cal.add_working_days(date(2026, 4, 24), 3) == date(2026, 5, 4)
    assert cal.add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 4, 24), -1)


def test_working_days_between(cal: WorkingCalendar) -> None:
    # 28/4, 29/4, 4/5.
    assert cal.working_days_between(date(2026, 4, 24), date(2026, 5, 4)) == 3
    assert cal.working_days_between(date(2026, 5, 4), date(2026, 4, 24)) == -3
    assert cal.working_days_between(date(2026, 4, 24), date(2026, 4, 24)) == 0
    # Across Tết Ất Tỵ: only Mon 3/2 counts.
    assert cal.working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1


# --- years outside the data -----------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2023, 12, 29), date(2028, 1, 3)])
def test_year_outside_data_raises_in_strict_mode(cal: WorkingCalendar, day: date) -> None:
    with pytest.raises(CalendarError, match=str(day.year)):
        cal.is_working_day(day)


def test_deadline_running_into_uncovered_year_raises(cal: WorkingCalendar) -> None:
    # Fri 31/12/2027 after the cut-off: counting would start in 2028, which has no data.
    with pytest.raises(CalendarError):
        cal.deadline(vn(2027, 12, 31, 16, 0), 1)


def test_calendar_error_is_a_value_error() -> None:
    assert issubclass(CalendarError, ValueError)


def test_lenient_mode_computes_the_holidays_of_unknown_years() -> None:
    lenient = load_vietnam_calendar(strict=False)
    assert not lenient.strict
    assert not lenient.is_working_day(date(2028, 1, 1))  # Saturday, Tết Dương lịch
    # Monday 3/1/2028 is its nghỉ bù (Bộ luật Lao động 2019 Điều 111 khoản 3).
    assert not lenient.is_working_day(date(2028, 1, 3))
    assert lenient.is_working_day(date(2028, 1, 4))
    # Known years still use the data.
    assert not lenient.is_working_day(date(2026, 4, 27))
    assert lenient.counting_start(vn(2027, 12, 31, 16, 0)) == date(2028, 1, 4)


def test_loader_is_cached() -> None:
    assert load_vietnam_calendar() is load_vietnam_calendar()
    assert load_vietnam_calendar(strict=False) is not load_vietnam_calendar()


# --- a calendar built in code ---------------------------------------------------------------


def test_custom_calendar_covers_years_of_its_data() -> None:
    custom = WorkingCalendar([Holiday(date(2030, 1, 1), "Tết Dương lịch")], [date(2030, 1, 5)])
    assert custom.covered_years == frozenset({2030})
    assert not custom.is_working_day(date(2030, 1, 1))  # Tuesday, holiday
    assert custom.is_working_day(date(2030, 1, 5))  # Saturday, làm bù
    with pytest.raises(CalendarError):
        custom.is_working_day(date(2031, 1, 1))


def test_a_day_cannot_be_both_holiday_and_make_up() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar([Holiday(date(2030, 1, 5), "x")], [date(2030, 1, 5)])
