"""Run the whole sandbox in the foreground until a stop signal, as ``lienthong up`` does.

The only place that installs signal handlers (restored afterwards), so it must run on the main
thread; tests and the scenario runner drive the supervisor with ``start()`` / ``stop()`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from types import FrameType

from lienthong.cli.errors import StartupInterrupted
from lienthong.cli.stop_signals import stopping_on_signals
from lienthong.cli.supervisor import Supervisor


def run_in_foreground(
    supervisor: Supervisor, on_ready: Callable[[Supervisor], None] | None = None
) -> int:
    """Start, call *on_ready*, supervise until SIGINT/SIGTERM/SIGHUP or the broker dies, stop.

    SIGHUP (the terminal went away) stops gracefully too. Returns 0 after a requested stop, 1
    when the broker died; startup errors propagate after cleanup.
    """

    def on_signal(signum: int, frame: FrameType | None) -> None:
        supervisor.request_stop()  # only flip events: output from a handler risks deadlocks

    with stopping_on_signals(on_signal):
        try:
            supervisor.start()
            if on_ready is not None:
                on_ready(supervisor)
            return 0 if supervisor.wait() is None else 1
        except StartupInterrupted:
            return 0
        finally:
            supervisor.stop()
