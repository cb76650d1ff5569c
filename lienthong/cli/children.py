"""The service processes: spawned in their own process group, watched, stopped in order.

Each service runs as ``python -m lienthong serve NAME`` exactly as it would in production. Its
own process group keeps a terminal Ctrl-C away from it: only the supervisor gets the signal, and
it then stops the services before the broker, so their relays can flush to a live broker. How a
process is started (which thread forks it, what it inherits) is the caller's *launch*.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from lienthong.cli.instances import service_of
from lienthong.cli.log_mux import LogMux
from lienthong.cli.spawner import Launch, popen_child

__all__ = [
    "Child",
    "ServiceExit",
    "ServiceSpec",
    "first_exit",
    "spawn",
    "stop_children",
]

_TAIL_LINES: Final = 30


@dataclass(frozen=True)
class ServiceSpec:
    """One process to run: its name and its HTTP port.

    The name is the service's (also its module and database name), or for a further instance
    of an agency ``population-2`` and so on (see :mod:`lienthong.cli.instances`).
    """

    name: str
    port: int

    @property
    def service(self) -> str:
        """The service this process is (an instance's agency)."""
        return service_of(self.name)


@dataclass(frozen=True)
class ServiceExit:
    """Which child (a service or ``broker``) ended on its own, and with what exit code."""

    name: str
    returncode: int


@dataclass
class Child:
    """A running service process, the thread pumping its output, and its last lines."""

    spec: ServiceSpec
    process: subprocess.Popen[bytes]
    pump: threading.Thread | None = None
    tail: collections.deque[str] = field(
        default_factory=lambda: collections.deque(maxlen=_TAIL_LINES)
    )

    def last_lines(self) -> list[str]:
        """Its last output lines, after giving the pump a moment to collect its last words."""
        if self.pump is not None:
            self.pump.join(timeout=1.0)
        return list(self.tail)


def spawn(
    spec: ServiceSpec,
    argv: Sequence[str],
    env: Mapping[str, str],
    logs: LogMux,
    launch: Launch = popen_child,
) -> Child:
    """Start one service through *launch*, its merged stdout/stderr pumped to *logs*."""
    process = launch(argv, env)
    child = Child(spec, process)
    assert process.stdout is not None  # stdout=PIPE
    child.pump = logs.pump(spec.name, process.stdout, child.tail)
    return child


def first_exit(children: Iterable[Child]) -> ServiceExit | None:
    """The first of *children* found to have exited, if any (None while all run)."""
    for child in children:
        code = child.process.poll()
        if code is not None:
            return ServiceExit(child.spec.name, code)
    return None


def stop_children(
    children: Sequence[Child],
    grace_s: float,
    *,
    hurry: threading.Event,
    say: Callable[[str], None],
) -> None:
    """SIGTERM every live child, SIGKILL those still alive after *grace_s*, reap them all.

    *hurry* set (a second Ctrl-C) cuts the grace period short. Returns once every process is
    reaped and its output pumped, so nothing a child printed while stopping is lost.
    """
    alive = [child for child in children if child.process.poll() is None]
    if alive:
        say("stopping " + ", ".join(child.spec.name for child in alive))
    for child in alive:
        with contextlib.suppress(ProcessLookupError):
            child.process.terminate()
            # A child frozen by `lienthong kill --signal STOP` only sees SIGTERM once thawed.
            os.kill(child.process.pid, signal.SIGCONT)
    _await_exit(alive, grace_s, hurry=hurry, say=say)
    for child in children:
        if child.pump is not None:
            child.pump.join(timeout=2.0)


def _await_exit(
    children: Sequence[Child],
    grace_s: float,
    *,
    hurry: threading.Event,
    say: Callable[[str], None],
) -> None:
    """Wait up to *grace_s* for *children* to exit, then SIGKILL the rest."""
    deadline = time.monotonic() + grace_s
    while (
        any(child.process.poll() is None for child in children)
        and time.monotonic() < deadline
        and not hurry.is_set()
    ):
        time.sleep(0.05)
    for child in children:
        if child.process.poll() is None:
            say(f"{child.spec.name} did not stop within {grace_s:.0f} s; killing it")
            with contextlib.suppress(ProcessLookupError):
                child.process.kill()
        child.process.wait()
