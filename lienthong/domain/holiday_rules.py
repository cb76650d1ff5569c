"""Public holidays computed from the law, for years the government has not announced.

Bộ luật Lao động 2019 (in force from 1/1/2021), Điều 112 khoản 1 lists the days; Điều 111
khoản 3 gives a nghỉ bù on the next working day for a holiday falling on the weekly rest day (for
công chức, Saturday and Sunday). Điều 112 khoản 3 leaves the exact Tết days and the day next to
Quốc khánh to the Prime Minister, so those two are a documented default in :class:`HolidayRules`
and marked ``uncertain``. Hoán đổi ngày làm việc (a weekday swapped against a Saturday worked) is
decided case by case and is never computed: announced swaps live in the data file, and a year
found there is read from the data, not from these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from lienthong.domain.lunar import lunar_new_year, to_lunar, to_solar

__all__ = ["DEFAULT_RULES", "Holiday", "HolidayRules", "compute_holidays", "national_day_adjacent"]

_MONDAY, _FRIDAY, _SATURDAY = 0, 4, 5
_WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@dataclass(frozen=True, slots=True)
class Holiday:
    """A weekday on which public servants are off (ngày nghỉ lễ, Tết, nghỉ bù, hoán đổi).

    ``uncertain`` marks days taken from the law or usual practice before the government's
    announcement for that year, so they can be reviewed when it is published.
    """

    date: date
    name: str
    uncertain: bool = False


@dataclass(frozen=True, slots=True)
class HolidayRules:
    """The choices the law leaves open, with defaults matching recent announcements.

    ``tet_offsets``: the 5 Tết days, in days from mùng 1. Default ``(-1, 0, 1, 2, 3)``: the last
    day of the old lunar year (29 or 30 tháng Chạp) and mùng 1–4, the arrangement announced for
    2024 (Giáp Thìn) and 2026 (Bính Ngọ) and the usual proposal of the Ministry; 2025 (Ất Tỵ) used
    the last two days and mùng 1–3 instead, which ``(-2, -1, 0, 1, 2)`` reproduces.

    ``national_day_tie``: which side of Quốc khánh (2/9) the adjacent day takes when both
    neighbours are ordinary weekdays that touch no weekend (2/9 on a Wednesday). Otherwise the
    rule is fixed (see :func:`national_day_adjacent`). Default ``"before"`` (1/9), as announced
    for 2022, 2023 and 2025 whenever the day before was chosen freely.

    ``valid_from``: the first year the rules apply; the 2019 Code added the adjacent day of
    Quốc khánh from 2021, and before that the Labour Code 2012 applied.
    """

    tet_offsets: tuple[int, ...] = (-1, 0, 1, 2, 3)
    national_day_tie: Literal["before", "after"] = "before"
    valid_from: int = 2021

    def __post_init__(self) -> None:
        """Điều 112 khoản 1 điểm b grants exactly 5 Tết days; anything else is not the law."""
        if len(set(self.tet_offsets)) != 5:
            raise ValueError(f"Tết needs 5 distinct days, got offsets {self.tet_offsets}")


DEFAULT_RULES = HolidayRules()


def national_day_adjacent(year: int, tie: Literal["before", "after"] = "before") -> date:
    """The day next to Quốc khánh 2/9 that is also off (1/9 or 3/9).

    The government has always picked an adjacent weekday, and among two weekdays the one that
    joins the holiday to a weekend, making the longest break: 2/9 on Monday → 3/9 (1/9 is a
    Sunday; as in 2024), Tuesday → Monday 1/9 (2025), Thursday → Friday 3/9, Friday → Thursday
    1/9 (2022; 3/9 is a Saturday), Saturday → Friday 1/9 (2023), Sunday → Monday 3/9. On a
    Wednesday neither side makes a bridge and ``tie`` decides.
    """
    national_day = date(year, 9, 2)
    before, after = national_day - timedelta(days=1), national_day + timedelta(days=1)
    if before.weekday() >= _SATURDAY:
        return after
    if after.weekday() >= _SATURDAY:
        return before
    if before.weekday() == _MONDAY:
        return before
    if after.weekday() == _FRIDAY:
        return after
    return before if tie == "before" else after


def _tet_name(day: date) -> str:
    lunar = to_lunar(day)
    if lunar.month == 12:
        return f"Tết Nguyên đán ({lunar.day} tháng Chạp)"
    return f"Tết Nguyên đán (mùng {lunar.day})"


def _legal_days(year: int, rules: HolidayRules) -> list[Holiday]:
    """Điều 112 khoản 1 for ``year``, weekend days included (they earn a nghỉ bù)."""
    tet = lunar_new_year(year)
    tet_days = [tet + timedelta(days=offset) for offset in sorted(rules.tet_offsets)]
    adjacent = national_day_adjacent(year, rules.national_day_tie)
    return [
        Holiday(date(year, 1, 1), "Tết Dương lịch"),
        *(Holiday(d, _tet_name(d), uncertain=True) for d in tet_days),
        Holiday(to_solar(year, 3, 10), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
        Holiday(date(year, 4, 30), "Ngày Chiến thắng (30/4)"),
        Holiday(date(year, 5, 1), "Ngày Quốc tế lao động (1/5)"),
        Holiday(date(year, 9, 2), "Quốc khánh (2/9)"),
        Holiday(adjacent, "Quốc khánh (ngày liền kề)", uncertain=True),
    ]


@cache
def compute_holidays(year: int, rules: HolidayRules = DEFAULT_RULES) -> tuple[Holiday, ...]:
    """The weekdays off in ``year`` by the law alone, sorted: holidays and their nghỉ bù.

    Like the data file, weekend days are not listed; a holiday on a Saturday or Sunday appears
    as its nghỉ bù, the first following weekday that is neither a holiday nor already another
    holiday's nghỉ bù (Điều 111 khoản 3: "ngày làm việc kế tiếp"). So 30/4 on a Sunday gives
    Tuesday 2/5, Monday being 1/5. Cached: the result depends only on its arguments.
    """
    if year < rules.valid_from:
        raise ValueError(f"holiday rules apply from {rules.valid_from}, not {year}")
    legal = sorted(_legal_days(year, rules), key=lambda h: h.date)
    taken = {h.date for h in legal}
    result = [h for h in legal if h.date.weekday() < _SATURDAY]
    for holiday in legal:
        if holiday.date.weekday() < _SATURDAY:
            continue
        substitute = holiday.date + timedelta(days=1)
        while substitute.weekday() >= _SATURDAY or substitute in taken:
            substitute += timedelta(days=1)
        taken.add(substitute)
        weekday = _WEEKDAY_NAMES[holiday.date.weekday()]
        when = f"{holiday.date.day}/{holiday.date.month}"
        name = f"Nghỉ bù {holiday.name}: {when} rơi vào {weekday}"
        result.append(Holiday(substitute, name, holiday.uncertain))
    return tuple(sorted(result, key=lambda h: h.date))
