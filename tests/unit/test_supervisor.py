"""The supervisor's pure parts: port checks, the data directory, the lock, each child's env, logs.

Nothing here starts a process; the supervisor running real ones is tests/integration.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lienthong.cli.child_env import child_env, service_url
from lienthong.cli.data_dir import LOCK_FILE_NAME, wipe_databases
from lienthong.cli.errors import AlreadyRunning, PortInUse
from lienthong.cli.log_mux import LogMux
from lienthong.cli.ports import free_ports
from lienthong.cli.run_lock import RunLock
from lienthong.cli.supervisor import Supervisor
from lienthong.contracts.services import SERVICE_NAMES, SERVICES


def _free_ports() -> dict[str, int]:
    return free_ports(SERVICE_NAMES)


def test_busy_port_is_refused_before_anything_starts(tmp_path: Path, listening_socket: int) -> None:
    ports = {**_free_ports(), "population": listening_socket}
    supervisor = Supervisor(tmp_path, ports=ports, command=lambda name: ["false"])
    with pytest.raises(PortInUse) as caught:
        supervisor.start()
    assert caught.value.service == "population"
    assert caught.value.port == listening_socket
    assert f"port {listening_socket}" in str(caught.value)
    assert "--population-port" in str(caught.value)
    assert supervisor.pids() == {}
    RunLock(tmp_path / LOCK_FILE_NAME).acquire()  # the failed start released it


def test_unknown_service_in_ports_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown services in ports: registry"):
        Supervisor(tmp_path, ports={"registry": 9000})


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
    holder = RunLock(tmp_path / LOCK_FILE_NAME)
    holder.acquire()
    holder.write({"pid": 4242, "urls": {"gateway": "http://127.0.0.1:8000"}})
    try:
        with pytest.raises(AlreadyRunning, match=r"\(pid 4242\): gateway http://127.0.0.1:8000"):
            RunLock(tmp_path / LOCK_FILE_NAME).acquire()
    finally:
        holder.release()


def _env(
    *, base: dict[str, str] | None = None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The population service's environment in a typical run on an embedded broker."""
    return child_env(
        "population",
        host="0.0.0.0",
        port=28002,
        urls={s.name: service_url("0.0.0.0", s.default_port + 20000) for s in SERVICES},
        bootstrap_servers="127.0.0.1:9092",
        data_dir=Path("/data"),
        fresh_broker=True,
        base_env=base or {},
        extra_env=extra or {},
    )


def test_a_child_learns_where_it_listens_its_database_its_broker_and_every_peer() -> None:
    env = _env(base={"PATH": "/usr/bin"}, extra={"RUN_SEED": "7"})
    assert env == {
        "PATH": "/usr/bin",
        "RUN_SEED": "7",
        "HOST": "0.0.0.0",
        "PORT": "28002",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
        "PYTHONUNBUFFERED": "1",
        "GATEWAY_URL": "http://127.0.0.1:28000",
        "CIVIL_REGISTRY_URL": "http://127.0.0.1:28001",
        "POPULATION_URL": "http://127.0.0.1:28002",
        "INSURANCE_URL": "http://127.0.0.1:28003",
        "BROKER_IS_FRESH": "1",
        "DATABASE_URL": "sqlite+aiosqlite:////data/population.db",
    }


def test_the_run_overrides_the_inherited_env_and_the_supervisor_overrides_both() -> None:
    env = _env(
        base={"RUN_SEED": "1", "PORT": "1", "POPULATION_DATABASE_URL": "postgresql+asyncpg://db"},
        extra={"RUN_SEED": "7", "PORT": "2"},
    )
    assert (env["RUN_SEED"], env["PORT"]) == ("7", "28002")
    assert env["DATABASE_URL"] == "postgresql+asyncpg://db"


def test_wildcard_and_ipv6_binds_are_reached_on_loopback() -> None:
    assert service_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert service_url("::", 8000) == "http://[::1]:8000"
    assert service_url("fd00::5", 8000) == "http://[fd00::5]:8000"


def test_log_lines_are_prefixed_and_aligned_per_source() -> None:
    output = io.StringIO()
    logs = LogMux(output, color=False)
    logs.line("gateway", "started")
    logs.say("ready")
    assert output.getvalue() == "gateway        | started\nlienthong      | ready\n"
    coloured = io.StringIO()
    LogMux(coloured, color=True).line("population", "up")
    assert coloured.getvalue() == "\x1b[32mpopulation    \x1b[0m | up\n"
