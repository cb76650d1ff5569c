"""Working-day calendar (ngày làm việc) for computing legal deadlines.

Every time limit in the linkage (register the birth the same working day, thường trú within 2
working days, the whole group within 3, …) is counted in working days: Saturdays, Sundays and the
public holidays of Bộ luật Lao động 2019 Điều 112 do not count, a holiday that falls on a weekend
gives a nghỉ bù weekday (Điều 111 khoản 3), and the government may swap a weekday off against a
Saturday worked (ngày làm bù). Those per-year decisions cannot be computed from a rule, so they
are data: ``lienthong/data/calendar/vn_public_holidays.json``, the announced truth for its years.
For other years a lenient calendar computes the holidays the law fixes, lunar ones included
(:mod:`lienthong.domain.holiday_rules`), rather than counting weekends only.

A dossier received after 15:00 (giờ Việt Nam) starts counting the next working day; one received
at or before 15:00 on a working day counts that day as day 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any

from lienthong.domain.holiday_rules import DEFAULT_RULES, Holiday, HolidayRules, compute_holidays

__all__ = [
    "VIETNAM_TZ",
    "CalendarError",
    "Holiday",
    "HolidayRules",
    "WorkingCalendar",
    "load_vietnam_calendar",
    "load_vietnam_raw",
    "vietnam_date",
]

VIETNAM_TZ = timezone(timedelta(hours=7))
"""Giờ Việt Nam (UTC+7). Vietnam has no daylight saving time, so a fixed offset is exact and
avoids depending on the system's or ``tzdata``'s zone database."""


def vietnam_date(moment: datetime) -> date:
    """The date in Vietnam (UTC+7) at ``moment``: the day an official writes, whatever the
    machine's own time zone. ``moment`` must be timezone-aware."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    return moment.astimezone(VIETNAM_TZ).date()


_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


class CalendarError(ValueError):
    """The calendar was asked about a day it has no holiday data for.

    Raised (in strict mode) instead of guessing, because a deadline computed without that year's
    Tết and swapped days would be silently wrong by up to a week.
    """


class WorkingCalendar:
    """Which days are ngày làm việc, and deadline arithmetic over them.

    A day is a working day if it is Monday–Friday and not a holiday, or a Saturday declared as a
    make-up working day (ngày làm bù). The calendar knows the years it was given; in strict
    mode any question touching another year raises :class:`CalendarError`. Otherwise another
    year uses the holidays computed by ``rules`` (from ``rules.valid_from`` on), or only weekends
    when ``rules`` is None or the year is older.
    """

    def __init__(
        self,
        holidays: Iterable[Holiday],
        make_up_days: Iterable[date] = (),
        *,
        years: Iterable[int] | None = None,
        strict: bool = True,
        rules: HolidayRules | None = None,
    ) -> None:
        """Build a calendar.

        ``years`` are the years the data fully describes; by default, every year that has at
        least one holiday or make-up day (a year can hardly be complete without 1/1).
        """
        self._holidays: dict[date, Holiday] = {h.date: h for h in holidays}
        self._make_up_days: frozenset[date] = frozenset(make_up_days)
        clash = self._make_up_days & self._holidays.keys()
        if clash:
            raise ValueError(f"days both holiday and make-up working day: {sorted(clash)}")
        if years is None:
            years = {d.year for d in self._holidays} | {d.year for d in self._make_up_days}
        self._years: frozenset[int] = frozenset(years)
        self._strict = strict
        self._rules = rules
        self._computed_years: dict[int, dict[date, Holiday]] = {}

    @property
    def covered_years(self) -> frozenset[int]:
        """The years whose holidays and make-up days this calendar knows."""
        return self._years

    @property
    def strict(self) -> bool:
        """Whether asking about a year outside :attr:`covered_years` raises."""
        return self._strict

    @property
    def rules(self) -> HolidayRules | None:
        """The rules computing holidays of years outside the data (used only when not strict)."""
        return self._rules

    def holiday(self, d: date) -> Holiday | None:
        """Return the holiday on ``d``, if any (weekend days are never listed)."""
        self._check_covered(d)
        if d.year not in self._years:
            return self._computed(d.year).get(d)
        return self._holidays.get(d)

    def holidays(self) -> list[Holiday]:
        """All holidays of the data (not the computed ones), sorted by date."""
        return sorted(self._holidays.values(), key=lambda h: h.date)

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` counts toward a deadline."""
        self._check_covered(d)
        if d in self._make_up_days:
            return True
        return d.weekday() < _SATURDAY and self.holiday(d) is None

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The date ``n`` working days after ``d`` (``d`` itself when ``n`` is 0).

        ``d`` need not be a working day: from a Saturday, 1 working day is the next Monday (if
        that is not a holiday).
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days ``w`` with ``start < w <= end`` (negative if ``end < start``).

        Half-open so that it is the inverse of :meth:`add_working_days`: for any ``n``,
        ``working_days_between(d, add_working_days(d, n)) == n``; useful for measuring how many
        working days a dossier actually took.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        d = start + _ONE_DAY
        while d <= end:
            if self.is_working_day(d):
                count += 1
            d += _ONE_DAY
        return count

    def counting_start(self, received_at: datetime, cutoff: time = time(15, 0)) -> date:
        """The working day that counts as day 1 for a dossier received at ``received_at``.

        ``received_at`` must be timezone-aware (a naive time is ambiguous between the server's
        zone and giờ Việt Nam); it is converted to :data:`VIETNAM_TZ`. Received on a working day
        at or before ``cutoff`` (15:00:00 is on time, 15:00:01 is not): that day. Otherwise
        (after the cutoff, on a weekend or a holiday): the next working day.
        """
        local = _to_vietnam(received_at)
        day = local.date()
        if self.is_working_day(day) and local.time() <= cutoff:
            return day
        return self.next_working_day(day)

    def deadline(
        self,
        received_at: datetime,
        working_days: int,
        cutoff: time = time(15, 0),
        close: time = time(23, 59, 59),
    ) -> datetime:
        """The moment (in :data:`VIETNAM_TZ`) by which a ``working_days`` time limit expires.

        The counting start day is day 1, so a limit of 1 working day ends at ``close`` on the
        counting start day itself ("trong ngày làm việc"), and 3 working days end at ``close``
        on the third counted working day.
        """
        if working_days < 1:
            raise ValueError(f"working_days must be >= 1, got {working_days}")
        start = self.counting_start(received_at, cutoff)
        last = self.add_working_days(start, working_days - 1)
        return datetime.combine(last, close, tzinfo=VIETNAM_TZ)

    def _check_covered(self, d: date) -> None:
        if self._strict and d.year not in self._years:
            known = ", ".join(str(y) for y in sorted(self._years)) or "none"
            raise CalendarError(
                f"no holiday data for {d.year} (covered years: {known}); add that year to "
                "lienthong/data/calendar/vn_public_holidays.json or use strict=False"
            )

    def _computed(self, year: int) -> dict[date, Holiday]:
        """Holidays of a year outside the data: by the rules, or none (weekends only)."""
        known = self._computed_years.get(year)
        if known is None:
            if self._rules is None or year < self._rules.valid_from:
                known = {}
            else:
                known = {h.date: h for h in compute_holidays(year, self._rules)}
            self._computed_years[year] = known
        return known


def _to_vietnam(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"received_at must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(VIETNAM_TZ)


def _parse(
    raw: dict[str, Any], *, strict: bool, rules: HolidayRules | None = None
) -> WorkingCalendar:
    holidays: list[Holiday] = []
    make_up: list[date] = []
    years: set[int] = set()
    for year_text, entry in raw["years"].items():
        year = int(year_text)
        years.add(year)
        for item in entry["holidays"]:
            day = date.fromisoformat(item["date"])
            if day.year != year:
                raise ValueError(f"holiday {day} listed under year {year}")
            holidays.append(Holiday(day, item["name"], bool(item.get("uncertain", False))))
        for item in entry["make_up_working_days"]:
            day = date.fromisoformat(item["date"])
            if day.year != year or day.weekday() != _SATURDAY:
                raise ValueError(f"make-up working day {day} must be a Saturday in {year}")
            make_up.append(day)
    return WorkingCalendar(holidays, make_up, years=years, strict=strict, rules=rules)


def load_vietnam_raw() -> dict[str, Any]:
    """The holiday data file as parsed JSON (including per-year source, note and lunar dates).

    Read via ``importlib.resources`` so it works from an installed wheel or a container, where
    the repository layout is not available.
    """
    resource = resources.files("lienthong") / "data" / "calendar" / "vn_public_holidays.json"
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return data


@cache
def load_vietnam_calendar(strict: bool = True) -> WorkingCalendar:
    """Vietnam's public-servant working calendar from the shipped data (read once, cached).

    Strict by default so a deadline in a year without data fails loudly instead of ignoring
    that year's announced swaps. Lenient, years outside the data use the holidays the law fixes
    (:data:`~lienthong.domain.holiday_rules.DEFAULT_RULES`), including the lunar ones.
    """
    return _parse(load_vietnam_raw(), strict=strict, rules=DEFAULT_RULES)
