"""The calendar year by year: the announced 2026 exchange, data against rules, computed years.

Expected days are worked out by hand. 2026: Công văn 12729/VPCP-KGVX of 25/12/2025 (the Deputy
Prime Minister agreed to the Ministry of Home Affairs' plan) swapped Friday 2/1/2026 for Saturday
10/1/2026, so công chức were off Thursday 1/1 to Sunday 4/1 and worked Saturday 10/1.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from lienthong.domain.calendar import (
    VIETNAM_TZ,
    CalendarError,
    Holiday,
    WorkingCalendar,
    load_vietnam_calendar,
    load_vietnam_raw,
)
from lienthong.domain.holiday_rules import HolidayRules, compute_holidays
from lienthong.domain.lunar import to_solar

SAT = 5


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vietnam_calendar()


@pytest.fixture(scope="module")
def lenient() -> WorkingCalendar:
    return load_vietnam_calendar(strict=False)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return load_vietnam_raw()


# --- the 2026 exchange (data) ---------------------------------------------------------------


def test_new_year_2026_is_four_days_off(cal: WorkingCalendar) -> None:
    for day in (1, 2, 3, 4):
        assert not cal.is_working_day(date(2026, 1, day))
    assert cal.is_working_day(date(2025, 12, 31))
    assert cal.is_working_day(date(2026, 1, 5))  # Monday
    swapped = cal.holiday(date(2026, 1, 2))
    assert swapped is not None
    assert "Hoán đổi" in swapped.name
    assert not swapped.uncertain


def test_saturday_10_january_2026_is_worked(cal: WorkingCalendar) -> None:
    assert date(2026, 1, 10).weekday() == SAT
    assert cal.is_working_day(date(2026, 1, 10))
    assert not cal.is_working_day(date(2026, 1, 11))  # Sunday
    assert not cal.is_working_day(date(2026, 1, 17))  # an ordinary Saturday


def test_deadlines_around_the_2026_exchange(cal: WorkingCalendar) -> None:
    # Wed 31/12/2025 after 15:00: 1/1 to 4/1 are off, counting starts Monday 5/1.
    assert cal.counting_start(vn(2025, 12, 31, 15, 30)) == date(2026, 1, 5)
    # Thu 8/1 is day 1, Fri 9/1 day 2, Sat 10/1 (worked) day 3.
    assert cal.deadline(vn(2026, 1, 8, 10, 0), 3) == datetime(
        2026, 1, 10, 23, 59, 59, tzinfo=VIETNAM_TZ
    )


def test_the_2026_exchange_cites_its_source(raw: dict[str, Any]) -> None:
    entry = raw["years"]["2026"]
    assert "12729/VPCP-KGVX" in entry["source"]
    assert "25/12/2025" in entry["source"]
    assert {item["date"] for item in entry["make_up_working_days"]} == {"2026-01-10"}


# --- the data against the rules -------------------------------------------------------------


def _data_years(raw: dict[str, Any]) -> list[int]:
    return sorted(int(y) for y in raw["years"])


def test_computed_lunar_dates_are_the_data_dates(raw: dict[str, Any]) -> None:
    for year in _data_years(raw):
        entry = raw["years"][str(year)]
        assert to_solar(year, 1, 1) == date.fromisoformat(entry["tet_first_day"]), year
        assert to_solar(year, 3, 10) == date.fromisoformat(entry["hung_kings_day"]), year


def test_every_day_the_law_gives_is_off_in_the_data(
    cal: WorkingCalendar, raw: dict[str, Any]
) -> None:
    """Announcements may add days (nghỉ bù placed differently, swaps) but never drop a holiday."""
    for year in _data_years(raw):
        for holiday in compute_holidays(year):
            if not holiday.name.startswith("Nghỉ bù"):
                assert not cal.is_working_day(holiday.date), holiday


@pytest.mark.parametrize("year", [2026, 2027])
def test_rules_reproduce_the_data_apart_from_swaps(cal: WorkingCalendar, year: int) -> None:
    # 2026 was announced with the default arrangement; 2027 in the data is derived from the law.
    data = {h.date for h in cal.holidays() if h.date.year == year and "Hoán đổi" not in h.name}
    assert {h.date for h in compute_holidays(year)} == data


def test_rules_reproduce_2025_with_its_tet_arrangement(cal: WorkingCalendar) -> None:
    # Tết Ất Tỵ: 28 and 29 tháng Chạp and mùng 1–3; the only other difference is the swap of 2/5.
    rules = HolidayRules(tet_offsets=(-2, -1, 0, 1, 2))
    data = {h.date for h in cal.holidays() if h.date.year == 2025 and "Hoán đổi" not in h.name}
    assert {h.date for h in compute_holidays(2025, rules)} == data


# --- years beyond the data ------------------------------------------------------------------


def test_lenient_calendar_computes_tet_2030(lenient: WorkingCalendar) -> None:
    # Tết Canh Tuất Saturday 2/2/2030: Fri 1/2 to Thu 7/2 are off (see test_holiday_rules).
    assert lenient.is_working_day(date(2030, 1, 31))
    for day in range(1, 8):
        assert not lenient.is_working_day(date(2030, 2, day))
    assert lenient.is_working_day(date(2030, 2, 8))
    assert lenient.counting_start(vn(2030, 1, 31, 15, 1)) == date(2030, 2, 8)
    tet = lenient.holiday(date(2030, 2, 6))
    assert tet is not None
    assert tet.name.startswith("Nghỉ bù Tết Nguyên đán")
    assert tet.uncertain


def test_lenient_calendar_gives_the_weekend_holiday_its_substitute(
    lenient: WorkingCalendar,
) -> None:
    # 30/4/2031 Wednesday, 1/5 Thursday; in 2028, 30/4 is a Sunday: Monday 1/5 holiday, Tuesday
    # 2/5 nghỉ bù, Wednesday 3/5 back to work.
    assert not lenient.is_working_day(date(2031, 4, 30))
    assert not lenient.is_working_day(date(2028, 5, 2))
    assert lenient.next_working_day(date(2028, 4, 28)) == date(2028, 5, 3)


def test_strict_calendar_still_refuses_unannounced_years(cal: WorkingCalendar) -> None:
    with pytest.raises(CalendarError, match="2030"):
        cal.is_working_day(date(2030, 2, 8))


def test_calendar_without_rules_counts_weekends_only() -> None:
    bare = WorkingCalendar([Holiday(date(2030, 1, 1), "Tết Dương lịch")], strict=False)
    assert bare.rules is None
    assert bare.is_working_day(date(2031, 1, 1))  # Wednesday, no rules: a working day
    assert not bare.is_working_day(date(2031, 1, 4))  # Saturday


def test_years_before_the_rules_count_weekends_only(lenient: WorkingCalendar) -> None:
    # The 2019 Code's rules start in 2021; 2020 is neither in the data nor computed.
    assert lenient.is_working_day(date(2020, 1, 2))
    assert lenient.holiday(date(2021, 1, 1)) is not None
