"""Restarting crashed services: the backoff arithmetic and the watch, without real processes.

The watch is driven by hand here: fake processes report exit codes, a fake clock moves, and one
round of the watch runs at a time, so every decision is checked without waiting.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from dataclasses import dataclass, field
from typing import cast

import pytest

from lienthong.cli.children import Child, ServiceSpec
from lienthong.cli.restarts import RestartBook, RestartPolicy, requested_exit
from lienthong.cli.watcher import Watcher


def test_backoff_doubles_from_half_a_second_and_stops_at_thirty() -> None:
    policy = RestartPolicy()
    assert [policy.delay(n) for n in range(1, 10)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert policy.delay(0) == 0
    assert policy.delay(10_000) == 30  # no overflow however long the crash loop


def test_a_crash_streak_grows_and_a_long_good_run_forgives_it() -> None:
    book = RestartBook(["population"])
    book.started("population", at=0.0)
    assert book.exited("population", at=1.0, requested=False) == 0.5
    book.restarted("population", at=1.5)
    assert book.exited("population", at=2.0, requested=False) == 1
    book.restarted("population", at=3.0)
    assert book.exited("population", at=4.0, requested=False) == 2
    book.restarted("population", at=6.0)
    # Ran 60 s: healthy again, the next crash costs the first delay only.
    assert book.exited("population", at=66.0, requested=False) == 0.5
    assert book.counts() == {"population": 3}


def test_an_exit_we_asked_for_restarts_at_once_and_keeps_the_streak() -> None:
    book = RestartBook(["gateway"])
    book.started("gateway", at=0.0)
    assert book.exited("gateway", at=1.0, requested=False) == 0.5
    book.restarted("gateway", at=1.5)
    assert book.exited("gateway", at=2.0, requested=True) == 0
    book.restarted("gateway", at=2.0)
    assert book.exited("gateway", at=3.0, requested=False) == 1
    assert book.next_number("gateway") == 3


def test_only_sigterm_counts_as_asked() -> None:
    assert requested_exit(-signal.SIGTERM)
    assert not any(requested_exit(code) for code in (0, 1, -signal.SIGKILL, -signal.SIGINT))


@dataclass
class FakeProcess:
    """Just what the watch reads of a process: its pid and poll()."""

    pid: int
    returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


@dataclass
class Harness:
    """A watch over fake services on a fake clock, run one round at a time."""

    now: float = 100.0
    lines: list[str] = field(default_factory=list)
    spawned: list[str] = field(default_factory=list)
    broker_code: int | None = None
    fail_spawns: int = 0
    children: dict[str, Child] = field(default_factory=dict)
    watcher: Watcher | None = None

    def child(self, name: str, pid: int) -> Child:
        return Child(ServiceSpec(name, 0), cast(subprocess.Popen[bytes], FakeProcess(pid)))

    def respawn(self, name: str) -> Child:
        if self.fail_spawns:
            self.fail_spawns -= 1
            raise OSError("no such file")
        self.spawned.append(name)
        return self.child(name, 1000 + len(self.spawned))

    def build(self, names: list[str]) -> Watcher:
        book = RestartBook(names)
        for pid, name in enumerate(names, start=10):
            self.children[name] = self.child(name, pid)
            book.started(name, self.now)
        self.watcher = Watcher(
            children=self.children,
            guard=threading.Lock(),
            book=book,
            respawn=self.respawn,
            on_restart=lambda: self.lines.append("lock rewritten"),
            broker_exit=lambda: self.broker_code,
            say=self.lines.append,
            clock=lambda: self.now,
        )
        return self.watcher

    def exit(self, name: str, code: int) -> None:
        cast(FakeProcess, self.children[name].process).returncode = code

    def round(self) -> None:
        assert self.watcher is not None
        for name, child in list(self.children.items()):
            self.watcher._check(name, child)


def test_the_watch_restarts_a_crashed_service_after_its_backoff_and_leaves_the_others() -> None:
    harness = Harness()
    harness.build(["gateway", "population"])
    harness.exit("population", -9)
    harness.round()
    assert harness.lines == ["population exited with code -9; restarting in 0.5 s (restart 1)"]
    assert harness.spawned == []
    harness.now += 0.5
    harness.round()
    assert harness.spawned == ["population"]
    assert harness.children["population"].process.pid == 1001
    assert harness.children["gateway"].process.pid == 10
    assert harness.lines[1:] == ["population restarted as pid 1001 (restart 1)", "lock rewritten"]


def test_the_watch_restarts_a_service_stopped_on_request_at_once() -> None:
    harness = Harness()
    harness.build(["civil_registry"])
    harness.exit("civil_registry", -signal.SIGTERM)
    harness.round()
    assert harness.spawned == ["civil_registry"]
    assert harness.lines[0] == "civil_registry stopped on request; restarting it now (restart 1)"


def test_a_failed_restart_is_tried_again_with_a_longer_backoff() -> None:
    harness = Harness(fail_spawns=1)
    harness.build(["insurance"])
    harness.exit("insurance", 1)
    harness.round()
    harness.now += 0.5
    harness.round()
    assert harness.lines[-1] == "could not restart insurance (no such file); trying again in 1 s"
    harness.now += 0.9
    harness.round()
    assert harness.spawned == []
    harness.now += 0.1
    harness.round()
    assert harness.spawned == ["insurance"]


def test_the_broker_dying_ends_the_watch_with_its_exit() -> None:
    harness = Harness(broker_code=-9)
    watcher = harness.build(["gateway"])
    watcher.start()
    watcher._thread.join(timeout=5)
    assert not watcher._thread.is_alive()
    assert watcher.fatal is not None
    assert (watcher.fatal.name, watcher.fatal.returncode) == ("broker", -9)
    assert harness.lines == ["broker exited with code -9; stopping"]


@pytest.mark.parametrize("code", [0, 1, -9])
def test_every_kind_of_crash_backs_off(code: int) -> None:
    harness = Harness()
    harness.build(["gateway"])
    harness.exit("gateway", code)
    harness.round()
    assert harness.spawned == []
    assert f"exited with code {code}; restarting in 0.5 s" in harness.lines[0]


def test_failed_restarts_after_a_long_run_keep_backing_off() -> None:
    """A minute of good run wipes the streak once, not at every failed start after it."""
    harness = Harness(fail_spawns=2)
    harness.build(["insurance"])
    harness.now += 100.0
    harness.exit("insurance", 1)
    harness.round()  # 0.5 s: the first delay, the long run having wiped the streak
    harness.now += 0.5
    harness.round()  # fails: 1 s
    harness.now += 1.0
    harness.round()  # fails again: 2 s, not 0.5 s again
    assert harness.lines[-2:] == [
        "could not restart insurance (no such file); trying again in 1 s",
        "could not restart insurance (no such file); trying again in 2 s",
    ]
