"""The embedded broker and the supervisor, exercised with a real Tansu and stand-in services.

The stand-ins are tiny HTTP servers answering ``/health``: they prove the supervisor's process
handling, env wiring, log streaming, locking and cleanup without needing the real services.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from lienthong.cli.broker import BrokerError, EmbeddedBroker, free_port
from lienthong.cli.supervisor import (
    SERVICE_NAMES,
    AlreadyRunning,
    PortInUse,
    RunLock,
    ServiceExited,
    Supervisor,
    wipe_databases,
)

FAKE_SERVICE = """
import http.server, os, sys
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
print("fake up", os.environ["DATABASE_URL"], os.environ["POPULATION_URL"], flush=True)
http.server.HTTPServer((os.environ["HOST"], int(os.environ["PORT"])), Health).serve_forever()
"""

FAILING_SERVICE = "import sys; print('cannot open database', flush=True); sys.exit(3)"


def _is_listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_ports() -> dict[str, int]:
    return {name: free_port() for name in SERVICE_NAMES}


@pytest.fixture
def listening_socket() -> Iterator[int]:
    """A port some other program is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# -- embedded broker -------------------------------------------------------------------------


async def test_embedded_broker_round_trips_a_message() -> None:
    """A real aiokafka producer and consumer talk through the Tansu we started."""
    topic = f"test.{uuid.uuid4().hex}"
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        port = int(bootstrap.rsplit(":", 1)[1])
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(topic, 1, 1)])
        finally:
            await admin.close()
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
        await producer.start()
        try:
            await producer.send_and_wait(topic, b"xin chao", key=b"dossier-1")
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
        )
        await consumer.start()
        try:
            record = await asyncio.wait_for(consumer.getone(), 20)
        finally:
            await consumer.stop()
        assert (record.key, record.value) == (b"dossier-1", b"xin chao")
        assert broker.running
    assert not broker.running
    assert not _is_listening(port)


def test_broker_stop_ends_the_process_and_is_idempotent() -> None:
    lines: list[str] = []
    broker = EmbeddedBroker(on_line=lines.append)
    bootstrap = broker.start()
    pid = broker.pid
    assert pid is not None
    broker.stop()
    broker.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert any("tansu" in line for line in lines)
    assert not _is_listening(int(bootstrap.rsplit(":", 1)[1]))


def test_broker_that_cannot_bind_reports_its_last_log_lines(listening_socket: int) -> None:
    broker = EmbeddedBroker(startup_timeout_s=10)
    with pytest.raises(BrokerError, match="Address in use"):
        broker.start(port=listening_socket)
    assert not broker.running


# -- supervisor -------------------------------------------------------------------------------


def test_supervisor_runs_services_and_a_second_one_finds_it_running(tmp_path: Path) -> None:
    output = io.StringIO()
    ports = _free_ports()
    supervisor = Supervisor(
        tmp_path,
        ports=ports,
        output=output,
        extra_env={"INSURANCE_DATABASE_URL": "sqlite+aiosqlite:////elsewhere/insurance.db"},
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
    assert "broker         | tansu broker" in log
    RunLock(tmp_path / "up.lock").acquire()  # released by stop()


def test_wait_reports_a_service_that_dies(tmp_path: Path) -> None:
    supervisor = Supervisor(
        tmp_path,
        ports=_free_ports(),
        output=io.StringIO(),
        command=lambda name: [sys.executable, "-c", FAKE_SERVICE],
    )
    with supervisor:
        os.kill(supervisor.pids()["population"], signal.SIGKILL)
        ended = supervisor.wait()
    assert ended is not None
    assert (ended.name, ended.returncode) == ("population", -9)


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
    RunLock(tmp_path / "up.lock").acquire()


def test_busy_port_is_refused_before_anything_starts(tmp_path: Path, listening_socket: int) -> None:
    ports = {**_free_ports(), "population": listening_socket}
    supervisor = Supervisor(tmp_path, ports=ports, command=lambda name: ["false"])
    with pytest.raises(PortInUse) as caught:
        supervisor.start()
    assert caught.value.service == "population"
    assert caught.value.port == listening_socket
    assert f"port {listening_socket}" in str(caught.value)
    assert "--population-port" in str(caught.value)
    RunLock(tmp_path / "up.lock").acquire()  # the failed start released it


def test_fresh_deletes_only_databases(tmp_path: Path) -> None:
    for name in ("population.db", "population.db-wal", "gateway.db-shm", "notes.txt"):
        (tmp_path / name).write_text("x")
    removed = wipe_databases(tmp_path)
    assert sorted(path.name for path in removed) == [
        "gateway.db-shm",
        "population.db",
        "population.db-wal",
    ]
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_lock_holder_is_described(tmp_path: Path) -> None:
    holder = RunLock(tmp_path / "up.lock")
    holder.acquire()
    holder.write({"pid": 4242, "urls": {"gateway": "http://127.0.0.1:8000"}})
    try:
        with pytest.raises(AlreadyRunning, match=r"\(pid 4242\): gateway http://127.0.0.1:8000"):
            RunLock(tmp_path / "up.lock").acquire()
    finally:
        holder.release()
