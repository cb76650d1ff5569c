"""Sandboxes that ``replay`` starts itself: for ``--up``, and for scenarios that need a clock.

A scenario that asks for a clock speed or start the running sandbox does not have (an overdue
dossier on a clock of one day per second) cannot be replayed on it; rather than failing, replay
starts a fresh sandbox with that clock in a temporary directory, says so in the report, and
stops it afterwards. Scenarios asking for the same clock share one sandbox.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from lienthong.cli.ports import free_ports
from lienthong.cli.supervisor import Supervisor
from lienthong.contracts.services import SERVICE_NAMES
from lienthong.runtime.clock import clock_environment
from lienthong.runtime.credentials import ADMIN
from lienthong.scenarios.model import ClockSpec

__all__ = ["Launched", "Launcher", "clock_key"]


def clock_key(clock: ClockSpec | None) -> tuple[float, str]:
    """What makes two scenarios able to share a sandbox: the same speed and start."""
    if clock is None:
        return (1.0, "")
    return (clock.speed, clock.start.isoformat() if clock.start else "")


@dataclass(frozen=True)
class Launched:
    """A sandbox replay started: its URLs, data dir and admin key (credentials may be on when
    the environment asks for them, ``AUTH_REQUIRED``)."""

    urls: dict[str, str]
    data_dir: Path
    api_key: str | None = None


class Launcher:
    """Starts at most one sandbox per clock, and stops them all on :meth:`close`."""

    def __init__(self, log: TextIO | None = None) -> None:
        self._stack = ExitStack()
        self._started: dict[tuple[float, str], Launched] = {}
        self._log = log

    def sandbox(self, clock: ClockSpec | None) -> Launched:
        """The sandbox for ``clock``, started on first use (takes ~10 s)."""
        key = clock_key(clock)
        if key not in self._started:
            data_dir = Path(self._stack.enter_context(tempfile.TemporaryDirectory("-replay")))
            log = self._log or self._stack.enter_context(
                (data_dir / "system.log").open("w", encoding="utf-8")
            )
            supervisor = Supervisor(
                data_dir,
                ports=free_ports(SERVICE_NAMES),
                output=log,
                color=False,
                health_timeout_s=120,
                extra_env=clock_environment(key[0], clock.start if clock else None),
            )
            supervisor.start()
            self._stack.callback(supervisor.stop)
            run = supervisor.credentials
            admin = run.credentials.key_of(ADMIN) if run is not None else None
            self._started[key] = Launched(supervisor.urls(), data_dir, admin)
        return self._started[key]

    def close(self) -> None:
        """Stop every sandbox started, and remove their directories."""
        self._stack.close()
