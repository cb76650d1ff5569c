"""The service processes of one run, handled as a group: started, watched, stopped.

One process per service, or several instances of an agency (``population-2``…).

The supervisor decides *what* a service gets (its environment, how it is forked); this group
keeps track of *which* process currently is each service, which changes whenever the watch
restarts one, so every reader (``pids()``, the lock file, ``stop()``) goes through one guard.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence

from lienthong.cli.children import (
    Child,
    ServiceExit,
    ServiceSpec,
    first_exit,
    spawn,
    stop_children,
)
from lienthong.cli.errors import ServiceExited, SupervisorError
from lienthong.cli.log_mux import LogMux
from lienthong.cli.restarts import RestartBook, RestartPolicy
from lienthong.cli.spawner import Launch
from lienthong.cli.watcher import Watcher

__all__ = ["EnvOf", "ServiceGroup"]

EnvOf = Callable[[ServiceSpec, bool], Mapping[str, str]]
"""A service's environment, given whether the broker is fresh (empty) for it."""


class ServiceGroup:
    """The services of a run: one current :class:`Child` per name, plus their restart book."""

    def __init__(
        self,
        specs: Sequence[ServiceSpec],
        *,
        command: Callable[[str], Sequence[str]],
        logs: LogMux,
        policy: RestartPolicy,
    ) -> None:
        """Record what to run; nothing starts until :meth:`start`."""
        self.specs = list(specs)
        self._command = command
        self._logs = logs
        self._policy = policy
        self._children: dict[str, Child] = {}
        self._guard = threading.Lock()
        self._book = RestartBook([spec.name for spec in self.specs], policy)
        self._watcher: Watcher | None = None
        self._env: EnvOf | None = None
        self._launch: Launch | None = None

    def pids(self) -> dict[str, int]:
        """Each service's current process id."""
        with self._guard:
            return {name: child.process.pid for name, child in self._children.items()}

    def restarts(self) -> dict[str, int]:
        """How many times each service was restarted since :meth:`start`."""
        return self._book.counts()

    @property
    def fatal(self) -> ServiceExit | None:
        """The broker's exit, once the watch saw it die (the run cannot go on)."""
        return self._watcher.fatal if self._watcher is not None else None

    def start(self, env: EnvOf, launch: Launch, *, fresh_broker: bool) -> None:
        """Start every service; *env* and *launch* are kept for restarts.

        *fresh_broker* applies to this first start only: a restarted service finds the broker
        still holding what it published, so it has nothing to replay.
        """
        self._env, self._launch = env, launch
        self._book = RestartBook([spec.name for spec in self.specs], self._policy)
        for spec in self.specs:
            child = self._spawn(spec.name, fresh_broker=fresh_broker)
            with self._guard:
                self._children[spec.name] = child

    def raise_if_exited(self) -> None:
        """During startup a death is fatal: raise :class:`ServiceExited` with its last words."""
        with self._guard:
            ended = first_exit(self._children.values())
            child = self._children[ended.name] if ended is not None else None
        if ended is not None and child is not None:
            raise ServiceExited(ended.name, ended.returncode, child.last_lines())

    def watch(
        self, *, broker_exit: Callable[[], int | None], on_restart: Callable[[], None]
    ) -> None:
        """From now on restart any service that exits (see :mod:`lienthong.cli.watcher`)."""
        self._watcher = Watcher(
            children=self._children,
            guard=self._guard,
            book=self._book,
            respawn=self._spawn,
            on_restart=on_restart,
            broker_exit=broker_exit,
            say=self._logs.say,
        )
        self._watcher.start()

    def stop(self, grace_s: float, *, hurry: threading.Event) -> None:
        """End the watch (no restart after this), then stop every service; see stop_children."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        with self._guard:
            children = list(self._children.values())
            self._children.clear()
        stop_children(children, grace_s, hurry=hurry, say=self._logs.say)

    def _spawn(self, name: str, *, fresh_broker: bool = False) -> Child:
        """Start one process of service *name* (first start or restart)."""
        if self._env is None or self._launch is None:
            raise SupervisorError("the services are not started")
        spec = next(spec for spec in self.specs if spec.name == name)
        argv = self._command(spec.service)
        child = spawn(spec, argv, self._env(spec, fresh_broker), self._logs, self._launch)
        self._book.started(name, time.monotonic())
        return child
