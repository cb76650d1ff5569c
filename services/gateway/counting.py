"""Moving the counters with the dossiers: what one transaction changed, written with it.

Every dossier and every step *marks* the counters it stands in — a dossier ``completed`` and
``closed_on_time``; a step ``rejected`` for reason ``mother_not_found`` and ``decided_late``. A
change moves a row from the marks it had to the marks it has (−1, +1), so the counters equal a
count of the rows at every commit, whatever the order events arrive in. A :class:`Tally`
gathers a transaction's moves, latency samples, activity and agency times, and writes them in
one upsert per table (the database adds; no read-modify-write).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.domain.calendar import VIETNAM_TZ
from lienthong.runtime.db import upsert
from services.gateway.counter_models import (
    Activity,
    AgencyActivity,
    LatencyOverall,
    LatencyRecent,
    SyncCounter,
    SyncDay,
    SyncTotal,
)
from services.gateway.latency import bucket_of
from services.gateway.times import utc

DOSSIER: Final = ""
"""The ``agency`` of the counters about the dossier itself."""

WAITING: Final = "waiting"
"""A pending step the dossier has not reached yet (not sent to the agency)."""

Mark = tuple[str, str]
"""(metric, reason code or "")."""


@dataclass(frozen=True)
class Place:
    """Where a dossier's counters live: its flow, its province, its submission day."""

    flow: str
    province_code: str
    day: date


def place_of(kind: str, province_code: str | None, submitted_at: datetime) -> Place:
    """The counters' place of a dossier; the day is the Vietnam date it was submitted on."""
    day = utc(submitted_at).astimezone(VIETNAM_TZ).date()
    return Place(kind, province_code or "", day)


def _timeliness(prefix: str, finished: datetime | None, due: datetime | None) -> list[Mark]:
    if finished is None or due is None:
        return []
    on_time = utc(finished) <= utc(due)
    return [(f"{prefix}_on_time" if on_time else f"{prefix}_late", "")]


def dossier_marks(
    status: str, closed_at: datetime | None, due_at: datetime | None
) -> tuple[Mark, ...]:
    """A dossier counts in its status and, once closed, as closed on time or late."""
    return ((status, ""), *_timeliness("closed", closed_at, due_at))


def step_marks(
    status: str,
    started_at: datetime | None,
    finished_at: datetime | None,
    due_at: datetime | None,
    reason: dict[str, Any] | None,
) -> tuple[Mark, ...]:
    """A step counts in its state (``waiting`` until reached; refusals and failures by reason)
    and, once decided (done or rejected), as decided on time or late."""
    if status == "pending" and started_at is None:
        return ((WAITING, ""),)
    code = str((reason or {}).get("code") or "") if status in ("rejected", "failed") else ""
    marks: list[Mark] = [(status, code)]
    if status in ("done", "rejected"):
        marks.extend(_timeliness("decided", finished_at, due_at))
    return tuple(marks)


def _second(moment: datetime) -> int:
    return int(utc(moment).timestamp())


@dataclass
class Tally:
    """What one transaction does to the counters, the histograms and the agency times."""

    counts: Counter[tuple[Place, str, str, str]] = field(default_factory=Counter)
    latencies: list[tuple[str, str, int, float]] = field(default_factory=list)
    """(flow, hop, unix minute it finished, milliseconds)."""
    activity: Counter[tuple[int, str, str]] = field(default_factory=Counter)
    successes: dict[str, datetime] = field(default_factory=dict)
    failures: dict[str, tuple[datetime, str]] = field(default_factory=dict)

    def move(
        self, place: Place, agency: str, before: tuple[Mark, ...], after: tuple[Mark, ...]
    ) -> None:
        """A row went from ``before`` to ``after`` (a new row: ``before`` empty)."""
        for metric, reason in before:
            self.counts[(place, agency, metric, reason)] -= 1
        for metric, reason in after:
            self.counts[(place, agency, metric, reason)] += 1

    def add(self, place: Place, agency: str, metric: str, n: int = 1) -> None:
        """A running total moved (dead letters, redrives)."""
        self.counts[(place, agency, metric, "")] += n

    def sample(self, flow: str, hop: str, start: datetime, end: datetime) -> None:
        """One hop took ``end - start`` (simulated)."""
        ms = max(0.0, (utc(end) - utc(start)).total_seconds() * 1000)
        self.latencies.append((flow, hop, _second(end) // 60, ms))

    def happened(self, at: datetime, flow: str, metric: str) -> None:
        """Something to plot: a dossier submitted, completed, rejected, a dead letter."""
        self.activity[(_second(at), flow, metric)] += 1

    def succeeded(self, agency: str, at: datetime) -> None:
        """The agency synced a step at ``at``."""
        seen = self.successes.get(agency)
        if seen is None or utc(at) > seen:
            self.successes[agency] = utc(at)

    def failed(self, agency: str, at: datetime, reason: str) -> None:
        """A message to the agency was dead-lettered at ``at``."""
        seen = self.failures.get(agency)
        if seen is None or utc(at) >= seen[0]:
            self.failures[agency] = (utc(at), reason)

    def newest_second(self) -> int | None:
        """The latest event time this transaction counted activity at (unix second)."""
        return max((second for second, _, _ in self.activity), default=None)

    async def write(self, session: AsyncSession) -> None:
        """Everything gathered, one upsert per table, in the caller's transaction; then the
        tally is empty, so a batch applied event by event (the safe path) writes each move
        once."""
        await self._write_counts(session)
        await self._write_latencies(session)
        activity = [
            {"second": second, "flow": flow, "metric": metric, "count": n}
            for (second, flow, metric), n in sorted(self.activity.items())
        ]
        await upsert(session, Activity, activity, add=("count",))
        await self._write_agencies(session)
        self.counts.clear()
        self.latencies.clear()
        self.activity.clear()
        self.successes.clear()
        self.failures.clear()

    async def _write_counts(self, session: AsyncSession) -> None:
        """The per-day-and-province rows and both rollups, each in one upsert."""
        rollups: tuple[tuple[Any, tuple[str, ...]], ...] = (
            (SyncCounter, ("province_code", "day")),
            (SyncDay, ("day",)),
            (SyncTotal, ("province_code",)),
        )
        for table, keys in rollups:
            summed: Counter[tuple[Any, ...]] = Counter()
            for (place, agency, metric, reason), n in self.counts.items():
                summed[
                    (place.flow, agency, metric, reason, *(getattr(place, k) for k in keys))
                ] += n
            names = ("flow", "agency", "metric", "reason", *keys)
            rows = [
                {**dict(zip(names, key, strict=True)), "count": n}
                for key, n in sorted(summed.items())
                if n
            ]
            await upsert(session, table, rows, add=("count",))

    async def _write_latencies(self, session: AsyncSession) -> None:
        overall: dict[tuple[str, str, int], list[float]] = {}
        recent: dict[tuple[str, str, int, int], list[float]] = {}
        for flow, hop, minute, ms in self.latencies:
            bucket = bucket_of(ms)
            _gather(overall, (flow, hop, bucket), ms)
            _gather(recent, (flow, hop, minute, bucket), ms)
        await upsert(
            session,
            LatencyOverall,
            [
                {"flow": f, "hop": h, "bucket": b, "count": int(c), "max_ms": m}
                for (f, h, b), (c, m) in sorted(overall.items())
            ],
            add=("count",),
            latest={"max_ms": ()},
        )
        await upsert(
            session,
            LatencyRecent,
            [
                {"flow": f, "hop": h, "minute": minute, "bucket": b, "count": int(c), "max_ms": m}
                for (f, h, minute, b), (c, m) in sorted(recent.items())
            ],
            add=("count",),
            latest={"max_ms": ()},
        )

    async def _write_agencies(self, session: AsyncSession) -> None:
        agencies = sorted(set(self.successes) | set(self.failures))
        rows = []
        for agency in agencies:
            failure = self.failures.get(agency)
            rows.append(
                {
                    "agency": agency,
                    "last_success_at": self.successes.get(agency),
                    "last_failure_at": failure[0] if failure else None,
                    "last_failure_reason": failure[1] if failure else None,
                }
            )
        await upsert(
            session,
            AgencyActivity,
            rows,
            latest={"last_success_at": (), "last_failure_at": ("last_failure_reason",)},
        )


def _gather(into: dict[Any, list[float]], key: Any, ms: float) -> None:
    """Count one sample under ``key`` and keep the largest: ``[count, max]``."""
    seen = into.setdefault(key, [0.0, 0.0])
    seen[0] += 1
    seen[1] = max(seen[1], ms)
