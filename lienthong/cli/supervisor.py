"""Start, watch and stop the whole sandbox: the broker plus the four services as child processes.

Each service runs in its own process (``python -m lienthong serve NAME``) exactly as it would in
production, so ``lienthong up`` exercises the real wiring: env-var configuration, HTTP between
agencies, Kafka between everyone. The supervisor is synchronous and installs no signal handlers
unless :meth:`Supervisor.run_forever` asks for them, so a pytest fixture can drive it with
``start()`` / ``stop()``. One lock file per data directory stops two ``up`` runs from sharing (and
corrupting) the same SQLite files.

This module only sequences the steps; each job has its own module in ``lienthong/cli/``:
children, child_env, log_mux, ports, broker, topics, health.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import Final, Self, TextIO

from lienthong.cli.broker import BrokerError, EmbeddedBroker
from lienthong.cli.child_env import child_env, service_url
from lienthong.cli.children import (
    Child,
    ServiceExit,
    ServiceSpec,
    first_exit,
    service_command,
    spawn,
    stop_children,
)
from lienthong.cli.data_dir import LOCK_FILE_NAME, wipe_databases
from lienthong.cli.errors import ServiceExited, StartupInterrupted, SupervisorError
from lienthong.cli.health import wait_healthy
from lienthong.cli.log_mux import BROKER_SOURCE, LogMux
from lienthong.cli.ports import check_ports
from lienthong.cli.run_lock import RunLock
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
    ) -> None:
        """Record the configuration; nothing starts until :meth:`start`.

        *bootstrap_servers* None means "start the embedded broker on *broker_port*". *fresh*
        deletes the databases after the lock is taken, so a running sandbox is never wiped.
        *command* maps a service name to the argv that runs it (tests substitute fakes).
        *output* defaults to the ``sys.stdout`` of the moment logs are written, which keeps
        pytest's capture working.
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
        self._extra_env = dict(extra_env or {})
        self._health_timeout_s = health_timeout_s
        self._fresh = fresh
        self._logs = LogMux(output, color)
        self._command = command or service_command
        self._lock = RunLock(self.data_dir / LOCK_FILE_NAME)
        self._broker: EmbeddedBroker | None = None
        self._children: dict[str, Child] = {}
        self._stop_requested = threading.Event()
        self._hurry = threading.Event()
        self._stop_guard = threading.Lock()
        self._started = False

    # -- facts ---------------------------------------------------------------------------------

    def urls(self) -> dict[str, str]:
        """Each service's base URL, keyed by service name."""
        return {spec.name: service_url(self.host, spec.port) for spec in self.specs}

    def pids(self) -> dict[str, int]:
        """Each running service's process id, keyed by name (for diagnostics and tests)."""
        return {name: child.process.pid for name, child in self._children.items()}

    @property
    def bootstrap_servers(self) -> str:
        """The Kafka bootstrap address in use (embedded or external)."""
        if self._external_bootstrap is not None:
            return self._external_bootstrap
        if self._broker is None:
            raise SupervisorError("the broker is not running")
        return self._broker.bootstrap_servers

    @property
    def embedded_broker(self) -> bool:
        """True when we run Tansu ourselves, i.e. no external Kafka was given."""
        return self._external_bootstrap is None

    @property
    def color(self) -> bool:
        """Whether log prefixes are coloured (given, or guessed from the output being a tty)."""
        return self._logs.color

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Bring everything up and return once every service is healthy.

        On any failure (including Ctrl-C) everything already started is stopped and the lock
        released before the exception propagates, so a failed start leaves nothing behind.
        """
        if self._started:
            raise SupervisorError("the supervisor is already started")
        self._stop_requested.clear()
        self._hurry.clear()
        self._lock.acquire()
        try:
            self._lock.write(self._lock_info())
            if self._fresh:
                for path in wipe_databases(self.data_dir):
                    self._logs.say(f"--fresh: deleted {path.name}")
            self._check_ports()
            self._start_broker()
            create_topics(self.bootstrap_servers, self.partitions)
            for spec in self.specs:
                self._spawn(spec)
            self._lock.write(self._lock_info())
            wait_healthy(
                self.urls(),
                timeout_s=self._health_timeout_s,
                stop_requested=self._stop_requested,
                check_alive=self._raise_if_exited,
                on_healthy=lambda name, s: self._logs.say(f"{name} healthy after {s:.1f} s"),
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
        """Block until a stop is requested (None) or a child exits on its own (which one).

        An unexpected exit is reported on the output stream before returning, so the user sees
        why the sandbox is going down.
        """
        while not self._stop_requested.wait(_POLL_S):
            ended = self._first_exit()
            if ended is not None:
                self._logs.say(
                    f"{ended.name} exited unexpectedly with code {ended.returncode}; stopping"
                )
                return ended
        return None

    def stop(self, grace_s: float = _STOP_GRACE_S) -> None:
        """SIGTERM every service, kill those still alive after *grace_s*, then stop the broker.

        Services go first so their relays can flush to a still-running broker. Releases the lock
        last. A second stop request while stopping (second Ctrl-C) kills the stragglers at once.
        """
        with self._stop_guard:
            self._stop_requested.set()
            children = list(self._children.values())
            self._children.clear()
            stop_children(children, grace_s, hurry=self._hurry, say=self._logs.say)
            if self._broker is not None:
                self._broker.stop()
                self._broker = None
            self._lock.release()
            self._started = False

    def run_forever(self, on_ready: Callable[[Supervisor], None] | None = None) -> int:
        """Start, call *on_ready*, supervise until SIGINT/SIGTERM or a child dies, then stop.

        The only method that installs signal handlers (restored afterwards), so it must run on
        the main thread. Returns 0 after a requested stop, 1 when a child died on its own.
        Startup errors propagate after cleanup, for the CLI to word.
        """
        previous = {
            signum: signal.signal(signum, self._on_signal)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            try:
                self.start()
            except StartupInterrupted:
                return 0
            if on_ready is not None:
                on_ready(self)
            return 0 if self.wait() is None else 1
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

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

    def echo(self, text: str) -> None:
        """Write *text* as-is to the output, never interleaved mid-line with service logs."""
        self._logs.echo(text)

    # -- startup steps -------------------------------------------------------------------------

    def _lock_info(self) -> dict[str, object]:
        """What a second ``up`` shows the user: who runs, where, and the child pids."""
        info: dict[str, object] = {
            "pid": os.getpid(),
            "urls": self.urls(),
            "data_dir": str(self.data_dir),
            "children": self.pids(),
        }
        with contextlib.suppress(SupervisorError, BrokerError):
            info["bootstrap_servers"] = self.bootstrap_servers
        return info

    def _check_ports(self) -> None:
        """Fail before starting anything if a port is duplicated or already taken."""
        wanted = [(spec.name, spec.port) for spec in self.specs]
        if self.embedded_broker and self._broker_port:
            wanted.append((BROKER_SOURCE, self._broker_port))
        check_ports(self.host, wanted)

    def _start_broker(self) -> None:
        """Start Tansu unless an external Kafka was given; its logs join ours as ``broker``."""
        if not self.embedded_broker:
            return
        self._broker = EmbeddedBroker(
            on_line=lambda line: self._logs.line(BROKER_SOURCE, line), color=self._logs.color
        )
        bootstrap = self._broker.start(host="127.0.0.1", port=self._broker_port)
        self._logs.say(f"broker ready on {bootstrap}")

    def _spawn(self, spec: ServiceSpec) -> None:
        """Start one service with the environment that configures it."""
        env = child_env(
            spec.name,
            host=self.host,
            port=spec.port,
            urls=self.urls(),
            bootstrap_servers=self.bootstrap_servers,
            data_dir=self.data_dir,
            # A memory-only broker starts empty: services replay their recent outbox into it.
            fresh_broker=self.embedded_broker,
            base_env=os.environ,
            extra_env=self._extra_env,
        )
        argv = self._command(spec.name)
        self._children[spec.name] = spawn(spec, argv, env, self._logs)

    def _raise_if_exited(self) -> None:
        """Turn a child's or the broker's early death into an error naming it."""
        ended = self._first_exit()
        if ended is None:
            return
        if ended.name == BROKER_SOURCE:
            lines = self._broker.last_lines() if self._broker is not None else []
            raise ServiceExited(BROKER_SOURCE, ended.returncode, lines)
        raise ServiceExited(ended.name, ended.returncode, self._children[ended.name].last_lines())

    def _first_exit(self) -> ServiceExit | None:
        """The first child (or embedded broker) found to have exited, if any."""
        ended = first_exit(self._children.values())
        if ended is None and self._broker is not None:
            code = self._broker.returncode()
            if code is not None:
                return ServiceExit(BROKER_SOURCE, code)
        return ended

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Only flip events here: writing output from a signal handler risks deadlocks."""
        self.request_stop()
