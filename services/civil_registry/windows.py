"""The legal time windows the civil registry counts in calendar days, and how they are counted.

Three windows decide real cases, each counted the way the Civil Code 2015 counts periods:

* art. 147(2): a period in days starts on the day *after* the event, so the last day of an
  N-day window from an event on day D is D + N;
* art. 148(1) and (5): the period ends at the end of its last day, and when that day is a
  weekend or public holiday, at the end of the next working day (the citizen cannot submit to
  a closed office on it, so the law gives them the next day the office is open).

The registration windows (births 60 days, deaths 15, Law on Civil Status 2014 arts. 15 and 33)
are counted to the day the dossier was *submitted* — the portal's ``received_at`` in Vietnam —
never to the day an agency happens to process it, so a backlog never makes a family late. A
late registration is still registered, and flagged.

The paternity window (300 days, Law on Marriage and Family 2014 art. 88) is a presumption about
a birth, not a time limit for an act before an office, so art. 148(5) does not extend it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from lienthong.domain.calendar import WorkingCalendar, load_vietnam_calendar

DEATH_REGISTRATION_DAYS: Final = 15
"""Law on Civil Status 2014, art. 33(1): khai tử within 15 days of the death."""

BIRTH_REGISTRATION_DAYS: Final = 60
"""Law on Civil Status 2014, art. 15(1): khai sinh within 60 days of the birth."""

PATERNITY_DAYS_AFTER_DEATH: Final = 300
"""Law on Marriage and Family 2014, art. 88(1): a child born within 300 days after the marriage
ended (the husband's death included) is the husband's child."""


def registration_last_day(event: date, days: int, calendar: WorkingCalendar) -> date:
    """The last day a dossier can be submitted on time for an event on ``event``.

    Day 1 is the day after the event (Civil Code art. 147(2)), so day ``days`` is
    ``event + days``; when that is a day off, the next working day (art. 148(5)).
    """
    last = event + timedelta(days=days)
    return last if calendar.is_working_day(last) else calendar.next_working_day(last)


def is_late_registration(
    event: date, submitted_on: date, days: int, calendar: WorkingCalendar | None = None
) -> bool:
    """Whether a dossier submitted on ``submitted_on`` (Vietnam date) is past the window.

    Without ``calendar``, the shipped Vietnamese calendar, lenient about years it has no data
    for (their holidays computed from the Labour Code, as the gateway's deadlines): a
    registration must never fail for want of a holiday list. The calendar is only consulted
    when the plain count is exceeded.
    """
    if (submitted_on - event).days <= days:
        return False
    calendar = calendar or load_vietnam_calendar(strict=False)
    return submitted_on > registration_last_day(event, days, calendar)


def within_paternity_window(father_died: date, child_born: date, days: int) -> bool:
    """Whether a child born on ``child_born`` is presumed the child of a husband who died on
    ``father_died`` (art. 88(1)): born no later than day ``days`` counted from the day after
    the death (Civil Code art. 147(2)), with no day-off extension (see the module docstring)."""
    return (child_born - father_died).days <= days
