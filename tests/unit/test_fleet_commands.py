"""The commands on a run whose fleet leaves an agency external or simulates it (``up --only``,
``up --external``): they read the fleet from the lock, refuse to act on a process lienthong
does not run, skip what they cannot reach and mark the agencies in ``status``."""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lienthong.cli import usage
from lienthong.cli.commands import status
from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.cli.http import ApiClient, Unreachable
from lienthong.cli.main import main
from lienthong.cli.run_lock import RunLock
from lienthong.cli.status_view import render
from lienthong.cli.target import RunFleet, Target, from_data_dir
from lienthong.contracts.services import SERVICE_NAMES

URLS = {name: f"http://{name}.test" for name in SERVICE_NAMES}
FLEET = RunFleet(
    simulated=frozenset({"population"}),
    external=frozenset({"insurance"}),
    rules=("population=silent",),
)
RECORD = {"simulated": ["population"], "external": ["insurance"], "rules": ["population=silent"]}


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Path]:
    """A data dir whose lock is held and names a run with insurance external (no pid for it)."""
    lock = RunLock(tmp_path / LOCK_FILE_NAME)
    lock.acquire()
    children = {"gateway": 2**22 + 1, "civil_registry": 2**22 + 2, "population": 2**22 + 3}
    lock.write({"pid": os.getpid(), "urls": URLS, "children": children, "fleet": RECORD})
    try:
        yield tmp_path
    finally:
        lock.release()


def test_the_fleet_is_read_from_the_lock(running: Path) -> None:
    assert from_data_dir(running).fleet == FLEET
    assert from_data_dir(running).external == frozenset({"insurance"})


@pytest.mark.parametrize(
    ("record", "fleet"),
    [
        (None, RunFleet()),  # a lock written before mock mode: every agency real
        ({"external": "insurance", "simulated": ["treasury", "population"]}, None),
    ],
)
def test_a_missing_or_odd_fleet_record_is_read_defensively(
    record: object, fleet: RunFleet | None
) -> None:
    expected = fleet or RunFleet(simulated=frozenset({"population"}))
    assert RunFleet.from_record(record) == expected


@pytest.mark.parametrize("command", ["kill", "restart"])
def test_an_external_agency_has_no_process_to_signal(
    command: str, running: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "insurance", "--data-dir", str(running)]) == 2

    error = capsys.readouterr().err
    assert f"usage: lienthong {command}" in error
    assert error.rstrip().endswith("error: insurance is external: lienthong does not run it")


# -- faults ----------------------------------------------------------------------------------


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Requests ``faults`` makes; insurance, external, serves no /admin/faults."""
    made: list[tuple[str, str]] = []

    def request(self: ApiClient, method: str, url: str, **kwargs: Any) -> Any:
        made.append((method, url))
        if url.startswith(URLS["insurance"]):
            raise Unreachable(f"{method} {url}: connection refused")
        return {"cleared": []} if method == "DELETE" else {"faults": []}

    monkeypatch.setattr(ApiClient, "request", request)
    monkeypatch.setattr(usage, "find_target", lambda args: Target(urls=URLS, fleet=FLEET))
    return made


def test_faults_list_skips_an_external_agency_and_says_so(
    calls: list[tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["faults", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "no faults are on",
        "insurance: not listed, external",
    ]
    assert main(["faults", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert (listed["external"], listed["unreachable"], sorted(listed["faults"])) == (
        ["insurance"],
        [],
        ["civil_registry", "gateway", "population"],
    )
    assert all(not url.startswith(URLS["insurance"]) for _, url in calls)


@pytest.mark.parametrize("argv", [["set", "insurance", "down"], ["clear", "insurance"]])
def test_faults_at_an_external_agency_are_a_usage_error(
    argv: list[str], calls: list[tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["faults", *argv]) == 2
    assert "error: AGENCY: insurance is external: lienthong does not run it" in (
        capsys.readouterr().err
    )
    assert calls == []


def test_faults_clear_everywhere_skips_an_external_agency(
    calls: list[tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["faults", "clear"]) == 0
    assert calls == [
        ("DELETE", f"{URLS[name]}/admin/faults") for name in SERVICE_NAMES if name != "insurance"
    ]
    assert "insurance: skipped, external (lienthong does not run it)" in capsys.readouterr().out


# -- status ----------------------------------------------------------------------------------


def health_rows(text: str) -> dict[str, str]:
    """agency → status cell of the health table."""
    table = text.split("Agency health\n", 1)[1].splitlines()[1:]
    return {cells[0]: cells[1] for cells in (re.split(r"\s{2,}", row.strip()) for row in table)}


def entry(status: str, mode: str | None) -> dict[str, Any]:
    return {"status": status, "mode": mode, "lag": {}, "faults": [], "dead_letters": {}}


HEALTH: dict[str, Any] = {
    "generated_at": "2026-11-16T02:30:00Z",
    "agencies": {
        "gateway": entry("ok", "real"),
        "civil_registry": entry("ok", "real"),
        "population": entry("ok", "simulated"),
        "insurance": entry("unreachable", None),
    },
}


def test_status_marks_the_external_and_simulated_agencies_of_the_fleet() -> None:
    fleet = {"simulated": ["population"], "external": ["insurance"]}
    served = {**HEALTH["agencies"], "insurance": entry("ok", None)}

    shown = health_rows(render({"health": HEALTH, "fleet": fleet}))
    answering = health_rows(render({"health": {**HEALTH, "agencies": served}, "fleet": fleet}))

    assert shown == {
        "gateway": "ok",
        "civil_registry": "ok",
        "population": "ok (simulated)",
        "insurance": "external",
    }
    assert answering["insurance"] == "ok (external)"  # the user's own program serves /health
    assert health_rows(render({"health": HEALTH}))["insurance"] == "unreachable"  # --url


def test_status_reads_the_fleet_of_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = {"/api/v1/health/agencies": HEALTH, "/api/v1/stats": {}, "/api/v1/stats/latency": {}}

    class Api:
        def get(self, url: str) -> Any:
            return answers[url.removeprefix(URLS["gateway"])]

    monkeypatch.setattr(usage, "find_target", lambda args: Target(urls=URLS, fleet=FLEET))
    monkeypatch.setattr(status, "ApiClient", lambda timeout_s, api_key=None: Api())
    parser = argparse.ArgumentParser()
    status.add_arguments(parser)

    assert status.run(parser.parse_args(["--json"])) == 0
    assert json.loads(capsys.readouterr().out)["fleet"] == {
        "simulated": ["population"],
        "external": ["insurance"],
    }
    assert status.run(parser.parse_args([])) == 0
    assert health_rows(capsys.readouterr().out)["insurance"] == "external"
