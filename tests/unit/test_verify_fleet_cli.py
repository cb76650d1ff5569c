"""``lienthong verify`` reads the run's fleet from its lock: it skips an external agency's ledger
and takes the run's silent mock rules as the reason a simulated agency answered nothing."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from lienthong.cli import usage
from lienthong.cli.commands import verify
from lienthong.cli.http import Unreachable
from lienthong.cli.target import RunFleet, Target
from lienthong.contracts import civil_registry, gateway, population

NOW = "2026-11-16T02:30:00+00:00"
URLS = {name: f"http://{name}" for name in ("gateway", "civil_registry", "population", "insurance")}
FACTS = {
    "civil_registry": {"birth_registration": {"B1": 1}, "death_registration": {}},
    "population": {"citizen": {"B1": 1}, "death_record": {}},
}


def ledger(service: str, decisions: list[str], domain: dict[str, Any]) -> dict[str, Any]:
    return {
        "service": service,
        "clock": {"now": NOW, "speed": 1.0},
        "decisions": [
            {"dossier_id": "B1", "event_type": event_type, "count": 1, "unpublished": 0}
            for event_type in decisions
        ],
        "parked": [],
        "faults": [],
        "domain": domain,
    }


def birth_waiting_at_insurance(card: str) -> dict[str, Any]:
    """Ledgers of a run whose birth B1 the civil registry and population decided; insurance's
    step is at *card*, and insurance's own ledger does not answer (it is external)."""
    steps = [
        {"agency": agency, "status": status, "started_at": NOW}
        for agency, status in (("civil_registry", "done"), ("population", "done"))
    ] + [{"agency": "insurance", "status": card, "started_at": NOW}]
    birth = {
        "dossier_id": "B1",
        "flow": "birth",
        "status": "completed" if card == "done" else "in_progress",
        "submitted_at": NOW,
        "updated_at": NOW,
        "closed_at": NOW if card == "done" else None,
        "steps": steps,
    }
    return {
        "http://gateway/admin/ledger": ledger(
            "gateway",
            [gateway.BIRTH_DOSSIER_SUBMITTED],
            {"dossiers": [birth], "counters": None},
        ),
        "http://civil_registry/admin/ledger": ledger(
            "civil_registry", [civil_registry.BIRTH_REGISTERED], {"facts": FACTS["civil_registry"]}
        ),
        "http://population/admin/ledger": ledger(
            "population", [population.CITIZEN_REGISTERED], {"facts": FACTS["population"]}
        ),
        "http://insurance/admin/ledger": Unreachable("GET http://insurance: refused"),
    }


class FakeApi:
    """Answers GETs from *answers* (an exception is raised) and remembers what was asked."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        self.asked.append(url)
        answer = self.answers.get(url, {"items": [], "total": 0})
        if isinstance(answer, Exception):
            raise answer
        return answer


def run(monkeypatch: pytest.MonkeyPatch, api: FakeApi, fleet: RunFleet, *argv: str) -> int:
    monkeypatch.setattr(usage, "find_target", lambda args: Target(urls=URLS, fleet=fleet))
    monkeypatch.setattr(verify, "ApiClient", lambda timeout_s, api_key=None: api)
    parser = argparse.ArgumentParser(prog="lienthong verify")
    verify.add_arguments(parser)
    return verify.run(parser.parse_args(list(argv)))


@pytest.mark.parametrize("card", ["done", "pending"])
def test_an_external_agency_is_skipped_and_the_rest_reconciles(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, card: str
) -> None:
    api = FakeApi(birth_waiting_at_insurance(card))
    fleet = RunFleet(external=frozenset({"insurance"}))

    assert run(monkeypatch, api, fleet) == 0

    out = capsys.readouterr().out
    assert "http://insurance/admin/ledger" not in api.asked
    assert "note: insurance is external: not reconciled" in out.splitlines()
    assert out.splitlines()[-1] == "clean: every dossier and every fact reconciles"


def test_the_same_run_without_its_fleet_cannot_be_verified(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    api = FakeApi(birth_waiting_at_insurance("done"))

    assert run(monkeypatch, api, RunFleet()) == 3
    assert "insurance is unreachable" in capsys.readouterr().err


def test_the_runs_silent_rules_are_read_from_its_fleet() -> None:
    fleet = RunFleet(
        simulated=frozenset({"insurance", "population"}),
        rules=("insurance=refuse:not_under_six@0.5", "insurance=silent", "population=delay:2h"),
    )

    rules = verify.silent_rules(fleet)

    assert rules is not None
    assert [str(rule) for rule in rules] == ["insurance=silent"]
    assert verify.silent_rules(None) is None  # found through --url: not known
    assert verify.silent_rules(RunFleet(rules=("insurance=whisper",))) == ()
