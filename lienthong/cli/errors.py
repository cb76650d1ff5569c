"""Why `lienthong up` could not start; every message says what to do about it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path


class SupervisorError(RuntimeError):
    """The sandbox could not be started; the message says what to do about it."""


class AlreadyRunning(SupervisorError):
    """Another ``lienthong up`` holds this data directory; carries its pid, URLs and live pids.

    *alive* lists ``(pid, role)`` of that run's processes still alive (role ``up`` for its
    supervisor, ``broker``, or a service name): the lock is held as long as any of them lives,
    so these are exactly the processes to stop when the supervisor itself is already gone.
    """

    def __init__(
        self,
        pid: int | None,
        urls: Mapping[str, str],
        lock_path: Path,
        alive: Sequence[tuple[int, str]] = (),
    ) -> None:
        """Keep the facts separately so a caller can print them its own way."""
        self.pid = pid
        self.urls = dict(urls)
        self.lock_path = lock_path
        self.alive = list(alive)
        super().__init__(self._describe())

    def _describe(self) -> str:
        """The holder, where it answers, and which of its pids live; or what to kill."""
        data_dir = self.lock_path.parent
        pids = ", ".join(f"{pid} {role}" for pid, role in self.alive)
        if self.pid is not None and self.alive and self.pid not in {p for p, _ in self.alive}:
            doomed = " ".join(str(pid) for pid, _ in self.alive)
            return (
                f"lienthong is already running at {data_dir}: its supervisor (pid {self.pid}) is "
                f"gone but pids {pids} still use the data dir; stop them first (kill {doomed})"
            )
        who = f"pid {self.pid}" if self.pid is not None else f"lock {self.lock_path}"
        where = ", ".join(f"{name} {url}" for name, url in self.urls.items())
        alive = f"; at {data_dir} (pids {pids})" if pids else ""
        return f"lienthong is already running ({who})" + (f": {where}" if where else "") + alive


class PortInUse(SupervisorError):
    """A port we were asked to listen on is taken; names the service so the fix is obvious."""

    def __init__(self, service: str, host: str, port: int) -> None:
        """Word the message around the service and the option/env var that moves it."""
        self.service = service
        self.host = host
        self.port = port
        option = service.replace("_", "-")
        super().__init__(
            f"port {port} on {host} is already in use, so {service} cannot listen there; "
            f"stop whatever uses it or pick another port "
            f"(--{option}-port / LIENTHONG_{service.upper()}_PORT)"
        )


class ServiceExited(SupervisorError):
    """A child process exited while we were waiting for it to become healthy."""

    def __init__(self, name: str, returncode: int, last_lines: Sequence[str]) -> None:
        """Include the child's last output: under pytest nobody may be watching the stream."""
        self.name = name
        self.returncode = returncode
        self.last_lines = list(last_lines)
        self.headline = f"{name} exited with code {returncode} during startup"
        tail = "".join(f"\n  {line}" for line in self.last_lines)
        super().__init__(self.headline + (f"; last output:{tail}" if tail else ""))


class StartupTimeout(SupervisorError):
    """Some service never answered ``GET /health`` with 200 in time."""


class StartupInterrupted(SupervisorError):
    """A stop was requested (Ctrl-C) before every service became healthy."""
