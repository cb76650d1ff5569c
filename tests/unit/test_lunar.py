"""The Vietnamese lunar calendar: dates checked against published calendars, not the code.

Sources of the expected values:
* Tết and Giỗ Tổ 2024–2027: ``tet_first_day`` and ``hung_kings_day`` of
  lienthong/data/calendar/vn_public_holidays.json, i.e. the announced holiday schedules, which
  agree with every printed Vietnamese calendar (Tết Giáp Thìn 10/2/2024, Ất Tỵ 29/1/2025, Bính
  Ngọ 17/2/2026, Đinh Mùi 6/2/2027).
* Tết 2028, 2029, 2031: the lunar new year published in calendars for those years (the same
  day in Vietnam and China).
* Years where Vietnam (UTC+7) and China (UTC+8) differ: the Vietnamese calendar office, as
  reported in 2006 (Tết 2007 on 17/2 in Vietnam, 18/2 in China; again in 2030 and 2053) and
  Wikipedia's "Vietnamese calendar" (Tết 1968 on 29/1 in the North after the switch to UTC+7,
  30/1 in the South; Tết Ất Sửu on 21/1/1985 in Vietnam, 20/2/1985 in China).
* Giỗ Tổ 2022 (Sunday 10/4, nghỉ bù Monday 11/4) and 2023 (Saturday 29/4): the announced
  schedules of those years.
* Leap months: năm 2020 nhuận tháng 4, 2023 nhuận tháng 2, 2025 nhuận tháng 6 (calendars).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lunardate import LunarDate as ChineseDate  # type: ignore[import-untyped]

from lienthong.domain.lunar import LunarDate, lunar_new_year, to_lunar, to_solar

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

TET = {
    2024: date(2024, 2, 10),  # data file; Saturday
    2025: date(2025, 1, 29),  # data file; Wednesday
    2026: date(2026, 2, 17),  # data file; Tuesday
    2027: date(2027, 2, 6),  # data file; Saturday
    2028: date(2028, 1, 26),  # published calendars
    2029: date(2029, 2, 13),  # published calendars
    2030: date(2030, 2, 2),  # Vietnam one day before China (3/2): calendar office, 2006
    2031: date(2031, 1, 23),  # published calendars
}

HUNG_KINGS = {
    2022: date(2022, 4, 10),  # Sunday; nghỉ bù Monday 11/4/2022 was announced
    2023: date(2023, 4, 29),  # Saturday; announced 2023 schedule
    2024: date(2024, 4, 18),  # data file
    2025: date(2025, 4, 7),  # data file
    2026: date(2026, 4, 26),  # data file; Sunday, nghỉ bù Monday 27/4
    2027: date(2027, 4, 16),  # data file
}


@pytest.mark.parametrize(("year", "expected"), sorted(TET.items()))
def test_tet(year: int, expected: date) -> None:
    assert lunar_new_year(year) == expected
    assert to_solar(year, 1, 1) == expected
    assert to_lunar(expected) == LunarDate(year, 1, 1)


@pytest.mark.parametrize(("year", "expected"), sorted(HUNG_KINGS.items()))
def test_hung_kings_day(year: int, expected: date) -> None:
    assert to_solar(year, 3, 10) == expected
    assert to_lunar(expected) == LunarDate(year, 3, 10)


def test_tet_weekdays() -> None:
    # Weekdays named in the data file's notes (Tết 2024 and 2027 on a Saturday).
    assert [TET[y].weekday() for y in (2024, 2025, 2026, 2027)] == [SAT, WED, TUE, SAT]
    assert TET[2030].weekday() == SAT


@pytest.mark.parametrize(
    ("year", "vietnam", "china"),
    [
        (1968, date(1968, 1, 29), date(1968, 1, 30)),
        (1985, date(1985, 1, 21), date(1985, 2, 20)),
        (2007, date(2007, 2, 17), date(2007, 2, 18)),
        (2030, date(2030, 2, 2), date(2030, 2, 3)),
    ],
)
def test_the_time_zone_decides_tet(year: int, vietnam: date, china: date) -> None:
    assert lunar_new_year(year) == vietnam
    assert lunar_new_year(year, tz=8) == china


def test_last_day_of_the_year() -> None:
    # Data file: 9/2/2024 was "30 Tết" (30 tháng Chạp Quý Mão), 16/2/2026 "29 tháng Chạp, cuối
    # năm" (tháng Chạp Ất Tỵ had 29 days), 28/1/2025 "29 tháng Chạp, cuối năm".
    assert to_lunar(date(2024, 2, 9)) == LunarDate(2023, 12, 30)
    assert to_solar(2023, 12, 30) == date(2024, 2, 9)
    assert to_lunar(date(2026, 2, 16)) == LunarDate(2025, 12, 29)
    assert to_lunar(date(2025, 1, 28)) == LunarDate(2024, 12, 29)
    with pytest.raises(ValueError, match="no day 30"):
        to_solar(2025, 12, 30)


@pytest.mark.parametrize(("year", "month"), [(2020, 4), (2023, 2), (2025, 6)])
def test_leap_months(year: int, month: int) -> None:
    leap_start = to_solar(year, month, 1, leap=True)
    assert to_lunar(leap_start) == LunarDate(year, month, 1, leap=True)
    # The leap month follows the ordinary month of the same number.
    assert to_solar(year, month, 1) < leap_start < to_solar(year, month + 1, 1)


def test_leap_month_2025_dates() -> None:
    # New moons of 25/6/2025 10:31 UTC, 24/7/2025 19:11 UTC (25/7 02:11 giờ Việt Nam) and
    # 23/8/2025 06:06 UTC start tháng 6, tháng 6 nhuận and tháng 7 of Ất Tỵ.
    assert to_solar(2025, 6, 1) == date(2025, 6, 25)
    assert to_solar(2025, 6, 1, leap=True) == date(2025, 7, 25)
    assert to_solar(2025, 7, 1) == date(2025, 8, 23)


def test_no_such_leap_month() -> None:
    with pytest.raises(ValueError, match="no leap month"):
        to_solar(2026, 6, 1, leap=True)
    with pytest.raises(ValueError, match="no leap month 5"):
        to_solar(2025, 5, 1, leap=True)


@pytest.mark.parametrize(("month", "day"), [(0, 1), (13, 1), (1, 0), (1, 31)])
def test_impossible_dates(month: int, day: int) -> None:
    with pytest.raises(ValueError):
        to_solar(2026, month, day)


@pytest.mark.parametrize("year", [1799, 2200])
def test_outside_the_accurate_range(year: int) -> None:
    with pytest.raises(ValueError, match="1800"):
        lunar_new_year(year)
    with pytest.raises(ValueError, match="1800"):
        to_lunar(date(year, 6, 1))


def test_agrees_with_the_chinese_tables_except_where_the_time_zone_decides() -> None:
    """``lunardate`` tabulates the Chinese calendar (UTC+8) for 1900–2099: an independent source.

    Computed at UTC+8, every Tết from 1968 to 2099 must match it; at UTC+7, exactly the years the
    Vietnamese calendar office listed in 2006 as different differ: 1968, 1969, "1984" (the months
    diverged from mid-1984, so Tết Ất Sửu fell on 21/1/1985 instead of 20/2/1985), 2007 (the
    subject of that announcement), 2030 and 2053.
    """
    years = range(1968, 2100)
    assert [y for y in years if lunar_new_year(y, tz=8) != _chinese(y, 1, 1)] == []
    differing = [y for y in years if lunar_new_year(y) != _chinese(y, 1, 1)]
    assert differing == [1968, 1969, 1985, 2007, 2030, 2053]


def _chinese(year: int, month: int, day: int) -> date:
    lunar: Any = ChineseDate(year, month, day)
    # lunardate 0.3 renamed toSolarDate (now deprecated) to to_solar_date; accept both.
    convert = getattr(lunar, "to_solar_date", None) or lunar.toSolarDate
    result = convert()
    assert isinstance(result, date)
    return result
