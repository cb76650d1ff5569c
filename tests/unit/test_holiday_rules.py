"""Holidays computed from Bộ luật Lao động 2019 for years nobody has announced.

Expected days are worked out by hand: the lunar dates from published calendars (see
tests/unit/test_lunar.py), the weekdays by counting from 1/1, the nghỉ bù by Điều 111 khoản 3
(the next working day), the Tết arrangement and the day next to 2/9 by the documented defaults of
:class:`HolidayRules`.
"""

from __future__ import annotations

from datetime import date

import pytest

from lienthong.domain.holiday_rules import HolidayRules, compute_holidays, national_day_adjacent

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def _days(year: int, rules: HolidayRules | None = None) -> set[date]:
    computed = compute_holidays(year) if rules is None else compute_holidays(year, rules)
    return {h.date for h in computed}


def test_2030_tet_on_saturday_gives_two_substitute_days() -> None:
    # Tết Canh Tuất is Saturday 2/2/2030 in Vietnam (3/2 in China). The 5 days: Fri 1/2 (last
    # day of Kỷ Dậu), Sat 2/2, Sun 3/2, Mon 4/2, Tue 5/2 (mùng 4); Saturday and Sunday give
    # nghỉ bù on the next working days, Wed 6/2 and Thu 7/2. 1/1/2030 is a Tuesday; Giỗ Tổ
    # (10/3 Canh Tuất) Friday 12/4; 30/4 Tuesday, 1/5 Wednesday; 2/9 Monday, so 3/9 Tuesday.
    assert _days(2030) == {
        date(2030, 1, 1),
        date(2030, 2, 1),
        date(2030, 2, 4),
        date(2030, 2, 5),
        date(2030, 2, 6),
        date(2030, 2, 7),
        date(2030, 4, 12),
        date(2030, 4, 30),
        date(2030, 5, 1),
        date(2030, 9, 2),
        date(2030, 9, 3),
    }
    assert date(2030, 2, 2).weekday() == SAT
    assert date(2030, 2, 6).weekday() == WED


def test_2031_tet_weekend_is_compensated_after_it() -> None:
    # Tết Tân Hợi is Thursday 23/1/2031: Wed 22/1 (last day), Thu 23, Fri 24, Sat 25 (mùng 3),
    # Sun 26 (mùng 4) → nghỉ bù Mon 27/1 and Tue 28/1. 1/1/2031 Wednesday; Giỗ Tổ Tuesday
    # 1/4/2031; 30/4 Wednesday, 1/5 Thursday; 2/9 Tuesday, so Monday 1/9.
    assert _days(2031) == {
        date(2031, 1, 1),
        date(2031, 1, 22),
        date(2031, 1, 23),
        date(2031, 1, 24),
        date(2031, 1, 27),
        date(2031, 1, 28),
        date(2031, 4, 1),
        date(2031, 4, 30),
        date(2031, 5, 1),
        date(2031, 9, 1),
        date(2031, 9, 2),
    }


def test_2028_fixed_holidays_on_weekends() -> None:
    # 1/1/2028 is a Saturday → nghỉ bù Monday 3/1. Tết Mậu Thân Wednesday 26/1: Tue 25/1 to
    # Sat 29/1 (mùng 4) → nghỉ bù Monday 31/1. Giỗ Tổ Tuesday 4/4. 30/4 is a Sunday and Monday
    # 1/5 is itself a holiday, so the nghỉ bù is Tuesday 2/5. 2/9 is a Saturday: the adjacent
    # day is Friday 1/9 and 2/9 gets Monday 4/9.
    assert _days(2028) == {
        date(2028, 1, 3),
        date(2028, 1, 25),
        date(2028, 1, 26),
        date(2028, 1, 27),
        date(2028, 1, 28),
        date(2028, 1, 31),
        date(2028, 4, 4),
        date(2028, 5, 1),
        date(2028, 5, 2),
        date(2028, 9, 1),
        date(2028, 9, 4),
    }
    assert [date(2028, 1, 1).weekday(), date(2028, 4, 30).weekday()] == [SAT, SUN]


def test_names_and_uncertainty() -> None:
    by_date = {h.date: h for h in compute_holidays(2028)}
    assert by_date[date(2028, 1, 3)].name.startswith("Nghỉ bù Tết Dương lịch")
    assert not by_date[date(2028, 1, 3)].uncertain  # fixed by the law
    assert by_date[date(2028, 5, 2)].name.startswith("Nghỉ bù Ngày Chiến thắng")
    # The Prime Minister decides the Tết days and the day next to 2/9 (Điều 112 khoản 3).
    assert by_date[date(2028, 1, 26)].uncertain
    assert by_date[date(2028, 1, 26)].name == "Tết Nguyên đán (mùng 1)"
    assert by_date[date(2028, 1, 25)].name == "Tết Nguyên đán (29 tháng Chạp)"
    assert by_date[date(2028, 1, 31)].uncertain  # nghỉ bù of a Tết day
    assert by_date[date(2028, 9, 1)].uncertain
    assert not by_date[date(2028, 4, 4)].uncertain
    assert all(h.date.weekday() <= FRI for h in by_date.values())


@pytest.mark.parametrize(
    ("year", "weekday", "expected"),
    [
        (2022, FRI, date(2022, 9, 1)),  # announced: Thu 1/9 and Fri 2/9/2022
        (2023, SAT, date(2023, 9, 1)),  # announced: Fri 1/9, Sat 2/9, nghỉ bù Mon 4/9/2023
        (2024, MON, date(2024, 9, 3)),  # announced (data file): Mon 2/9 and Tue 3/9/2024
        (2025, TUE, date(2025, 9, 1)),  # announced (data file): Mon 1/9 and Tue 2/9/2025
        (2026, WED, date(2026, 9, 1)),  # no bridge either way: the default tie, the day before
        (2027, THU, date(2027, 9, 3)),  # Friday 3/9 joins the weekend (data file, uncertain)
        (2029, SUN, date(2029, 9, 3)),  # 1/9 is a Saturday: Monday 3/9
    ],
)
def test_national_day_adjacent(year: int, weekday: int, expected: date) -> None:
    assert date(year, 9, 2).weekday() == weekday
    assert national_day_adjacent(year) == expected


def test_national_day_tie_is_configurable() -> None:
    assert national_day_adjacent(2026, "after") == date(2026, 9, 3)
    assert national_day_adjacent(2025, "after") == date(2025, 9, 1)  # not a tie: unchanged
    assert date(2026, 9, 3) in _days(2026, HolidayRules(national_day_tie="after"))


def test_tet_arrangement_is_configurable() -> None:
    # Two days before mùng 1 and mùng 1–3, as announced for Tết Ất Tỵ 2025 (data file).
    rules = HolidayRules(tet_offsets=(-2, -1, 0, 1, 2))
    tet_2025 = {d for d in _days(2025, rules) if d.month == 1 and d.day > 1}
    assert tet_2025 == {date(2025, 1, d) for d in range(27, 32)}


@pytest.mark.parametrize("offsets", [(0, 1, 2, 3), (-1, 0, 1, 2, 3, 4), (0, 0, 1, 2, 3)])
def test_tet_has_five_days(offsets: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="5 distinct"):
        HolidayRules(tet_offsets=offsets)


def test_rules_start_with_the_2019_code() -> None:
    with pytest.raises(ValueError, match="2021"):
        compute_holidays(2020)
    assert date(2021, 1, 1) in _days(2021)
