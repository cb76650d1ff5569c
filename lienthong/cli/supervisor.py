"""Start, watch and stop the whole sandbox: the broker plus the four services as child processes.

Each service runs in its own process (``python -m lienthong serve NAME``) exactly as in
production, so ``lienthong up`` exercises the real wiring: env vars, HTTP, Kafka. Like a process
manager, it restarts a dead service with backoff while the others go on, lets no child outlive
it, and holds one lock per data directory (inherited by every child) so two runs never share
its SQLite files. Signal handlers exist only in :mod:`lienthong.cli.foreground`, so a pytest
fixture can drive it with ``start()`` / ``stop()``. Each step has its own module in
``lienthong/cli/`` (spawner, service_group, watcher, broker, health…); this one sequences them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final, Self, TextIO

from lienthong.cli.broker import EmbeddedBroker
from lienthong.cli.broker_logs import start_embedded
from lienthong.cli.child_env import child_env, service_url
from lienthong.cli.children import ServiceExit, ServiceSpec
from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.cli.errors import ServiceExited, SupervisorError
from lienthong.cli.fleet import Fleet
from lienthong.cli.health import wait_healthy
from lienthong.cli.log_mux import BROKER_SOURCE, LogMux
from lienthong.cli.ports import check_ports
from lienthong.cli.restarts import RestartPolicy
from lienthong.cli.run_credentials import RunCredentials, auth_environment, settle
from lienthong.cli.run_lock import RunLock
from lienthong.cli.run_record import run_record
from lienthong.cli.run_storage import prepare_run_storage, service_database_urls
from lienthong.cli.service_group import ServiceGroup
from lienthong.cli.spawner import Spawner
from lienthong.cli.topics import create_topics
from lienthong.contracts.services import DEFAULT_PORTS, SERVICE_NAMES

__all__ = ["ServiceExit", "ServiceSpec", "Supervisor"]

_STOP_GRACE_S: Final = 10.0
_POLL_S: Final = 0.2


class Supervisor:
    """Runs the broker (unless given one) and the four services, and tears them down again.

    ``start()`` returns once every service answers ``GET /health`` with 200; ``stop()`` always
    cleans up (children, broker, lock) and is safe to call at any point, any number of times.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        ports: Mapping[str, int] | None = None,
        bootstrap_servers: str | None = None,
        partitions: int = 3,
        broker_port: int = 0,
        extra_env: Mapping[str, str] | None = None,
        health_timeout_s: float = 60.0,
        fresh: bool = False,
        output: TextIO | None = None,
        color: bool | None = None,
        command: Callable[[str], Sequence[str]] | None = None,
        restart_policy: RestartPolicy | None = None,
        log_format: str = "text",
        log_level: str = "info",
        fleet: Fleet | None = None,
    ) -> None:
        """Record the configuration; nothing starts until :meth:`start`.

        *bootstrap_servers* None means "start the embedded broker on *broker_port*". *fresh*
        deletes the databases after the lock is taken, so a running sandbox is never wiped.
        *command* maps a service name to the argv that runs it (tests substitute fakes);
        *restart_policy* sets the backoff after a crash. *output* defaults to the ``sys.stdout``
        of the moment logs are written, which keeps pytest's capture working. *log_format* and
        *log_level* shape the supervisor's own lines (the services get theirs from their env).
        *fleet* says which agencies are simulated or external (default: every one real).
        """
        unknown = set(ports or {}) - set(SERVICE_NAMES)
        if unknown:
            raise ValueError(f"unknown services in ports: {', '.join(sorted(unknown))}")
        merged = {**DEFAULT_PORTS, **(ports or {})}
        self.data_dir = data_dir.resolve()
        self.host = host
        self.specs = [ServiceSpec(name, merged[name]) for name in SERVICE_NAMES]
        self.partitions = partitions
        self._external_bootstrap = bootstrap_servers
        self._broker_port = broker_port
        self.fleet = fleet or Fleet()
        self._extra_env = {**(extra_env or {}), **self.fleet.environment()}
        self._health_timeout_s = health_timeout_s
        self._fresh = fresh
        self.logs = LogMux(output, color, log_format=log_format, log_level=log_level)
        self._services = ServiceGroup(
            self.fleet.launched(self.specs),
            command=command or self.fleet.command,
            logs=self.logs,
            policy=restart_policy or RestartPolicy(),
        )
        self._lock = RunLock(self.data_dir / LOCK_FILE_NAME)
        self._broker: EmbeddedBroker | None = None
        self._spawner: Spawner | None = None
        self._stop_requested = threading.Event()
        self._hurry = threading.Event()
        self._stop_guard = threading.Lock()
        self._started = False
        self.credentials: RunCredentials | None = None
        """The run's keys once :meth:`start` settled them (None: the run is open)."""

    # -- facts ---------------------------------------------------------------------------------

    def urls(self) -> dict[str, str]:
        """Each service's base URL, keyed by service name."""
        return {spec.name: service_url(self.host, spec.port) for spec in self.specs}

    def launched_urls(self) -> dict[str, str]:
        """The URL of each process this run starts, by name (``population-2`` included); an
        external agency answers for itself."""
        return {spec.name: service_url(self.host, spec.port) for spec in self._services.specs}

    def pids(self) -> dict[str, int]:
        """Each service's current process id, keyed by name (for diagnostics and tests)."""
        return self._services.pids()

    def restarts(self) -> dict[str, int]:
        """How many times each service was restarted since :meth:`start`."""
        return self._services.restarts()

    @property
    def bootstrap_servers(self) -> str:
        """The Kafka bootstrap address in use (embedded or external)."""
        if self._external_bootstrap is not None:
            return self._external_bootstrap
        if self._broker is None:
            raise SupervisorError("the broker is not running")
        return self._broker.bootstrap_servers

    @property
    def broker_pid(self) -> int | None:
        """The embedded broker's process id while it runs (None: external Kafka, or stopped)."""
        return self._broker.pid if self._broker is not None else None

    def database_urls(self, *, provisioned_only: bool = False) -> dict[str, str]:
        """Each started service's database URL (see :func:`service_database_urls`)."""
        env = {**os.environ, **self._extra_env}
        return service_database_urls(
            self._services.specs, self.fleet, self.data_dir, env, provisioned_only=provisioned_only
        )

    @property
    def embedded_broker(self) -> bool:
        """True when we run Tansu ourselves, i.e. no external Kafka was given."""
        return self._external_bootstrap is None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Bring everything up, return once every service is healthy, then watch in background.

        On any failure (including Ctrl-C) everything already started is stopped and the lock
        released before the exception propagates, so a failed start leaves nothing behind. From
        here on a service that exits is restarted (see :mod:`lienthong.cli.watcher`).
        """
        if self._started:
            raise SupervisorError("the supervisor is already started")
        self._stop_requested.clear()
        self._hurry.clear()
        self._lock.acquire()
        try:
            # Every child inherits the locked descriptor: the data dir stays ours while any lives.
            self._spawner = Spawner(keep_fds=[self._lock.fileno()])
            # Credentials on (asked for, or not on loopback): the keys, before any child starts.
            self.credentials = settle(self.data_dir, self.host, {**os.environ, **self._extra_env})
            self._lock.write(run_record(self))
            prepare_run_storage(
                self.data_dir,
                self.fleet,
                self.database_urls(provisioned_only=True),
                fresh=self._fresh,
                say=self.logs.say,
            )
            check_ports(self.host, self._wanted_ports())
            if self.embedded_broker:  # else an external Kafka was given
                assert self._spawner is not None  # created above, before any child
                self._broker = start_embedded(self.logs, self._spawner.popen, self._broker_port)
            create_topics(self.bootstrap_servers, self.partitions)
            # A memory-only broker starts empty: services replay their recent outbox into it.
            self._services.start(
                self._service_env, self._spawner.popen, fresh_broker=self.embedded_broker
            )
            self._lock.write(run_record(self))
            wait_healthy(
                self.launched_urls(),
                timeout_s=self._health_timeout_s,
                stop_requested=self._stop_requested,
                check_alive=self._raise_if_exited,
                on_healthy=lambda name, s: self.logs.say(f"{name} healthy after {s:.1f} s"),
            )
            broker = self._broker
            self._services.watch(
                broker_exit=broker.returncode if broker is not None else lambda: None,
                on_restart=lambda: self._lock.write(run_record(self)),
            )
        except BaseException:
            self.stop()
            raise
        self._started = True

    def request_stop(self) -> None:
        """Ask :meth:`wait` (or a start in progress) to return; safe from signal handlers."""
        if self._stop_requested.is_set():
            self._hurry.set()
        self._stop_requested.set()

    def wait(self) -> ServiceExit | None:
        """Block until a stop is requested (None) or the embedded broker dies (its exit).

        A dead service is restarted meanwhile; the broker keeps everything in memory, so its
        death ends the run.
        """
        while not self._stop_requested.wait(_POLL_S):
            if self._services.fatal is not None:
                return self._services.fatal
        return None

    def stop(self, grace_s: float = _STOP_GRACE_S) -> None:
        """End the watch, SIGTERM every service (SIGKILL after *grace_s*), then the broker.

        Services go first so their relays can flush to a live broker; the spawner thread ends
        once every child is gone (its end is their parent's death); the lock goes last. A
        second stop request while stopping (second Ctrl-C) kills the stragglers at once.
        """
        with self._stop_guard:
            self._stop_requested.set()
            self._services.stop(grace_s, hurry=self._hurry)
            if self._broker is not None:
                self._broker.stop()
                self._broker = None
            if self._spawner is not None:
                self._spawner.close()
                self._spawner = None
            self._lock.release()
            self._started = False

    def __enter__(self) -> Self:
        """Start on entering a ``with`` block."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Always stop, whatever happened inside the block."""
        self.stop()

    # -- steps ---------------------------------------------------------------------------------

    def _wanted_ports(self) -> list[tuple[str, int]]:
        """Every port this run listens on, checked before anything starts."""
        broker = self.embedded_broker and self._broker_port
        extra = [(BROKER_SOURCE, self._broker_port)] if broker else []
        return [(spec.name, spec.port) for spec in self._services.specs] + extra

    def _service_env(self, spec: ServiceSpec, fresh_broker: bool) -> dict[str, str]:
        """The environment that configures one service process."""
        return child_env(
            spec.service,
            host=self.host,
            port=spec.port,
            urls=self.urls(),
            bootstrap_servers=self.bootstrap_servers,
            data_dir=self.data_dir,
            # One instance replays the outbox into a fresh broker: the rows are shared.
            fresh_broker=fresh_broker and spec.name == spec.service,
            database=self.fleet.database(spec.service),
            base_env=os.environ,
            extra_env={**self._extra_env, **auth_environment(self.credentials)},
        )

    def _raise_if_exited(self) -> None:
        """Turn a child's or the broker's death during startup into an error naming it."""
        code = self._broker.returncode() if self._broker is not None else None
        if self._broker is not None and code is not None:
            raise ServiceExited(BROKER_SOURCE, code, self._broker.last_lines())
        self._services.raise_if_exited()
