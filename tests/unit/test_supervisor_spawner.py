"""Children die with their parent, and only then: the spawner and the parent-death signal.

Linux ties the parent-death signal to the thread that forked the child, so these tests check
both sides: a child started for a short-lived thread survives that thread, and dies as soon as
the spawner's own thread (its real parent) ends or the whole process dies abruptly.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lienthong.cli.spawner import Spawner

ROOT = Path(__file__).resolve().parents[2]

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only"
)

PARENT = """
import os
from lienthong.cli.spawner import Spawner
child = Spawner().popen(["sleep", "30"], dict(os.environ))
print(child.pid, flush=True)
os._exit(0)  # dies without stopping anything, like a `kill -9`
"""


def _gone(pid: int) -> bool:
    """Dead, or a zombie nobody reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")


def _wait_gone(pid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@linux_only
def test_a_child_started_for_a_short_lived_thread_outlives_that_thread() -> None:
    spawner = Spawner()
    started: list[subprocess.Popen[bytes]] = []
    caller = threading.Thread(target=lambda: started.append(spawner.popen(["sleep", "30"], {})))
    caller.start()
    caller.join()
    child = started[0]
    try:
        time.sleep(0.3)
        assert child.poll() is None
    finally:
        spawner.close()  # the end of the forking thread is the parent's death
    assert child.wait(timeout=5) == -signal.SIGKILL


@linux_only
def test_a_child_dies_when_its_parent_process_is_killed() -> None:
    parent = subprocess.run(
        [sys.executable, "-c", PARENT],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        check=True,
    )
    orphan = int(parent.stdout)
    if not _wait_gone(orphan, within_s=5):
        os.kill(orphan, signal.SIGKILL)
        pytest.fail(f"sleep {orphan} outlived its parent")


def test_children_inherit_the_descriptors_they_are_told_to_keep(tmp_path: Path) -> None:
    path = tmp_path / "held"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    spawner = Spawner(keep_fds=[fd])
    try:
        child = spawner.popen(["sh", "-c", f"test -e /dev/fd/{fd} && echo kept"], {})
        assert child.stdout is not None
        assert child.stdout.read() == b"kept\n"
        assert child.wait(timeout=5) == 0
    finally:
        spawner.close()
        os.close(fd)


def test_a_failed_start_is_raised_to_the_caller_and_the_spawner_goes_on() -> None:
    spawner = Spawner()
    try:
        with pytest.raises(FileNotFoundError):
            spawner.popen(["/nonexistent/lienthong-binary"], {})
        child = spawner.popen(["true"], {})
        assert child.wait(timeout=5) == 0
    finally:
        spawner.close()
    spawner.close()  # idempotent
