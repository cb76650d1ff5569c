"""``lienthong verify`` as a command: its options, the order it reads in, its exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from lienthong.cli import usage
from lienthong.cli.commands import verify
from lienthong.cli.http import ApiError, Unreachable
from lienthong.cli.main import main
from lienthong.cli.target import Target
from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.verify.report import reconcile

NOW = "2026-11-16T02:30:00+00:00"
URLS = {name: f"http://{name}" for name in ("gateway", "civil_registry", "population", "insurance")}
DONE = {
    "civil_registry": (civil_registry.BIRTH_REGISTERED, "birth_registration"),
    "population": (population.CITIZEN_REGISTERED, "citizen"),
    "insurance": (insurance.CARD_ISSUED, "health_card"),
}

DEATH_FACT = {
    "civil_registry": "death_registration",
    "population": "death_record",
    "insurance": "funeral_benefit",
}


def decision(dossier_id: str, event_type: str) -> dict[str, Any]:
    return {"dossier_id": dossier_id, "event_type": event_type, "count": 1, "unpublished": 0}


def ledger(service: str, decisions: list[dict[str, Any]], domain: dict[str, Any]) -> dict[str, Any]:
    return {
        "service": service,
        "clock": {"now": NOW, "speed": 1.0},
        "decisions": decisions,
        "parked": [],
        "faults": [],
        "domain": domain,
    }


def completed_birth(dossier_id: str) -> dict[str, Any]:
    steps = [
        {"agency": agency, "status": "done", "started_at": NOW, "finished_at": NOW}
        for agency in DONE
    ]
    return {
        "dossier_id": dossier_id,
        "flow": "birth",
        "status": "completed",
        "submitted_at": NOW,
        "updated_at": NOW,
        "closed_at": NOW,
        "steps": steps,
    }


def bodies(citizens: int = 1) -> dict[str, Any]:
    """The ledgers of a run with one completed birth B1 (``citizens`` rows for its child)."""
    answers = {
        f"{URLS['gateway']}/admin/ledger": ledger(
            "gateway",
            [decision("B1", gateway.BIRTH_DOSSIER_SUBMITTED)],
            {"dossiers": [completed_birth("B1")], "counters": None},
        )
    }
    for agency, (event_type, name) in DONE.items():
        rows = citizens if name == "citizen" else 1
        facts = {name: {"B1": rows}, DEATH_FACT[agency]: {}}
        answers[f"{URLS[agency]}/admin/ledger"] = ledger(
            agency, [decision("B1", event_type)], {"facts": facts}
        )
    return answers


class FakeApi:
    """Answers GETs from ``answers`` (an exception is raised), from ``later`` once a URL was
    read, and remembers what was asked."""

    def __init__(self, answers: dict[str, Any], later: dict[str, Any] | None = None) -> None:
        self.answers = answers
        self.later = later or {}
        self.asked: list[str] = []

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        source = self.later if url in self.asked and url in self.later else self.answers
        self.asked.append(url)
        answer = source.get(url, ApiError(404, {"detail": "Not Found"}))
        if callable(answer):
            answer = answer(params or {})
        if isinstance(answer, Exception):
            raise answer
        return answer


def parser() -> argparse.ArgumentParser:
    built = argparse.ArgumentParser(prog="lienthong verify")
    verify.add_arguments(built)
    return built


def test_the_defaults_report_a_table_of_a_quiet_system() -> None:
    args = parser().parse_args([])

    assert (args.json, args.show, args.grace, args.dossier) == (False, 20, 0.0, None)


@pytest.mark.parametrize("argv", [["--show", "-1"], ["--grace", "soon"], ["--grace", "-5"]])
def test_a_bad_option_is_a_usage_error(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["verify", *argv])

    assert exit_.value.code == 2


def test_the_gateway_is_read_first_then_the_agencies_downstream_first() -> None:
    api = FakeApi(bodies())

    snapshot = verify.collect(URLS, api.get)

    assert api.asked == [
        "http://gateway/admin/ledger",
        "http://insurance/admin/ledger",
        "http://population/admin/ledger",
        "http://civil_registry/admin/ledger",
        "http://gateway/api/v1/failures",
    ]
    assert snapshot.failures == []
    assert snapshot.notes == [
        "open failures not read (HTTP 404: {'detail': 'Not Found'}); failed steps still count"
    ]


def failure(dossier_id: str, status: str) -> dict[str, Any]:
    return {"dossier_id": dossier_id, "agency": "population", "error_kind": "transient"} | {
        "status": status
    }


def test_unresolved_failures_are_read_page_by_page_and_explain_a_wait() -> None:
    answers = bodies()
    waiting = completed_birth("B2") | {"status": "failed"}
    waiting["steps"][1] |= {"status": "failed", "finished_at": None}
    waiting["steps"][2] |= {"status": "pending", "started_at": None, "finished_at": None}
    answers["http://gateway/admin/ledger"]["domain"]["dossiers"].append(waiting)
    pages = [
        [failure("B2", "open"), failure("B1", "resolved")],
        [failure("B2", "redriven")],
    ]
    asked: list[dict[str, Any]] = []

    def failures(params: dict[str, Any]) -> dict[str, Any]:
        asked.append(params)
        return {"total": 3, "items": pages[len(asked) - 1]}

    answers["http://gateway/api/v1/failures"] = failures

    snapshot = verify.collect(URLS, FakeApi(answers).get)

    assert [params["offset"] for params in asked] == [0, 2]
    assert all(params["status"] == "unresolved" for params in asked)
    assert [(f.dossier_id, f.reason) for f in snapshot.failures] == [
        ("B2", "transient (open)"),
        ("B2", "transient (redriven)"),
    ]
    (pending,) = reconcile(snapshot).pending
    assert pending.reasons == [
        "failed at population (no reason code)",
        "open failure at population: transient (open)",
        "open failure at population: transient (redriven)",
    ]


def test_a_dossier_the_gateway_learnt_of_while_reading_is_late() -> None:
    answers = bodies()
    answers["http://civil_registry/admin/ledger"]["domain"]["facts"]["birth_registration"]["B2"] = 1
    first = answers["http://gateway/admin/ledger"]
    again = {**first, "domain": {"dossiers": [completed_birth("B1"), completed_birth("B2")]}}
    api = FakeApi(answers, later={"http://gateway/admin/ledger": again})

    snapshot = verify.collect(URLS, api.get)

    assert api.asked[-1] == "http://gateway/admin/ledger"  # read again
    assert snapshot.late == {"B2"}
    assert list(snapshot.gateway.dossiers) == ["B1"]


def test_a_ledger_without_a_fact_verify_needs_cannot_be_verified() -> None:
    answers = bodies()
    del answers["http://insurance/admin/ledger"]["domain"]["facts"]["funeral_benefit"]

    with pytest.raises(verify.CannotRead) as error:
        verify.collect(URLS, FakeApi(answers).get)

    assert str(error.value) == (
        "insurance at http://insurance: insurance's ledger: no fact 'funeral_benefit' "
        "(an older version?)"
    )


def test_an_unreachable_service_is_named() -> None:
    answers = bodies()
    answers["http://population/admin/ledger"] = Unreachable("GET http://population: refused")

    with pytest.raises(verify.CannotRead) as error:
        verify.collect(URLS, FakeApi(answers).get)

    assert str(error.value) == "population is unreachable: GET http://population: refused"


def run(monkeypatch: pytest.MonkeyPatch, answers: dict[str, Any], *argv: str) -> int:
    api = FakeApi(answers)
    monkeypatch.setattr(usage, "find_target", lambda args: Target(urls=URLS))
    monkeypatch.setattr(verify, "ApiClient", lambda timeout_s, api_key=None: api)
    return verify.run(parser().parse_args(list(argv)))


def test_a_clean_run_exits_0(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    assert run(monkeypatch, bodies()) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "clean: every dossier and every fact reconciles"
    )


def test_a_discrepancy_exits_1(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    assert run(monkeypatch, bodies(citizens=2), "--json") == 1
    assert '"detail": "completed birth with 2 citizen rows at population (expected 1)"' in (
        capsys.readouterr().out
    )


def test_an_unreachable_service_exits_3(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    answers = bodies()
    answers["http://insurance/admin/ledger"] = Unreachable("GET http://insurance: refused")

    assert run(monkeypatch, answers) == 3
    assert "insurance is unreachable" in capsys.readouterr().err


def test_a_dossier_nobody_knows_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert run(monkeypatch, bodies(), "--dossier", "NOPE") == 2
    assert "no service knows dossier 'NOPE'" in capsys.readouterr().err


def test_nothing_running_exits_3(tmp_path: Path, capsys: Any) -> None:
    assert main(["verify", "--data-dir", str(tmp_path)]) == 3
    assert "nothing runs at" in capsys.readouterr().err
