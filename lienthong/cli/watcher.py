"""The supervisor's watch: restart a service that exits, give up on the whole run if Kafka dies.

A service may crash (a bug, ``lienthong kill``, the OOM killer) while the others carry on: what
it should have consumed waits in Kafka, so restarting it is all recovery takes. The embedded
broker is different: it keeps everything in memory, so its death ends the run.

The watch runs on its own thread from ``start()`` to ``stop()``, so restarts happen whether the
supervisor is driven by ``lienthong up`` (``wait()``) or by a test calling ``start()``/``stop()``.
It never forks by itself: ``respawn`` goes through the supervisor's long-lived spawner thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Final

from lienthong.cli.children import Child, ServiceExit
from lienthong.cli.log_mux import BROKER_SOURCE
from lienthong.cli.restarts import RestartBook, requested_exit

__all__ = ["Watcher"]

POLL_S: Final = 0.1


class Watcher:
    """Polls the services and the broker; restarts services per *book*'s backoff.

    *children* is the supervisor's own name→child map, read and replaced under *guard*.
    *respawn* starts a new process for a service; *on_restart* runs after each restart (the
    supervisor rewrites its lock file there); *broker_exit* gives the broker's exit code once
    it has died.
    """

    def __init__(
        self,
        *,
        children: dict[str, Child],
        guard: threading.Lock,
        book: RestartBook,
        respawn: Callable[[str], Child],
        on_restart: Callable[[], None],
        broker_exit: Callable[[], int | None],
        say: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Wire the watch; nothing runs until :meth:`start`."""
        self._children = children
        self._guard = guard
        self._book = book
        self._respawn = respawn
        self._on_restart = on_restart
        self._broker_exit = broker_exit
        self._say = say
        self._clock = clock
        self._due: dict[str, float] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lienthong-watch", daemon=True)
        self.fatal: ServiceExit | None = None
        """Set (before the watch ends) when the broker died: the run cannot go on."""

    def start(self) -> None:
        """Begin watching on the watch's own thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for the thread; no restart begins after this returns."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        """Every POLL_S: end on a dead broker, else restart what exited and is due."""
        while not self._stopping.wait(POLL_S):
            code = self._broker_exit()
            if code is not None:
                self._say(f"{BROKER_SOURCE} exited with code {code}; stopping")
                self.fatal = ServiceExit(BROKER_SOURCE, code)
                return
            with self._guard:
                current = list(self._children.items())
            for name, child in current:
                if self._stopping.is_set():
                    return
                try:
                    self._check(name, child)
                except Exception as error:  # one failure must not end every future restart
                    self._say(f"watching {name} failed: {error!r}")

    def _check(self, name: str, child: Child) -> None:
        """Schedule a restart of an exited service, or perform one whose backoff is over."""
        now = self._clock()
        if name not in self._due:
            code = child.process.poll()
            if code is None:
                return
            delay = self._book.exited(name, now, requested=requested_exit(code))
            number = self._book.next_number(name)
            if requested_exit(code):
                self._say(f"{name} stopped on request; restarting it now (restart {number})")
            else:
                self._say(
                    f"{name} exited with code {code}; restarting in {delay:g} s (restart {number})"
                )
            self._due[name] = now + delay
        if now >= self._due[name]:
            self._restart(name)

    def _restart(self, name: str) -> None:
        """Start *name* again; a failure to start counts as a crash and backs off further."""
        try:
            child = self._respawn(name)
        except Exception as error:
            now = self._clock()
            self._book.started(name, now)  # a failed start ran for no time: the streak grows
            delay = self._book.exited(name, now, requested=False)
            self._say(f"could not restart {name} ({error}); trying again in {delay:g} s")
            self._due[name] = now + delay
            return
        del self._due[name]
        number = self._book.restarted(name, self._clock())
        with self._guard:
            self._children[name] = child
        self._say(f"{name} restarted as pid {child.process.pid} (restart {number})")
        self._on_restart()
