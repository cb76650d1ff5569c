"""``lienthong faults``: a bad command line is a usage error (exit 2) and sends nothing."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lienthong.cli import usage
from lienthong.cli.commands import faults as command
from lienthong.cli.http import ApiClient, ApiError, Unreachable
from lienthong.cli.main import main
from lienthong.cli.target import Target
from lienthong.contracts.services import SERVICE_NAMES

URLS = {name: f"http://{name}.test" for name in SERVICE_NAMES}
Call = tuple[str, str, Any]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Requests the command makes (answered as a service would); no process may start."""
    made: list[Call] = []

    def request(self: ApiClient, method: str, url: str, **kwargs: Any) -> Any:
        made.append((method, url, kwargs.get("json")))
        if method == "PUT":
            return {"kind": url.rsplit("/", 1)[1], **kwargs["json"]}
        if method == "DELETE":
            return {"cleared": []}
        return {"faults": []}

    def no_process(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the command started a process")

    monkeypatch.setattr(ApiClient, "request", request)
    monkeypatch.setattr(usage, "find_target", lambda args: Target(urls=URLS))
    monkeypatch.setattr(subprocess, "Popen", no_process)
    return made


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["set", "treasury", "down"], "AGENCY"),
        (["set", "population", "earthquake"], "FAULT"),
        (["set", "population", "overload"], "FAULT"),  # only the gateway takes it
        (["set", "gateway", "latency", "--latency", "fixed:1s"], "FAULT"),
        (["set", "population", "sync_error", "--rate", "0"], "--rate"),
        (["set", "population", "sync_error", "--rate", "1.2"], "--rate"),
        (["set", "population", "delay", "--latency", "soon"], "--latency"),
        (["set", "population", "delay"], "--latency"),  # delay needs a distribution
        (["set", "population", "down", "--province", "01", "--province", "99"], "--province"),
        (["set", "population", "sync_error", "--limit", "3"], "--limit"),
        (["set", "population", "reorder", "--window", "1"], "--window"),
        (["set", "population", "down", "--from", "tomorrow"], "--from"),
        (
            ["set", "population", "down", "--from", "2026-11-17", "--until", "2026-11-16"],
            "--until",
        ),
        (["clear", "treasury"], "AGENCY"),
        (["clear", "--fault", "earthquake"], "--fault"),
    ],
)
def test_a_bad_setting_is_a_usage_error_naming_the_option(
    argv: list[str], named: str, calls: list[Call], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["faults", *argv]) == 2

    error = capsys.readouterr().err
    assert "usage: lienthong faults" in error
    assert f"error: {named}:" in error, error
    assert calls == []


@pytest.mark.parametrize(
    "argv",
    [
        ["set", "population"],
        ["set", "population", "down", "--rate", "often"],
        ["set", "population", "down", "--flow", "marriage"],
        ["set", "population", "poison", "--poison", "arsenic"],
        ["unplug"],
    ],
)
def test_argparse_refuses_malformed_options(argv: list[str], calls: list[Call]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["faults", *argv])

    assert exit_.value.code == 2
    assert calls == []


def test_set_sends_the_checked_setting_to_that_agency(calls: list[Call]) -> None:
    argv = ["set", "civil-registry", "delay", "--latency", "uniform:1s..5s", "--rate", "0.3"]
    argv += ["--province", "79", "--province", "01", "--flow", "birth"]
    argv += ["--from", "2026-11-16T08:00"]

    assert main(["faults", *argv]) == 0

    ((method, url, body),) = calls
    assert (method, url) == ("PUT", "http://civil_registry.test/admin/faults/delay")
    assert body["latency"] == "uniform:1s..5s"
    assert (body["rate"], body["provinces"], body["flow"]) == (0.3, ["01", "79"], "birth")
    assert body["starts_at"] == "2026-11-16T08:00:00+07:00"  # no offset: Vietnam time


def test_clear_without_an_agency_clears_every_service(calls: list[Call]) -> None:
    assert main(["faults", "clear", "--fault", "poison"]) == 0

    assert [(method, url) for method, url, _ in calls] == [
        ("DELETE", f"{URLS[name]}/admin/faults/poison") for name in SERVICE_NAMES
    ]


def test_the_servers_422_is_a_usage_error_with_its_reasons(
    monkeypatch: pytest.MonkeyPatch, calls: list[Call], capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(self: ApiClient, method: str, url: str, **kwargs: Any) -> Any:
        body = {"detail": [{"loc": ["body", "rate"], "msg": "too high", "type": "value_error"}]}
        raise ApiError(422, body)

    monkeypatch.setattr(ApiClient, "request", refuse)

    assert main(["faults", "set", "insurance", "sync_error"]) == 2
    assert "--rate: too high" in capsys.readouterr().err


def test_a_service_that_does_not_answer_exits_3(
    monkeypatch: pytest.MonkeyPatch, calls: list[Call]
) -> None:
    def unreachable(self: ApiClient, method: str, url: str, **kwargs: Any) -> Any:
        raise Unreachable("connection refused")

    monkeypatch.setattr(ApiClient, "request", unreachable)

    assert main(["faults", "set", "insurance", "down"]) == 3
    assert main(["faults", "list"]) == 3


def test_nothing_running_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["faults", "list", "--data-dir", str(tmp_path)])

    assert code == 3
    assert "nothing runs" in capsys.readouterr().err


def test_the_list_is_a_table_of_every_fault() -> None:
    table = command.fault_table(
        {
            "gateway": [{"kind": "overload", "active": True, "rate": 1.0, "limit": 5.0}],
            "population": [
                {
                    "kind": "delay",
                    "active": False,
                    "rate": 0.5,
                    "flow": "death",
                    "provinces": ["01", "79"],
                    "latency": "fixed:2s",
                }
            ],
        }
    )

    lines = table.splitlines()
    assert lines[0].split() == ["SERVICE", "FAULT", "ACTIVE", "RATE", "SCOPE", "LATENCY/LIMIT"]
    assert lines[1].split() == ["gateway", "overload", "yes", "1", "everywhere", "5/s"]
    assert "death; provinces 01,79" in lines[2]
    assert lines[2].split()[-1] == "fixed:2s"
    assert command.fault_table({"gateway": []}) == "no faults are on"


def test_agency_names_take_dashes() -> None:
    assert command.service_name("civil-registry") == "civil_registry"
    assert command.service_name("Population") == "population"


def test_options_map_onto_the_setting() -> None:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    args = parser.parse_args(["set", "gateway", "overload", "--limit", "4", "--office-hours"])

    setting = command.setting_of(args)

    assert (setting.limit, setting.office_hours, setting.rate) == (4.0, True, 1.0)
