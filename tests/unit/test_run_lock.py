"""The run lock: who holds it (every live pid of that run), and that children keep it held.

A second ``up`` must be refused while *any* process of an earlier run lives, because each of
them inherits the locked descriptor. The last test proves it with a real ``sleep`` outliving
the process that took the lock. The record also tells other commands where the run's broker is
(``bench`` runs its null pipeline there), through the lock or through the gateway.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.cli.errors import AlreadyRunning
from lienthong.cli.http import ApiClient
from lienthong.cli.run_lock import RunLock, live_pids, pid_alive
from lienthong.cli.run_record import run_record
from lienthong.cli.supervisor import Supervisor
from lienthong.cli.target import find_target, from_data_dir
from lienthong.contracts.services import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]

RECORD = {
    "pid": 100,
    "broker_pid": 101,
    "children": {"gateway": 102, "civil_registry": 103, "population": 104, "insurance": 105},
}


def test_every_live_pid_of_the_record_is_listed_with_its_role() -> None:
    alive = {100, 101, 102, 104}
    assert live_pids(RECORD, alive.__contains__) == [
        (100, "up"),
        (101, "broker"),
        (102, "gateway"),
        (104, "population"),
    ]


def test_a_record_missing_or_garbled_lists_only_what_it_can() -> None:
    assert live_pids({}, lambda pid: True) == []
    garbled = {"pid": "100", "broker_pid": True, "children": {"gateway": 0, "insurance": 7}}
    assert live_pids(garbled, lambda pid: True) == [(7, "insurance")]
    assert live_pids({"pid": 5, "children": [1, 2]}, lambda pid: True) == [(5, "up")]


def test_pid_alive_knows_this_process_and_not_a_reaped_child() -> None:
    assert pid_alive(os.getpid())
    child = subprocess.Popen(["true"])
    child.wait()
    assert not pid_alive(child.pid)


def test_the_refusal_names_the_holder_its_urls_and_its_live_pids(tmp_path: Path) -> None:
    error = AlreadyRunning(
        100,
        {"gateway": "http://127.0.0.1:8000"},
        tmp_path / LOCK_FILE_NAME,
        [(100, "up"), (101, "broker"), (102, "gateway")],
    )
    assert str(error) == (
        "lienthong is already running (pid 100): gateway http://127.0.0.1:8000; "
        f"at {tmp_path} (pids 100 up, 101 broker, 102 gateway)"
    )


def test_the_refusal_says_what_to_kill_when_the_supervisor_is_gone(tmp_path: Path) -> None:
    error = AlreadyRunning(100, {}, tmp_path / LOCK_FILE_NAME, [(102, "gateway"), (101, "broker")])
    assert str(error) == (
        f"lienthong is already running at {tmp_path}: its supervisor (pid 100) is gone but "
        "pids 102 gateway, 101 broker still use the data dir; stop them first (kill 102 101)"
    )


def test_a_shorter_record_replaces_a_longer_one_whole(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / LOCK_FILE_NAME)
    lock.acquire()
    try:
        lock.write({"pid": 1, "children": {"gateway": 123456789}})
        lock.write({"pid": 2})
        assert json.loads(lock.path.read_text(encoding="utf-8")) == {"pid": 2}
    finally:
        lock.release()
    assert lock.path.read_text(encoding="utf-8") == ""


def test_the_record_of_a_run_names_its_broker(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path, bootstrap_servers="kafka.example:9092")
    info = run_record(supervisor)
    assert info["bootstrap_servers"] == "kafka.example:9092"
    assert json.loads(json.dumps(info))["bootstrap_servers"] == "kafka.example:9092"


def test_a_running_sandbox_is_found_with_its_broker_through_its_lock(tmp_path: Path) -> None:
    urls = {name: f"http://127.0.0.1:{8000 + n}" for n, name in enumerate(SERVICE_NAMES)}
    lock = RunLock(tmp_path / LOCK_FILE_NAME)
    lock.acquire()
    try:
        lock.write({"pid": os.getpid(), "urls": urls, "children": {}})
        assert from_data_dir(tmp_path).bootstrap_servers is None  # the broker is not up yet
        assert from_data_dir(tmp_path).broker_pid is None  # an external Kafka: no process
        lock.write(
            {
                "pid": os.getpid(),
                "urls": urls,
                "bootstrap_servers": "127.0.0.1:9192",
                "broker_pid": 4242,
            }
        )
        target = from_data_dir(tmp_path)
    finally:
        lock.release()
    assert (target.bootstrap_servers, target.urls, target.supervisor_pid) == (
        "127.0.0.1:9192",
        urls,
        os.getpid(),
    )
    assert target.broker_pid == 4242


def test_a_sandbox_given_by_url_names_its_broker_through_the_gateway(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {
        "http://gw:8000/api/v1/agencies": {
            "urls": {"gateway": "http://127.0.0.1:8000", "population": "http://pop:8002"},
            "bootstrap_servers": "kafka.example:9092",
        },
        "http://old:8000/api/v1/agencies": {"urls": {}},
    }

    def get(self: ApiClient, url: str, params: dict[str, Any] | None = None) -> Any:
        return answers[url]

    monkeypatch.setattr(ApiClient, "get", get)
    target = find_target(argparse.Namespace(url="http://gw:8000/", data_dir=Path("unused")))
    assert target.bootstrap_servers == "kafka.example:9092"
    assert target.urls == {"gateway": "http://gw:8000", "population": "http://pop:8002"}
    older = find_target(argparse.Namespace(url="http://old:8000", data_dir=Path("unused")))
    assert older.bootstrap_servers is None


HOLDER = """
import json, os, subprocess, sys
from pathlib import Path
from lienthong.cli.run_lock import RunLock
lock = RunLock(Path(sys.argv[1]))
lock.acquire()
sleeper = subprocess.Popen(
    ["sleep", "30"], pass_fds=[lock.fileno()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
)
lock.write({"pid": os.getpid(), "children": {"gateway": sleeper.pid}})
print(sleeper.pid, flush=True)
os._exit(0)  # dies without releasing anything, like a `kill -9`
"""


def _gone(pid: int) -> bool:
    """Dead, or a zombie nobody reaped (it holds no descriptor any more)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return not pid_alive(pid)
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_child_holding_the_inherited_descriptor_keeps_the_lock(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE_NAME
    holder = subprocess.run(
        [sys.executable, "-c", HOLDER, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        check=True,
    )
    sleeper = int(holder.stdout)
    try:
        with pytest.raises(AlreadyRunning) as caught:
            RunLock(path).acquire()
        assert caught.value.alive == [(sleeper, "gateway")]
        assert f"pids {sleeper} gateway still use the data dir" in str(caught.value)
    finally:
        os.kill(sleeper, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while not _gone(sleeper) and time.monotonic() < deadline:
        time.sleep(0.02)
    again = RunLock(path)
    again.acquire()  # the last holder died: the lock is free
    again.release()
