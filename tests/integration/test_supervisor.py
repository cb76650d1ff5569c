"""The supervisor with a real Tansu and stand-in services, as separate processes.

The stand-ins are tiny HTTP servers answering ``/health``: they prove the supervisor's process
handling, env wiring, log streaming, locking and cleanup without needing the real services.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.cli.errors import AlreadyRunning, ServiceExited
from lienthong.cli.ports import accepts_connections, free_ports
from lienthong.cli.run_lock import RunLock
from lienthong.cli.supervisor import Supervisor
from lienthong.contracts.services import SERVICE_NAMES

FAKE_SERVICE = """
import http.server, os, sys
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
print("fake up", os.environ["DATABASE_URL"], os.environ["POPULATION_URL"], flush=True)
print("run seed", os.environ.get("RUN_SEED"), flush=True)
http.server.HTTPServer((os.environ["HOST"], int(os.environ["PORT"])), Health).serve_forever()
"""

FAILING_SERVICE = "import sys; print('cannot open database', flush=True); sys.exit(3)"


def _is_listening(port: int) -> bool:
    return accepts_connections("127.0.0.1", port)


def _free_ports() -> dict[str, int]:
    return free_ports(SERVICE_NAMES)


def test_supervisor_runs_services_and_a_second_one_finds_it_running(tmp_path: Path) -> None:
    output = io.StringIO()
    ports = _free_ports()
    supervisor = Supervisor(
        tmp_path,
        ports=ports,
        output=output,
        extra_env={
            "INSURANCE_DATABASE_URL": "sqlite+aiosqlite:////elsewhere/insurance.db",
            "RUN_SEED": "7",
        },
        command=lambda name: [sys.executable, "-c", FAKE_SERVICE],
        health_timeout_s=30,
    )
    with supervisor:
        assert all(_is_listening(port) for port in ports.values())
        second = Supervisor(tmp_path, ports=_free_ports(), command=lambda name: ["false"])
        with pytest.raises(AlreadyRunning) as caught:
            second.start()
        assert caught.value.pid == os.getpid()
        assert caught.value.urls == supervisor.urls()
        assert str(caught.value).startswith(
            f"lienthong is already running (pid {os.getpid()}): gateway http://127.0.0.1:"
        )
    assert not any(_is_listening(port) for port in ports.values())
    log = output.getvalue()
    population_url = f"http://127.0.0.1:{ports['population']}"
    db = f"sqlite+aiosqlite:///{tmp_path.resolve()}/population.db"
    assert f"population     | fake up {db} {population_url}" in log
    assert "insurance      | fake up sqlite+aiosqlite:////elsewhere/insurance.db" in log
    assert all(f"{name:<14} | run seed 7" in log for name in SERVICE_NAMES)
    assert "broker         | tansu broker" in log
    RunLock(tmp_path / LOCK_FILE_NAME).acquire()  # released by stop()


def test_a_service_that_dies_is_restarted_and_the_others_keep_running(tmp_path: Path) -> None:
    output = io.StringIO()
    supervisor = Supervisor(
        tmp_path,
        ports=_free_ports(),
        output=output,
        command=lambda name: [sys.executable, "-c", FAKE_SERVICE],
    )
    with supervisor:
        before = supervisor.pids()
        os.kill(before["population"], signal.SIGKILL)
        deadline = time.monotonic() + 20
        while supervisor.pids().get("population") in (None, before["population"]):
            assert time.monotonic() < deadline, "population was not restarted"
            time.sleep(0.05)
        after = supervisor.pids()
        restarts = supervisor.restarts()
    assert after["population"] != before["population"]
    assert {n: after[n] for n in after if n != "population"} == {
        n: before[n] for n in before if n != "population"
    }
    assert restarts["population"] == 1
    assert "population exited with code -9; restarting" in output.getvalue()


def test_service_dying_during_startup_stops_everything(tmp_path: Path) -> None:
    ports = _free_ports()
    supervisor = Supervisor(
        tmp_path,
        ports=ports,
        output=io.StringIO(),
        command=lambda name: (
            [sys.executable, "-c", FAILING_SERVICE]
            if name == "insurance"
            else [sys.executable, "-c", FAKE_SERVICE]
        ),
    )
    started = time.monotonic()
    with pytest.raises(ServiceExited, match="insurance exited with code 3") as caught:
        supervisor.start()
    assert time.monotonic() - started < 20
    assert "cannot open database" in caught.value.last_lines
    assert not any(_is_listening(port) for port in ports.values())
    RunLock(tmp_path / LOCK_FILE_NAME).acquire()
