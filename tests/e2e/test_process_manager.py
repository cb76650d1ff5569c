"""``lienthong up`` as a process manager, run as a user runs it: a real ``up`` subprocess.

A killed service comes back on its own while the others keep their pids; ``lienthong restart``
asks for a new process and waits for it; a second ``up`` on the same data dir is refused with
the pids of the first; and when ``up`` itself dies (``kill -9``) or its terminal goes away
(SIGHUP), nothing of its run (services, broker) is left a few seconds later. The last tests
drive the supervisor through ``start()``/``stop()`` as fixtures do, with stand-in services.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest

from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.cli.errors import AlreadyRunning
from lienthong.cli.ports import free_ports
from lienthong.cli.restarts import RestartPolicy
from lienthong.cli.run_lock import RunLock
from lienthong.cli.supervisor import Supervisor
from lienthong.contracts.services import SERVICE_NAMES

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 90.0


def _gone(pid: int) -> bool:
    """Dead, or a zombie nobody reaped yet (it holds nothing any more)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")


def _acquire_within(lock: RunLock, deadline: float) -> None:
    """Take the run's lock once nothing holds the data dir any more (then give it back).

    A killed multi-threaded process shows as a zombie while its other threads still finish
    exiting and hold its files, the lock among them: released a moment later, within the same
    few seconds, so the check polls instead of racing it.
    """
    while True:
        try:
            lock.acquire()
        except AlreadyRunning:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
            continue
        lock.release()
        return


def _env() -> dict[str, str]:
    """This environment without anything that would point ``up`` elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LIENTHONG_") and key != "KAFKA_BOOTSTRAP_SERVERS"
    }
    env["NO_COLOR"] = "1"
    return env


def _up_argv(data_dir: Path) -> list[str]:
    """``lienthong up`` on *data_dir* with every service on a free port."""
    argv = [sys.executable, "-m", "lienthong", "up", "--data-dir", str(data_dir)]
    for name, port in free_ports(SERVICE_NAMES).items():
        argv += [f"--{name.replace('_', '-')}-port", str(port)]
    return argv


@dataclass
class UpRun:
    """A running ``lienthong up`` subprocess and where it writes."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    log: Path

    def record(self) -> dict[str, Any]:
        """What ``up`` wrote into its lock file (empty while it is being rewritten)."""
        try:
            loaded: dict[str, Any] = json.loads((self.data_dir / LOCK_FILE_NAME).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded

    def children(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in (self.record().get("children") or {}).items()}

    def every_pid(self) -> dict[str, int]:
        """The services' pids, the broker's and ``up``'s own."""
        record = self.record()
        return {**self.children(), "broker": record["broker_pid"], "up": record["pid"]}

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``lienthong ARGS --data-dir D``."""
        return subprocess.run(
            [sys.executable, "-m", "lienthong", *args, "--data-dir", str(self.data_dir)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env=_env(),
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def healthy(self, service: str) -> bool:
        url = self.record().get("urls", {}).get(service)
        if url is None:
            return False
        try:
            return httpx.get(f"{url}/health", timeout=2, trust_env=False).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_for(self, what: str, check: Any, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Poll *check* until true; fail with the end of ``up``'s output otherwise."""
        deadline = time.monotonic() + timeout_s
        while not check():
            if self.process.poll() is not None:
                pytest.fail(f"up exited ({self.process.returncode}):\n{self.output()[-5000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}:\n{self.output()[-5000:]}")
            time.sleep(0.1)


@contextmanager
def lienthong_up(data_dir: Path) -> Iterator[UpRun]:
    """``lienthong up`` on free ports, yielded once every service is healthy; always ended."""
    log = data_dir / "up.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            _up_argv(data_dir),
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=_env(),
            # Under nohup `up` would rightly keep ignoring SIGHUP; the HUP test needs it heard.
            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
        )
    run = UpRun(process, data_dir, log)
    seen: set[int] = set()
    try:
        run.wait_for(
            "every service to be healthy",
            lambda: (
                "broker_pid" in run.record()
                and set(run.children()) == set(SERVICE_NAMES)
                and all(run.healthy(name) for name in SERVICE_NAMES)
            ),
        )
        seen.update(run.every_pid().values())
        yield run
    finally:
        seen.update(run.children().values())
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in seen - {process.pid}:  # a leak would fail its own test; never pass it on
            if not _gone(pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="class")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UpRun]:
    """One ``up`` shared by the tests of a class, stopped before the tests that start their own."""
    with lienthong_up(tmp_path_factory.mktemp("process-manager")) as run:
        yield run


class TestARunningUp:
    """What a user does to a sandbox that keeps running."""

    def test_a_second_up_on_the_same_data_dir_is_refused_with_the_pids_of_the_first(
        self, up: UpRun
    ) -> None:
        pids = up.every_pid()
        second = subprocess.run(
            _up_argv(up.data_dir), capture_output=True, text=True, timeout=60, cwd=ROOT, env=_env()
        )
        assert second.returncode == 1, second.stdout + second.stderr
        assert second.stderr.startswith(f"lienthong is already running (pid {pids['up']})")
        for role, pid in pids.items():
            assert f"{pid} {role}" in second.stderr
        assert up.every_pid() == pids  # the first run did not notice

    def test_a_killed_service_comes_back_and_a_restart_is_waited_for(self, up: UpRun) -> None:
        before = up.children()
        # Both at once: a restarted service takes a while to rejoin its Kafka group.
        argv = ["restart", "civil_registry", "--timeout", "60", "--data-dir", str(up.data_dir)]
        restart = subprocess.Popen(
            [sys.executable, "-m", "lienthong", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=_env(),
        )
        killed = up.cli("kill", "population")
        assert killed.returncode == 0, killed.stderr
        assert killed.stdout.strip() == f"sent SIGKILL to population (pid {before['population']})"

        up.wait_for(
            "population to come back",
            lambda: (
                up.children().get("population", before["population"]) != before["population"]
                and up.healthy("population")
            ),
        )
        out, err = restart.communicate(timeout=90)
        assert restart.returncode == 0, out + err
        after = up.children()
        assert out.strip() == f"civil_registry restarted as pid {after['civil_registry']}"
        assert after["civil_registry"] != before["civil_registry"]
        assert {name: after[name] for name in ("gateway", "insurance")} == {
            name: before[name] for name in ("gateway", "insurance")
        }
        assert up.record()["restarts"] == {
            "gateway": 0,
            "civil_registry": 1,
            "population": 1,
            "insurance": 0,
        }
        log = up.output()
        assert "population exited with code -9; restarting in 0.5 s (restart 1)" in log
        assert "civil_registry stopped on request; restarting it now (restart 1)" in log
        assert up.process.poll() is None


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGHUP, 0)], ids=["KILL", "HUP"]
)
def test_nothing_of_the_run_outlives_up(tmp_path: Path, signum: int, code: int) -> None:
    with lienthong_up(tmp_path) as run:
        pids = run.every_pid()
        run.process.send_signal(signum)
        assert run.process.wait(timeout=15) == code
        deadline = time.monotonic() + 5
        while any(not _gone(pid) for pid in pids.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = {role: pid for role, pid in pids.items() if not _gone(pid)}
        assert left == {}, f"still alive after up got {signal.Signals(signum).name}: {left}"
        _acquire_within(RunLock(tmp_path / LOCK_FILE_NAME), time.monotonic() + 5)
    if signum == signal.SIGHUP:
        assert run.output().rstrip().endswith("lienthong stopped")


STAND_IN = """
import http.server, os
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer((os.environ["HOST"], int(os.environ["PORT"])), Health).serve_forever()
"""


def _stand_ins(data_dir: Path, output: TextIO) -> Supervisor:
    """A supervisor on a real broker whose services are tiny /health servers."""
    return Supervisor(
        data_dir,
        ports=free_ports(SERVICE_NAMES),
        output=output,
        command=lambda name: [sys.executable, "-c", STAND_IN],
        health_timeout_s=30,
        restart_policy=RestartPolicy(first_s=0.1),
    )


def _until(check: Any, timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_supervisor_driven_by_start_and_stop_restarts_a_dead_service(tmp_path: Path) -> None:
    log = tmp_path / "log"
    # No wait(): the watch runs on its own thread.
    with log.open("w") as output, _stand_ins(tmp_path, output) as supervisor:
        before = supervisor.pids()
        os.kill(before["population"], signal.SIGKILL)
        assert _until(lambda: supervisor.pids()["population"] != before["population"])
        os.kill(supervisor.pids()["population"], signal.SIGKILL)
        assert _until(lambda: supervisor.restarts()["population"] == 2)
        after = supervisor.pids()
        record = json.loads((tmp_path / LOCK_FILE_NAME).read_text("utf-8"))
        assert record["children"] == after
        assert record["restarts"] == supervisor.restarts()
        assert {k: v for k, v in after.items() if k != "population"} == {
            k: v for k, v in before.items() if k != "population"
        }
    assert all(_gone(pid) for pid in after.values())
    said = log.read_text("utf-8")
    assert "population exited with code -9; restarting in 0.1 s (restart 1)" in said
    assert "population exited with code -9; restarting in 0.2 s (restart 2)" in said


def test_the_broker_dying_ends_the_run(tmp_path: Path) -> None:
    log = tmp_path / "log"
    with log.open("w") as output, _stand_ins(tmp_path, output) as supervisor:
        pids = supervisor.pids()
        broker = json.loads((tmp_path / LOCK_FILE_NAME).read_text("utf-8"))["broker_pid"]
        os.kill(broker, signal.SIGKILL)
        ended = supervisor.wait()
        assert ended is not None
        assert (ended.name, ended.returncode) == ("broker", -signal.SIGKILL)
        assert supervisor.pids() == pids  # the services were left alone until the stop
    assert all(_gone(pid) for pid in pids.values())
    assert "broker exited with code -9; stopping" in log.read_text("utf-8")
