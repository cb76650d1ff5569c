"""How long the time-bucketed rows are kept: the sliding windows need minutes, not months.

``latency_recent`` (per minute) and ``activity`` (per second) grow with time, not with dossiers;
rows older than any window the API offers are deleted as the simulated clock moves on, at most
once a minute of event time, so the windows read a bounded number of rows. The overall
histograms and the counters are never pruned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gateway.counter_models import Activity, LatencyRecent

LATENCY_MINUTES: Final = 120
"""Minutes of per-minute latency kept: twice the longest window ``/stats/latency`` offers."""

ACTIVITY_SECONDS: Final = 24 * 3600
"""Seconds of throughput kept: a day of simulated time."""


@dataclass
class Retention:
    """Deletes old bucket rows when the newest event time reaches a new minute."""

    pruned_minute: int = -1

    async def prune(self, session: AsyncSession, newest_second: int | None) -> None:
        """Delete what fell out of every window, in the caller's transaction."""
        if newest_second is None or newest_second // 60 <= self.pruned_minute:
            return
        minute = newest_second // 60
        await session.exec(
            delete(LatencyRecent).where(col(LatencyRecent.minute) < minute - LATENCY_MINUTES)
        )
        await session.exec(
            delete(Activity).where(col(Activity.second) < newest_second - ACTIVITY_SECONDS)
        )
        self.pruned_minute = minute
