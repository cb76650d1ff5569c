"""Process-level outages a scenario causes: pause the broker, kill or restart a service.

They act on the processes of a local ``lienthong up`` (found through its data dir's lock, read
afresh each time because a restarted service has a new pid); a sandbox reached only by URL
cannot be disrupted, which ``replay`` reports as a usage error before anything runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

from lienthong.cli.target import from_data_dir
from lienthong.scenarios.bounds import parse_seconds
from lienthong.scenarios.model import Disruption

__all__ = ["DisruptionRunner"]


class DisruptionRunner:
    """Carries out a scenario's disruptions on time, and always undoes a broker pause."""

    def __init__(self, data_dir: Path, real_seconds: float) -> None:
        """``real_seconds``: real seconds per simulated second of scenario time."""
        self._data_dir = data_dir
        self._scale = real_seconds
        self._paused: int | None = None
        self.log: list[str] = []
        self.problems: list[str] = []
        """Disruptions that could not be carried out: the scenario did not run as written."""

    def _pids(self) -> tuple[int | None, dict[str, int]]:
        """Read afresh each time: a restarted service has a new pid."""
        target = from_data_dir(self._data_dir)
        return target.broker_pid, target.pids

    async def run(self, disruption: Disruption, origin: float) -> None:
        """Wait for ``at`` (real seconds after the monotonic ``origin``), act, and for a pause
        wait for ``until`` and resume."""
        await _until(origin + parse_seconds(disruption.at) * self._scale)
        broker, children = self._pids()
        if disruption.action == "pause_broker":
            if broker is None:
                self.problems.append("pause_broker: this run has no embedded broker to pause")
                return
            os.kill(broker, signal.SIGSTOP)
            self._paused = broker
            self.log.append(f"broker paused (pid {broker})")
            assert disruption.until is not None
            await _until(origin + parse_seconds(disruption.until) * self._scale)
            self.resume()
            return
        assert disruption.service is not None
        pid = children.get(disruption.service)
        if pid is None:
            self.problems.append(f"{disruption.action} {disruption.service}: no such process")
            return
        sig = signal.SIGKILL if disruption.action == "kill" else signal.SIGTERM
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
            os.kill(pid, signal.SIGCONT)
        self.log.append(f"{disruption.action} {disruption.service} (pid {pid})")

    def resume(self) -> None:
        """Thaw a paused broker (called again on the way out, whatever happened)."""
        if self._paused is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._paused, signal.SIGCONT)
            self.log.append(f"broker resumed (pid {self._paused})")
            self._paused = None


async def _until(moment: float) -> None:
    """Sleep until the monotonic ``moment`` (at once if it has passed)."""
    delay = moment - time.monotonic()  # real-time ok: disruptions keep the scenario's pace
    if delay > 0:
        await asyncio.sleep(delay)
