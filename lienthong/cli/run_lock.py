"""One lock per data directory, so two `lienthong up` never share (and corrupt) its databases."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lienthong.cli.errors import AlreadyRunning, SupervisorError

__all__ = ["RunLock", "live_pids", "pid_alive"]

SUPERVISOR_ROLE = "up"
BROKER_ROLE = "broker"


class RunLock:
    """An exclusive ``flock`` on ``data_dir/up.lock`` that also records who holds it.

    ``flock`` is released by the kernel when the last descriptor of the locked file closes, so a
    crashed run never leaves a stale lock behind. ``up`` hands the descriptor (:meth:`fileno`)
    to every child it starts, so the lock stays held while *any* process of the run lives, even
    one its supervisor lost. The JSON inside says who holds it: pids and URLs for a second
    ``up`` to name, plus the Kafka bootstrap address, which is how commands such as ``bench``
    find the broker of the run (``lienthong.cli.target``).
    """

    def __init__(self, path: Path) -> None:
        """Remember the path only; the lock is taken by :meth:`acquire`."""
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def fileno(self) -> int:
        """The locked descriptor, for children to inherit (``pass_fds``)."""
        if self._fd is None:
            raise SupervisorError("the lock is not held")
        return self._fd

    def acquire(self) -> None:
        """Take the lock without waiting, or raise :class:`AlreadyRunning` describing the holder."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Owner only: with credentials on, the record holds the admin's key.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            with contextlib.suppress(OSError):  # an older version's lock may be world-readable
                os.fchmod(fd, 0o600)
        except BlockingIOError:
            os.close(fd)
            info = self._read_holder()
            pid = info.get("pid")
            urls = info.get("urls")
            raise AlreadyRunning(
                pid if isinstance(pid, int) else None,
                {str(k): str(v) for k, v in urls.items()} if isinstance(urls, dict) else {},
                self.path,
                live_pids(info),
            ) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def write(self, info: Mapping[str, object]) -> None:
        """Replace the recorded holder information (pid, URLs, child pids, bootstrap address).

        Written over the old record and then cut to length, never truncated first, so a reader
        polling the file (``lienthong restart``) never finds it empty while the run goes on.
        """
        if self._fd is None:
            raise SupervisorError("cannot write a lock that is not held")
        data = json.dumps(info, indent=2).encode()
        os.pwrite(self._fd, data, 0)
        os.ftruncate(self._fd, len(data))

    def release(self) -> None:
        """Clear the record and unlock; the file itself stays so no one races on re-creating it.

        ``LOCK_UN`` unlocks for every inherited copy of the descriptor too, so the lock is free
        even if a child somehow survived the stop.
        """
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _read_holder(self) -> dict[str, Any]:
        """Best-effort read of the holder's record; it may be mid-write or empty."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return info if isinstance(info, dict) else {}


def pid_alive(pid: int) -> bool:
    """Whether a process *pid* exists (one we may not signal counts: it exists)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_pids(
    info: Mapping[str, Any], alive: Callable[[int], bool] = pid_alive
) -> list[tuple[int, str]]:
    """``(pid, role)`` of every process a lock record names that is still *alive*.

    Roles: ``up`` (the supervisor, ``pid``), ``broker`` (``broker_pid``) and each service of
    ``children``. Anything malformed in the record is skipped: it is only informative.
    """
    named: list[tuple[object, str]] = [
        (info.get("pid"), SUPERVISOR_ROLE),
        (info.get("broker_pid"), BROKER_ROLE),
    ]
    children = info.get("children")
    if isinstance(children, dict):
        named += [(pid, str(name)) for name, pid in children.items()]
    return [
        (pid, role)
        for pid, role in named
        if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 and alive(pid)
    ]
