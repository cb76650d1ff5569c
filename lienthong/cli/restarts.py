"""When a crashed service starts again: exponential backoff, forgiven after a good long run.

Kept free of processes and clocks (times are passed in), so the arithmetic is tested alone. A
service that crashes at once would otherwise be restarted in a tight loop, flooding the log and
the CPU; one that ran for a minute before dying is treated as healthy again and comes back fast.
An exit we asked for (``lienthong restart`` sends SIGTERM) is not a crash: it restarts at once.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["RestartBook", "RestartPolicy", "requested_exit"]

_MAX_DOUBLINGS: Final = 64
"""Beyond this many doublings the cap applies anyway; bounding it keeps the float finite."""


def requested_exit(returncode: int) -> bool:
    """True when the child died of SIGTERM, i.e. someone asked it to stop (not a crash)."""
    return returncode == -signal.SIGTERM


@dataclass(frozen=True)
class RestartPolicy:
    """Backoff *first_s*, doubled per crash in a row up to *max_s*; reset after *reset_after_s*."""

    first_s: float = 0.5
    max_s: float = 30.0
    reset_after_s: float = 60.0

    def delay(self, consecutive: int) -> float:
        """Seconds to wait before restarting after the *consecutive*-th crash in a row (1-based).

        0.5, 1, 2, 4, … capped at 30 s with the defaults; 0 for no crash at all.
        """
        if consecutive < 1:
            return 0.0
        return min(self.max_s, self.first_s * 2.0 ** min(consecutive - 1, _MAX_DOUBLINGS))


class RestartBook:
    """Per service: when its current process started, its crash streak, its restart count."""

    def __init__(self, names: Iterable[str], policy: RestartPolicy | None = None) -> None:
        """Every service starts with no crash and no restart."""
        self.policy = policy or RestartPolicy()
        self._started: dict[str, float] = {}
        self._streak: dict[str, int] = {}
        self._restarts: dict[str, int] = {name: 0 for name in names}

    def started(self, name: str, at: float) -> None:
        """A process of *name* started at monotonic time *at* (first start or restart)."""
        self._started[name] = at

    def exited(self, name: str, at: float, *, requested: bool) -> float:
        """Record an exit of *name* at *at*; return how long to wait before starting it again.

        A process that ran at least ``reset_after_s`` wipes the crash streak first, so a crash
        after a long good run costs only the first delay. A requested exit costs nothing and
        leaves the streak as it was.
        """
        ran_s = at - self._started.get(name, at)
        if ran_s >= self.policy.reset_after_s:
            self._streak[name] = 0
        if requested:
            return 0.0
        self._streak[name] = self._streak.get(name, 0) + 1
        return self.policy.delay(self._streak[name])

    def restarted(self, name: str, at: float) -> int:
        """Count a restart of *name* that started at *at*; return its number (1 for the first)."""
        self._restarts[name] = self._restarts.get(name, 0) + 1
        self.started(name, at)
        return self._restarts[name]

    def next_number(self, name: str) -> int:
        """The number the next restart of *name* will get (for "restart N" in the log)."""
        return self._restarts.get(name, 0) + 1

    def counts(self) -> dict[str, int]:
        """How many times each service was restarted in this run."""
        return dict(self._restarts)
