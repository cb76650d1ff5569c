"""Legal deadlines of dossiers and steps, in working days (thời hạn giải quyết).

Counting follows :class:`lienthong.domain.calendar.WorkingCalendar`: a dossier received after
15:00, or on a day off, counts from the next working day, and day 1 is the counting start. A
step's clock starts when the dossier reaches that agency (its predecessor's decision time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Final

from lienthong.domain.calendar import (
    VIETNAM_TZ,
    WorkingCalendar,
    load_vietnam_calendar,
    vietnam_date,
)
from services.gateway.settings import GatewaySettings, parse_step_days

_CLOSE: Final = time(23, 59, 59)
"""When a day's limit ends (the calendar's close of a working day)."""


def _with_defaults(settings: GatewaySettings, name: str) -> dict[str, int]:
    """A step-days setting over its default, so ``population=3`` alone keeps the others."""
    default = GatewaySettings.model_fields[name].default
    return {**parse_step_days(default), **parse_step_days(getattr(settings, name))}


@dataclass(frozen=True)
class FlowDeadlines:
    """Working days allowed for one procedure group, normally and with verification."""

    group: int
    group_verified: int
    steps: dict[str, int]
    steps_verified: dict[str, int]


@dataclass(frozen=True)
class DeadlinePolicy:
    """Computes due times; every returned datetime is UTC (what the database stores)."""

    calendar: WorkingCalendar
    cutoff: time
    flows: dict[str, FlowDeadlines]
    completion_days: int = 7

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> DeadlinePolicy:
        """The configured policy, on the Vietnamese public-holiday calendar (years without
        announced data: the holidays the law fixes, computed, rather than refusing dossiers)."""
        birth_steps = _with_defaults(settings, "birth_step_days")
        death_steps = _with_defaults(settings, "death_step_days")
        return cls(
            calendar=load_vietnam_calendar(strict=False),
            cutoff=settings.deadline_cutoff,
            completion_days=settings.completion_days,
            flows={
                "birth": FlowDeadlines(
                    group=settings.birth_deadline_days,
                    group_verified=settings.birth_deadline_days_verified,
                    steps=birth_steps,
                    steps_verified={
                        **birth_steps,
                        **_with_defaults(settings, "birth_step_days_verified"),
                    },
                ),
                "death": FlowDeadlines(
                    group=settings.death_deadline_days,
                    group_verified=settings.death_deadline_days,
                    steps=death_steps,
                    steps_verified=death_steps,
                ),
            },
        )

    def _due(self, received_at: datetime, days: int) -> datetime:
        return self.calendar.deadline(received_at, days, cutoff=self.cutoff).astimezone(UTC)

    def dossier_due(self, kind: str, submitted_at: datetime, *, verified: bool = False) -> datetime:
        """When the whole group must be finished."""
        flow = self.flows[kind]
        return self._due(submitted_at, flow.group_verified if verified else flow.group)

    def step_due(
        self, kind: str, agency: str, started_at: datetime, *, verified: bool = False
    ) -> datetime:
        """When one agency must have decided, counted from when the dossier reached it."""
        flow = self.flows[kind]
        days = (flow.steps_verified if verified else flow.steps)[agency]
        return self._due(started_at, days)

    def complete_by(self, returned_at: datetime) -> datetime:
        """When a dossier returned at ``returned_at`` must be completed: the end of the
        ``completion_days``-th working day after the day of its return.

        The period starts the day after the event (Civil Code 2015 art. 147), and only working
        days count, as for every limit here; a return on Friday gives until the second Tuesday
        after it when no holiday intervenes.
        """
        day = vietnam_date(returned_at)
        last = self.calendar.add_working_days(day, self.completion_days)
        return datetime.combine(last, _CLOSE, tzinfo=VIETNAM_TZ).astimezone(UTC)
