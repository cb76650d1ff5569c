"""Following the dossiers of a run through the gateway, cheaply enough not to slow it down.

Three reads, each as rare as its purpose allows:

- ``GET /api/v1/stats`` once per poll: counts by status, for the live line and for knowing when
  the run has drained (and, before and after, for the counters the report checks against);
- a few dossiers per second, chosen as they are accepted, read one by one until they end
  (``GET /api/v1/dossiers/{id}``): the per-hop latencies, from each step's ``started_at`` and
  ``finished_at``, and the live p50/p99;
- once, after the drain, the list endpoint page by page: every dossier of the run with its
  status and times, for the end-to-end percentiles and the dossiers that never finished.

The gateway's times are simulated; :class:`ClockMap` turns them into real seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from lienthong.contracts.steps import DOSSIER_STATUSES
from lienthong.load.wire import WireClient, WireError

__all__ = [
    "FINAL",
    "ClockMap",
    "DossierTimes",
    "Observer",
    "hop_latencies",
    "parse_time",
    "stats_totals",
]

FINAL: Final = frozenset({"completed", "rejected", "failed"})
STATUSES: Final = DOSSIER_STATUSES
PAGE: Final = 1000
SAMPLE_READS: Final = 8
"""Sampled dossiers read at once."""
READS_PER_POLL: Final = 40
"""Sampled dossiers read per poll at most, however far behind the system is."""


def parse_time(text: str) -> datetime:
    """An ISO time of the API (``Z`` or an offset)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class ClockMap:
    """Simulated time of the gateway ↔ real (wall) seconds, from one reading of its clock."""

    speed: float
    sim_at: datetime
    wall_at: float

    def wall(self, sim: datetime) -> float:
        """The real epoch second at which the gateway's clock showed ``sim``."""
        return self.wall_at + (sim - self.sim_at).total_seconds() / self.speed

    def real_s(self, start: datetime, end: datetime) -> float:
        """Real seconds between two simulated instants."""
        return (end - start).total_seconds() / self.speed


def stats_totals(stats: Mapping[str, Any]) -> dict[str, int]:
    """Dossiers by status over both flows (``/api/v1/stats``), and ``total``."""
    totals = dict.fromkeys((*STATUSES, "total"), 0)
    for flow in stats.get("flows", {}).values():
        for status, count in flow.get("dossiers", {}).items():
            totals[status] = totals.get(status, 0) + int(count)
    return totals


@dataclass(frozen=True)
class DossierTimes:
    """One dossier as the gateway shows it: status, times, and its steps' times if read."""

    dossier_id: str
    kind: str
    status: str
    submitted_at: datetime
    completed_at: datetime | None
    steps: tuple[tuple[str, datetime | None, datetime | None], ...] = ()
    """``(agency, started_at, finished_at)`` of each step (sampled dossiers only)."""

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> DossierTimes:
        """From a dossier view or a list summary."""
        completed = body.get("completed_at")
        return cls(
            dossier_id=str(body["dossier_id"]),
            kind=str(body["kind"]),
            status=str(body["status"]),
            submitted_at=parse_time(body["submitted_at"]),
            completed_at=parse_time(completed) if completed else None,
            steps=tuple(
                (
                    str(step["agency"]),
                    parse_time(step["started_at"]) if step.get("started_at") else None,
                    parse_time(step["finished_at"]) if step.get("finished_at") else None,
                )
                for step in body.get("steps", ())
            ),
        )


def hop_latencies(dossiers: Iterable[DossierTimes], clock: ClockMap) -> dict[str, list[float]]:
    """Real seconds each agency took, per agency, over the completed dossiers given.

    A step starts when the gateway accepted the dossier (the first) or its predecessor decided,
    and ends when its agency decided: Kafka, the agency's consumer and its outbox relay are all
    inside it.
    """
    hops: dict[str, list[float]] = {}
    for dossier in dossiers:
        if dossier.status != "completed":
            continue
        for agency, started, finished in dossier.steps:
            if started is not None and finished is not None:
                hops.setdefault(agency, []).append(clock.real_s(started, finished))
    return hops


@dataclass
class Observer:
    """What the load tool knows of the run's dossiers, as the gateway shows them."""

    client: WireClient
    clock: ClockMap
    sample_per_s: float
    baseline: dict[str, int]
    latest: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    sampled: dict[str, DossierTimes] = field(default_factory=dict)
    """Sampled dossiers that ended, by id."""
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set after every poll (whoever waits for the counters clears it first)."""
    _following: list[str] = field(default_factory=list)

    def on_accepted(self, dossier_id: str, kind: str, sent_at: float) -> None:
        """A dossier was accepted: follow it if the sample is short of its rate."""
        self.accepted += 1
        if len(self.sampled) + len(self._following) < self.sample_per_s * max(sent_at, 1.0):
            self._following.append(dossier_id)

    async def poll(self) -> dict[str, int]:
        """Read the counters once and the sampled dossiers still open; the counters' delta."""
        answer = await self.client.get("/api/v1/stats")
        if answer.status == 200:
            self.latest = stats_totals(answer.json())
        following = self._following[:READS_PER_POLL]
        self._following = self._following[READS_PER_POLL:]
        still: list[str] = []
        for start in range(0, len(following), SAMPLE_READS):
            chunk = following[start : start + SAMPLE_READS]
            for dossier_id, body in zip(chunk, await _read_each(self.client, chunk), strict=True):
                times = DossierTimes.from_api(body) if body is not None else None
                if times is not None and times.status in FINAL:
                    self.sampled[dossier_id] = times
                else:
                    still.append(dossier_id)
        self._following += still  # round robin: the ones just read wait for the others
        self.changed.set()
        return self.delta()

    def delta(self) -> dict[str, int]:
        """Counters now minus counters before the run, per status."""
        return {key: self.latest.get(key, 0) - self.baseline.get(key, 0) for key in self.latest}

    def live_latencies(self) -> list[float]:
        """Real seconds submit → completed of the sampled dossiers that completed so far."""
        return [
            self.clock.real_s(d.submitted_at, d.completed_at)
            for d in self.sampled.values()
            if d.completed_at is not None
        ]

    async def every(self, ids: Iterable[str], not_before: datetime) -> dict[str, DossierTimes]:
        """Every dossier of ``ids`` the list endpoint shows, newest first, stopping at the
        first page that reaches back before ``not_before`` (simulated) or when all are found."""
        wanted = set(ids)
        found: dict[str, DossierTimes] = {}
        offset = 0
        while len(found) < len(wanted):
            answer = await self.client.get("/api/v1/dossiers", {"limit": PAGE, "offset": offset})
            if answer.status != 200:
                raise WireError(f"GET /api/v1/dossiers: HTTP {answer.status}")
            page: list[dict[str, Any]] = answer.json()
            for row in page:
                if row["dossier_id"] in wanted:
                    found[row["dossier_id"]] = DossierTimes.from_api(row)
            offset += len(page)
            if len(page) < PAGE or parse_time(page[-1]["submitted_at"]) < not_before:
                break
        return found

    async def recheck(self, dossiers: dict[str, DossierTimes]) -> None:
        """Read again, one by one, the dossiers of ``dossiers`` that are not final yet."""
        open_ids = [d for d, times in dossiers.items() if times.status not in FINAL]
        for start in range(0, len(open_ids), SAMPLE_READS):
            chunk = open_ids[start : start + SAMPLE_READS]
            for dossier_id, body in zip(chunk, await _read_each(self.client, chunk), strict=True):
                if body is not None:
                    dossiers[dossier_id] = DossierTimes.from_api(body)


async def _read_each(client: WireClient, ids: list[str]) -> list[dict[str, Any] | None]:
    """``GET /api/v1/dossiers/{id}`` for each, concurrently; None for one that failed."""

    async def read(dossier_id: str) -> dict[str, Any] | None:
        try:
            answer = await client.get(f"/api/v1/dossiers/{dossier_id}")
            body = answer.json() if answer.status == 200 else None
        except WireError:
            return None
        return body if isinstance(body, dict) else None

    return list(await asyncio.gather(*(read(d) for d in ids)))
