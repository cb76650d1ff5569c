"""The simulated clock shared by every service (đồng hồ mô phỏng).

All services of one `lienthong up` get the same three settings — the real instant the clock was
anchored (``CLOCK_ANCHOR``, epoch seconds), the simulated time at that instant (``CLOCK_START``)
and the speed (``CLOCK_SPEED``) — so they agree on "now" without talking to each other. At
speed 86,400 one real second is one simulated day, which lets a test produce overdue dossiers
and SLA statistics in seconds. Default: real time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from lienthong.domain.calendar import VIETNAM_TZ, vietnam_date

__all__ = ["REAL_TIME", "VIETNAM_TZ", "SimClock"]


@dataclass(frozen=True)
class SimClock:
    """``now = start + (real_now − anchor) × speed``; speed 1 with start = anchor is real time."""

    speed: float = 1.0
    anchor_real: float | None = None
    start: datetime | None = None

    def __post_init__(self) -> None:
        if self.speed <= 0:
            raise ValueError("clock speed must be > 0")

    @property
    def is_real_time(self) -> bool:
        """True when this clock is the wall clock."""
        return self.speed == 1.0 and self.start is None

    def now(self) -> datetime:
        """Simulated now, timezone-aware UTC."""
        real_now = time.time()
        if self.is_real_time:
            return datetime.fromtimestamp(real_now, UTC)
        anchor = self.anchor_real if self.anchor_real is not None else real_now
        start = self.start or datetime.fromtimestamp(anchor, UTC)
        return start.astimezone(UTC) + timedelta(seconds=(real_now - anchor) * self.speed)

    def today(self) -> date:
        """Simulated date in Vietnam (what an official would write on a decision)."""
        return vietnam_date(self.now())


REAL_TIME = SimClock()


def clock_environment(speed: float = 1.0, start: datetime | None = None) -> dict[str, str]:
    """The environment that makes every service started now share one simulated clock.

    Anchored at this real instant; ``start`` (default: now) is the simulated time then.
    """
    if speed == 1.0 and start is None:
        return {}
    anchor = time.time()
    begins = start or datetime.fromtimestamp(anchor, UTC)
    return {
        "CLOCK_SPEED": repr(float(speed)),
        "CLOCK_ANCHOR": repr(anchor),
        "CLOCK_START": begins.isoformat(),
    }
