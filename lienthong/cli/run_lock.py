"""One lock per data directory, so two `lienthong up` never share (and corrupt) its databases."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Mapping
from pathlib import Path

from lienthong.cli.errors import AlreadyRunning, SupervisorError


class RunLock:
    """An exclusive ``flock`` on ``data_dir/up.lock`` that also records who holds it.

    ``flock`` is released by the kernel when the holder dies, so a crashed ``up`` never leaves a
    stale lock behind; the JSON inside is only informative (pid and URLs for the error message).
    """

    def __init__(self, path: Path) -> None:
        """Remember the path only; the lock is taken by :meth:`acquire`."""
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock without waiting, or raise :class:`AlreadyRunning` describing the holder."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid, urls = self._read_holder()
            raise AlreadyRunning(pid, urls, self.path) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def write(self, info: Mapping[str, object]) -> None:
        """Replace the recorded holder information (pid, URLs, child pids)."""
        if self._fd is None:
            raise SupervisorError("cannot write a lock that is not held")
        data = json.dumps(info, indent=2).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def release(self) -> None:
        """Clear the record and unlock; the file itself stays so no one races on re-creating it."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _read_holder(self) -> tuple[int | None, dict[str, str]]:
        """Best-effort read of the holder's record; it may be mid-write or empty."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None, {}
        if not isinstance(info, dict):
            return None, {}
        pid = info.get("pid")
        urls = info.get("urls")
        return (
            pid if isinstance(pid, int) else None,
            {str(k): str(v) for k, v in urls.items()} if isinstance(urls, dict) else {},
        )
