"""Start, watch and stop the whole sandbox: the broker plus the four services as child processes.

Each service runs in its own process (``python -m lienthong serve NAME``) exactly as it would in
production, so ``lienthong up`` exercises the real wiring: env-var configuration, HTTP between
agencies, Kafka between everyone. The supervisor is synchronous and installs no signal handlers
unless :meth:`Supervisor.run_forever` asks for them, so a pytest fixture can drive it with
``start()`` / ``stop()``. One lock file per data directory stops two ``up`` runs from sharing (and
corrupting) the same SQLite files.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Final, Self, TextIO

from lienthong.cli.broker import BrokerError, EmbeddedBroker, port_is_free, run_sync
from lienthong.cli.errors import (
    AlreadyRunning,
    PortInUse,
    ServiceExited,
    StartupInterrupted,
    StartupTimeout,
    SupervisorError,
)
from lienthong.cli.run_lock import RunLock

__all__ = [
    "DEFAULT_PORTS",
    "SERVICE_NAMES",
    "AlreadyRunning",
    "PortInUse",
    "RunLock",
    "ServiceExit",
    "ServiceExited",
    "ServiceSpec",
    "StartupInterrupted",
    "StartupTimeout",
    "Supervisor",
    "SupervisorError",
    "service_url",
    "wipe_databases",
]

SERVICE_NAMES: Final[tuple[str, ...]] = ("gateway", "civil_registry", "population", "insurance")
"""Every service ``up`` starts, in start order (the order only affects log interleaving)."""

DEFAULT_PORTS: Final[dict[str, int]] = {
    "gateway": 8000,
    "civil_registry": 8001,
    "population": 8002,
    "insurance": 8003,
}

URL_ENV: Final[dict[str, str]] = {
    "gateway": "GATEWAY_URL",
    "civil_registry": "CIVIL_REGISTRY_URL",
    "population": "POPULATION_URL",
    "insurance": "INSURANCE_URL",
}
"""The env var through which every service learns where each peer answers HTTP."""

LOCK_FILE_NAME: Final = "up.lock"
DATABASE_SUFFIXES: Final = (".db", ".db-wal", ".db-shm")

_STOP_GRACE_S = 10.0
_TOPICS_TIMEOUT_S = 30.0
_POLL_S = 0.2
_TAIL_LINES = 30
_COLORS: Final[dict[str, str]] = {
    "gateway": "36",
    "civil_registry": "35",
    "population": "32",
    "insurance": "33",
    "broker": "34",
    "lienthong": "1",
}
_PREFIX_WIDTH = max(len(name) for name in (*SERVICE_NAMES, "broker", "lienthong"))


@dataclass(frozen=True)
class ServiceSpec:
    """One service to run: its name (also its module and database name) and its HTTP port."""

    name: str
    port: int


@dataclass(frozen=True)
class ServiceExit:
    """Which child (a service or ``broker``) ended on its own, and with what exit code."""

    name: str
    returncode: int


def service_url(host: str, port: int) -> str:
    """The URL peers use to reach a service bound on *host*; wildcard binds map to loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def wipe_databases(data_dir: Path) -> list[Path]:
    """Delete the services' SQLite files (with WAL/SHM companions) under *data_dir*.

    Only database files go: anything else a user keeps there (logs, exports) survives a
    ``--fresh`` start. Returns what was deleted so the CLI can say so.
    """
    removed: list[Path] = []
    if not data_dir.is_dir():
        return removed
    for path in sorted(data_dir.iterdir()):
        if path.is_file() and path.name.endswith(DATABASE_SUFFIXES):
            path.unlink()
            removed.append(path)
    return removed


@dataclass
class _Child:
    """A running service process, the thread pumping its output, and its last lines."""

    spec: ServiceSpec
    process: subprocess.Popen[bytes]
    pump: threading.Thread | None = None
    tail: collections.deque[str] = field(
        default_factory=lambda: collections.deque(maxlen=_TAIL_LINES)
    )


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
        self._output = output
        self._color = color
        self._command = command or _default_command
        self._lock = RunLock(self.data_dir / LOCK_FILE_NAME)
        self._broker: EmbeddedBroker | None = None
        self._children: dict[str, _Child] = {}
        self._out_lock = threading.RLock()
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
                    self._say(f"--fresh: deleted {path.name}")
            self._check_ports()
            self._start_broker()
            self._create_topics()
            for spec in self.specs:
                self._spawn(spec)
            self._lock.write(self._lock_info())
            self._wait_healthy()
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
                self._say(
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
            alive = [child for child in children if child.process.poll() is None]
            if alive:
                self._say("stopping " + ", ".join(child.spec.name for child in alive))
            for child in alive:
                with contextlib.suppress(ProcessLookupError):
                    child.process.terminate()
            self._await_exit(alive, grace_s)
            for child in children:
                if child.pump is not None:
                    child.pump.join(timeout=2.0)
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

    # -- output --------------------------------------------------------------------------------

    def echo(self, text: str) -> None:
        """Write *text* as-is to the output, never interleaved mid-line with service logs."""
        with self._out_lock, contextlib.suppress(OSError, ValueError):
            out = self._stream()
            out.write(text if text.endswith("\n") else text + "\n")
            out.flush()

    @property
    def color(self) -> bool:
        """Colour prefixes only on a terminal, and never when ``NO_COLOR`` is set."""
        if self._color is not None:
            return self._color
        isatty = getattr(self._stream(), "isatty", None)
        return bool(isatty and isatty()) and "NO_COLOR" not in os.environ

    def _stream(self) -> TextIO:
        """The output stream, looked up late so pytest's capture of sys.stdout applies."""
        return self._output if self._output is not None else sys.stdout

    def _prefix(self, name: str) -> str:
        """``population     | `` – padded so columns line up, coloured per source on a tty."""
        padded = f"{name:<{_PREFIX_WIDTH}}"
        if self.color:
            padded = f"\x1b[{_COLORS.get(name, '0')}m{padded}\x1b[0m"
        return f"{padded} | "

    def _say(self, message: str) -> None:
        """A status line of the supervisor itself, prefixed like any service."""
        self.echo(self._prefix("lienthong") + message)

    def _log_line(self, name: str, line: str) -> None:
        """Forward one child output line with its prefix."""
        self.echo(self._prefix(name) + line)

    def _pump(self, child: _Child, stream: IO[bytes]) -> None:
        """Copy a child's merged stdout/stderr to ours, line by line, until it closes.

        Runs on its own thread per child so a quiet terminal never makes a service block on a
        full pipe; bad bytes are replaced rather than killing the pump.
        """
        try:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                child.tail.append(line)
                self._log_line(child.spec.name, line)
        finally:
            stream.close()

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
            wanted.append(("broker", self._broker_port))
        seen: dict[int, str] = {}
        for name, port in wanted:
            if port in seen:
                raise SupervisorError(
                    f"{seen[port]} and {name} are both configured for port {port}"
                )
            seen[port] = name
            if not port_is_free(self.host, port):
                raise PortInUse(name, self.host, port)

    def _start_broker(self) -> None:
        """Start Tansu unless an external Kafka was given; its logs join ours as ``broker``."""
        if not self.embedded_broker:
            return
        self._broker = EmbeddedBroker(
            on_line=lambda line: self._log_line("broker", line), color=self.color
        )
        bootstrap = self._broker.start(host="127.0.0.1", port=self._broker_port)
        self._say(f"broker ready on {bootstrap}")

    def _create_topics(self) -> None:
        """Create every contract topic with the configured partitions (idempotent)."""
        from lienthong.contracts.topics import ALL_TOPICS
        from lienthong.runtime.kafka import ensure_topics

        bootstrap = self.bootstrap_servers
        try:
            run_sync(
                lambda: asyncio.wait_for(
                    ensure_topics(bootstrap, list(ALL_TOPICS), self.partitions),
                    _TOPICS_TIMEOUT_S,
                )
            )
        except Exception as exc:
            raise SupervisorError(f"could not create the topics on {bootstrap}: {exc!r}") from exc

    def _child_env(self, spec: ServiceSpec) -> dict[str, str]:
        """The env a service reads its settings from: where it listens, its DB, its peers."""
        env = {**os.environ, **self._extra_env}
        env.update(
            HOST=self.host,
            PORT=str(spec.port),
            KAFKA_BOOTSTRAP_SERVERS=self.bootstrap_servers,
            PYTHONUNBUFFERED="1",
        )
        env.update({URL_ENV[name]: url for name, url in self.urls().items()})
        if self.embedded_broker:
            # A memory-only broker starts empty: services replay their recent outbox into it.
            env["BROKER_IS_FRESH"] = "1"
        own_url = env.get(f"{spec.name.upper()}_DATABASE_URL")
        env["DATABASE_URL"] = own_url or f"sqlite+aiosqlite:///{self.data_dir / spec.name}.db"
        return env

    def _spawn(self, spec: ServiceSpec) -> None:
        """Start one service in its own process group, so Ctrl-C reaches only us.

        We then stop services before the broker, in order, instead of everything at once.
        """
        process = subprocess.Popen(
            list(self._command(spec.name)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self._child_env(spec),
            process_group=0,
        )
        child = _Child(spec, process)
        assert process.stdout is not None
        child.pump = threading.Thread(
            target=self._pump, args=(child, process.stdout), name=f"log-{spec.name}", daemon=True
        )
        child.pump.start()
        self._children[spec.name] = child

    def _wait_healthy(self) -> None:
        """Poll every ``/health`` until all answer 200; fail fast if a child or the broker dies."""
        import httpx

        started = time.monotonic()
        deadline = started + self._health_timeout_s
        pending = {spec.name: f"{service_url(self.host, spec.port)}/health" for spec in self.specs}
        last: dict[str, str] = {}
        # trust_env=False: a corporate HTTP(S)_PROXY must not intercept loopback health checks.
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while pending:
                if self._stop_requested.is_set():
                    raise StartupInterrupted("stop requested before every service was healthy")
                self._raise_if_exited()
                for name, url in list(pending.items()):
                    try:
                        response = client.get(url)
                    except httpx.HTTPError as exc:
                        last[name] = type(exc).__name__
                        continue
                    last[name] = f"HTTP {response.status_code}"
                    if response.status_code == 200:
                        del pending[name]
                        self._say(f"{name} healthy after {time.monotonic() - started:.1f} s")
                if pending and time.monotonic() > deadline:
                    waiting = ", ".join(
                        f"{name} ({last.get(name, 'no answer')})" for name in pending
                    )
                    raise StartupTimeout(
                        f"not healthy within {self._health_timeout_s:.0f} s: {waiting}"
                    )
                if pending:
                    self._stop_requested.wait(_POLL_S)

    def _raise_if_exited(self) -> None:
        """Turn a child's or the broker's early death into an error naming it."""
        ended = self._first_exit()
        if ended is None:
            return
        if ended.name == "broker":
            lines = self._broker.last_lines() if self._broker is not None else []
            raise ServiceExited("broker", ended.returncode, lines)
        child = self._children[ended.name]
        if child.pump is not None:
            child.pump.join(timeout=1.0)  # collect its last words before quoting them
        raise ServiceExited(ended.name, ended.returncode, list(child.tail))

    def _first_exit(self) -> ServiceExit | None:
        """The first child (or embedded broker) found to have exited, if any."""
        for name, child in self._children.items():
            code = child.process.poll()
            if code is not None:
                return ServiceExit(name, code)
        if self._broker is not None:
            code = self._broker.returncode()
            if code is not None:
                return ServiceExit("broker", code)
        return None

    # -- shutdown helpers ----------------------------------------------------------------------

    def _await_exit(self, children: list[_Child], grace_s: float) -> None:
        """Wait up to *grace_s* for *children* to exit, then SIGKILL the rest."""
        deadline = time.monotonic() + grace_s
        while (
            any(child.process.poll() is None for child in children)
            and time.monotonic() < deadline
            and not self._hurry.is_set()
        ):
            time.sleep(0.05)
        for child in children:
            if child.process.poll() is None:
                self._say(f"{child.spec.name} did not stop within {grace_s:.0f} s; killing it")
                with contextlib.suppress(ProcessLookupError):
                    child.process.kill()
            child.process.wait()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Only flip events here: writing output from a signal handler risks deadlocks."""
        self.request_stop()


def _default_command(name: str) -> list[str]:
    """How a service is run: this interpreter, so the venv and its packages carry over."""
    return [sys.executable, "-m", "lienthong", "serve", name]
