"""``up --auth``: when a run asks for keys, which ones, what the services and the lock are told,
what the banner says; and how the CLI commands find the key to send."""

from __future__ import annotations

import argparse
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.cli.errors import PortInUse, SupervisorError
from lienthong.cli.http import ApiClient
from lienthong.cli.main import build_parser
from lienthong.cli.ports import free_ports
from lienthong.cli.ready_banner import format_ready
from lienthong.cli.run_credentials import auth_environment, banner_lines, run_credentials, settle
from lienthong.cli.run_lock import RunLock
from lienthong.cli.run_record import run_record
from lienthong.cli.supervisor import Supervisor
from lienthong.cli.target import add_target_arguments, find_target, from_data_dir
from lienthong.cli.up import run_environment
from lienthong.contracts.services import SERVICE_NAMES
from lienthong.runtime.credentials import ADMIN, CLIENT, PRINCIPALS

INLINE = "admin=admin-key-0123456789,client=client-key-0123456789"


def test_a_run_on_loopback_is_open_unless_asked(tmp_path: Path) -> None:
    assert run_credentials(tmp_path, "127.0.0.1", {}) is None
    assert run_credentials(tmp_path, "localhost", {"AUTH_REQUIRED": "false"}) is None
    assert not (tmp_path / "api-keys").exists()
    assert auth_environment(None) == {}


@pytest.mark.parametrize(
    ("host", "env"), [("127.0.0.1", {"AUTH_REQUIRED": "1"}), ("0.0.0.0", {}), ("::", {})]
)
def test_asked_or_beyond_loopback_the_run_makes_its_keys_in_the_data_dir(
    tmp_path: Path, host: str, env: dict[str, str]
) -> None:
    run = run_credentials(tmp_path, host, env)

    assert run is not None and run.key_file == (tmp_path / "api-keys").resolve()
    assert set(run.credentials.keys) == set(PRINCIPALS)
    assert auth_environment(run) == {"AUTH_REQUIRED": "1", "API_KEYS_FILE": str(run.key_file)}
    assert run.lock_record() == {name: run.credentials.keys[name] for name in (ADMIN, CLIENT)}
    again = run_credentials(tmp_path, host, env)
    assert again is not None and again.credentials.keys == run.credentials.keys  # kept


def test_keys_in_the_environment_or_another_key_file_are_used(tmp_path: Path) -> None:
    inline = run_credentials(tmp_path, "0.0.0.0", {"API_KEYS": INLINE})
    elsewhere = run_credentials(tmp_path, "0.0.0.0", {"API_KEYS_FILE": str(tmp_path / "k")})

    assert inline is not None and inline.key_file is None
    assert inline.credentials.key_of(ADMIN) == "admin-key-0123456789"
    assert auth_environment(inline) == {"AUTH_REQUIRED": "1"}  # the services inherit API_KEYS
    assert elsewhere is not None and elsewhere.key_file == (tmp_path / "k").resolve()


def test_keys_written_wrong_stop_the_run_before_it_starts(tmp_path: Path) -> None:
    with pytest.raises(SupervisorError, match="credentials: API_KEYS: entry 1"):
        settle(tmp_path, "0.0.0.0", {"API_KEYS": "admin=short"})
    with pytest.raises(SupervisorError, match="AUTH_REQUIRED='maybe'"):
        settle(tmp_path, "127.0.0.1", {"AUTH_REQUIRED": "maybe"})


def test_up_auth_asks_every_service_for_keys() -> None:
    assert run_environment(build_parser().parse_args(["up", "--auth"]))["AUTH_REQUIRED"] == "1"
    assert "AUTH_REQUIRED" not in run_environment(build_parser().parse_args(["up"]))


def test_the_banner_says_open_or_prints_the_keys(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path, bootstrap_servers="kafka.example:9092")
    assert "open: no credentials, loopback only" in format_ready(supervisor, 1.0)

    supervisor.credentials = run_credentials(tmp_path, "127.0.0.1", {"AUTH_REQUIRED": "1"})
    assert supervisor.credentials is not None
    keys = supervisor.credentials.credentials.keys
    shown, hidden = format_ready(supervisor, 1.0), format_ready(supervisor, 1.0, show_keys=False)
    assert "credentials on" in shown and all(key in shown for key in keys.values())
    assert "credentials on" in hidden and not any(key in hidden for key in keys.values())
    assert str(tmp_path / "api-keys") in hidden
    assert banner_lines(None, show_keys=True) == [
        "open: no credentials, loopback only (`lienthong up --auth` asks for keys)"
    ]


def test_the_run_tells_its_services_and_records_the_admin_and_client_keys(
    tmp_path: Path,
) -> None:
    supervisor = Supervisor(tmp_path, bootstrap_servers="kafka.example:9092")
    supervisor.credentials = run_credentials(tmp_path, "0.0.0.0", {})
    assert supervisor.credentials is not None
    keys = supervisor.credentials.credentials.keys

    env = supervisor._service_env(supervisor.specs[0], fresh_broker=False)
    info = run_record(supervisor)

    assert env["AUTH_REQUIRED"] == "1" and env["API_KEYS_FILE"] == str(tmp_path / "api-keys")
    assert info["credentials"] == {ADMIN: keys[ADMIN], CLIENT: keys[CLIENT]}
    assert "credentials" not in run_record(Supervisor(tmp_path, bootstrap_servers="k:1"))


def test_starting_settles_the_keys_before_anything_else(
    tmp_path: Path, listening_socket: int
) -> None:
    ports = {**free_ports(SERVICE_NAMES), "gateway": listening_socket}
    supervisor = Supervisor(
        tmp_path, ports=ports, extra_env={"AUTH_REQUIRED": "yes"}, command=lambda name: ["false"]
    )

    with pytest.raises(PortInUse):
        supervisor.start()

    assert supervisor.credentials is not None and (tmp_path / "api-keys").is_file()


def test_the_lock_is_the_owner_s_alone(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE_NAME
    path.write_text("")
    path.chmod(0o644)
    lock = RunLock(path)
    lock.acquire()
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        lock.release()


def _locked_run(tmp_path: Path, credentials: dict[str, str] | None) -> RunLock:
    urls = {name: f"http://127.0.0.1:{8000 + n}" for n, name in enumerate(SERVICE_NAMES)}
    lock = RunLock(tmp_path / LOCK_FILE_NAME)
    lock.acquire()
    record: dict[str, Any] = {"pid": os.getpid(), "urls": urls}
    if credentials is not None:
        record["credentials"] = credentials
    lock.write(record)
    return lock


def test_commands_given_the_data_dir_send_the_admin_key_of_its_lock(tmp_path: Path) -> None:
    lock = _locked_run(tmp_path, {ADMIN: "the-admin-key", CLIENT: "the-client-key"})
    try:
        found = from_data_dir(tmp_path)
        given = find_target(argparse.Namespace(url=None, data_dir=tmp_path, api_key="a-key-given"))
    finally:
        lock.release()

    assert found.api_key == "the-admin-key"
    assert found.headers == {"Authorization": "Bearer the-admin-key"}
    assert given.api_key == "a-key-given"  # --api-key (or LIENTHONG_API_KEY) wins


def test_an_open_run_s_lock_gives_no_key(tmp_path: Path) -> None:
    lock = _locked_run(tmp_path, None)
    try:
        assert from_data_dir(tmp_path).api_key is None
        assert from_data_dir(tmp_path).headers == {}
    finally:
        lock.release()


def test_commands_given_a_url_send_the_key_given(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[dict[str, str]] = []

    def get(self: ApiClient, url: str, params: dict[str, Any] | None = None) -> Any:
        sent.append(dict(self._headers))
        return {"urls": {}}

    monkeypatch.setattr(ApiClient, "get", get)
    monkeypatch.setenv("LIENTHONG_API_KEY", "from-the-env")
    parser = argparse.ArgumentParser()
    add_target_arguments(parser)  # read when the parser is built: the env var is set by now
    target = find_target(parser.parse_args(["--url", "http://gw:8000"]))

    assert target.api_key == "from-the-env"
    assert sent == [{"Authorization": "Bearer from-the-env"}]
    assert json.loads(json.dumps(target.headers)) == sent[0]
