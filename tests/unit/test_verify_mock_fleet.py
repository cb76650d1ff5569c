"""``verify`` on a run in mock mode, with ledgers built by hand.

A ``silent`` mock rule is a reason to wait, not a discrepancy — for the dossiers the simulated
agency did consume; an external agency (the user's own implementation) is not reconciled, and
nothing only it could show is reported.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.verify.ledgers import Decision, DossierRow, Ledger, Snapshot, Step, parse_ledger
from lienthong.verify.report import Report, as_json, reconcile, render
from services.mock.rules import parse_rule

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
EARLIER = NOW - timedelta(hours=1)
AGENCIES = ("civil_registry", "population", "insurance")
SILENCED = "silenced by the mock rule insurance=silent (insurance consumed it, answered nothing)"


def snapshot_of(*agencies: str) -> Snapshot:
    """Empty ledgers of the gateway and *agencies* (every agency when none is named)."""
    return Snapshot({name: Ledger(name, NOW) for name in ("gateway", *(agencies or AGENCIES))})


def decide(snapshot: Snapshot, agency: str, dossier_id: str, event_type: str) -> None:
    """One published decision (nothing happens at an agency whose ledger is not read)."""
    ledger = snapshot.ledgers.get(agency)
    if ledger is not None:
        ledger.decisions.setdefault(dossier_id, []).append(Decision(event_type, 1))


def fact(snapshot: Snapshot, agency: str, name: str, dossier_id: str) -> None:
    ledger = snapshot.ledgers.get(agency)
    if ledger is not None:
        ledger.facts.setdefault(name, {})[dossier_id] = 1


def dossier(snapshot: Snapshot, dossier_id: str, flow: str, status: str, **steps: str) -> None:
    """A gateway row whose agencies are at *steps* (the others not reached yet)."""
    rows = tuple(
        Step(agency, steps.get(agency, "pending"), started_at=EARLIER if agency in steps else None)
        for agency in AGENCIES
    )
    snapshot.gateway.dossiers[dossier_id] = DossierRow(
        dossier_id, flow, status, submitted_at=EARLIER, updated_at=EARLIER, steps=rows
    )
    submitted = (
        gateway.BIRTH_DOSSIER_SUBMITTED if flow == "birth" else gateway.DEATH_DOSSIER_SUBMITTED
    )
    decide(snapshot, "gateway", dossier_id, submitted)


def birth_up_to_population(snapshot: Snapshot, dossier_id: str, card: str = "pending") -> None:
    """A birth the civil registry and population decided; insurance's step is at *card*."""
    status = "completed" if card == "done" else "in_progress"
    steps = {"civil_registry": "done", "population": "done", "insurance": card}
    dossier(snapshot, dossier_id, "birth", status, **steps)
    decide(snapshot, "civil_registry", dossier_id, civil_registry.BIRTH_REGISTERED)
    fact(snapshot, "civil_registry", "birth_registration", dossier_id)
    decide(snapshot, "population", dossier_id, population.CITIZEN_REGISTERED)
    fact(snapshot, "population", "citizen", dossier_id)


def found(report: Report) -> list[tuple[str, str | None, str]]:
    return [(d.rule, d.dossier_id, d.detail) for d in report.discrepancies]


# -- silent rules --------------------------------------------------------------------------------


def silent_insurance(snapshot: Snapshot, unanswered: int = 1) -> None:
    """Insurance is simulated, ran with ``insurance=silent``, left *unanswered* cards."""
    snapshot.ledgers["insurance"].unanswered = {population.CITIZEN_REGISTERED: unanswered}
    snapshot.silent_rules = (parse_rule("insurance=silent"),)


def test_a_dossier_a_silent_rule_left_unanswered_is_pending_with_that_reason() -> None:
    snapshot = snapshot_of()
    birth_up_to_population(snapshot, "B1")
    silent_insurance(snapshot)

    report = reconcile(snapshot)

    assert found(report) == []
    (pending,) = report.pending
    assert (pending.dossier_id, pending.reasons, pending.stuck) == ("B1", [SILENCED], False)
    assert report.silenced == [("B1", "insurance", SILENCED)]
    assert as_json(report)["silenced"] == [
        {"dossier_id": "B1", "agency": "insurance", "reason": SILENCED}
    ]
    assert f"  B1 at insurance: {SILENCED}" in render(report).splitlines()


def test_more_dossiers_waiting_than_events_left_unanswered_excuses_none() -> None:
    snapshot = snapshot_of()
    birth_up_to_population(snapshot, "B1")
    birth_up_to_population(snapshot, "B2")
    silent_insurance(snapshot, unanswered=1)  # one of the two never reached insurance

    report = reconcile(snapshot)

    assert [(rule, dossier_id) for rule, dossier_id, _ in found(report)] == [
        ("final_or_pending", "B1"),
        ("final_or_pending", "B2"),
    ]
    assert report.silenced == []
    assert (
        "insurance answered nothing to 1 citizen_registered events, but 2 birth dossiers wait "
        "there without an answer: some never reached it, so none counts as silenced"
    ) in report.notes


def test_a_silence_no_silent_rule_of_the_run_explains_is_still_stuck() -> None:
    snapshot = snapshot_of()
    birth_up_to_population(snapshot, "B1")
    silent_insurance(snapshot)
    snapshot.silent_rules = (parse_rule("insurance.death_registered=silent"),)

    report = reconcile(snapshot)

    assert [rule for rule, _, _ in found(report)] == ["final_or_pending"]
    assert report.silenced == []


def test_a_decided_or_answered_dossier_is_never_silenced() -> None:
    snapshot = snapshot_of()
    birth_up_to_population(snapshot, "B1", card="done")
    decide(snapshot, "insurance", "B1", insurance.CARD_ISSUED)
    fact(snapshot, "insurance", "health_card", "B1")
    silent_insurance(snapshot)  # an unanswered event of some other dossier

    report = reconcile(snapshot)

    assert (found(report), report.silenced) == ([], [])


def test_without_the_runs_rules_a_simulated_agencys_silence_is_its_rules_doing() -> None:
    snapshot = snapshot_of()
    birth_up_to_population(snapshot, "B1")
    silent_insurance(snapshot)
    snapshot.silent_rules = None  # found through --url: no lock to read the rules from

    report = reconcile(snapshot)

    assert found(report) == []
    assert report.pending[0].reasons == [
        "silenced by a mock rule of the simulated insurance (consumed, answered nothing; the "
        "run's rules are not known through --url)"
    ]


def test_a_closed_dossier_whose_other_step_was_silenced_is_not_missing_an_effect() -> None:
    """Insurance refused the death (so it is rejected); the simulated population was silent."""
    snapshot = snapshot_of()
    steps = {"civil_registry": "done", "population": "pending", "insurance": "rejected"}
    dossier(snapshot, "D1", "death", "rejected", **steps)
    decide(snapshot, "civil_registry", "D1", civil_registry.DEATH_REGISTERED)
    fact(snapshot, "civil_registry", "death_registration", "D1")
    decide(snapshot, "insurance", "D1", insurance.FUNERAL_BENEFIT_REJECTED)
    snapshot.ledgers["population"].unanswered = {civil_registry.DEATH_REGISTERED: 1}
    snapshot.silent_rules = (parse_rule("population.death_registered=silent"),)

    report = reconcile(snapshot)

    assert found(report) == []
    assert [(d, agency) for d, agency, _ in report.silenced] == [("D1", "population")]


# -- external agencies ---------------------------------------------------------------------------


def test_an_external_agency_is_not_reconciled_and_the_rest_is() -> None:
    snapshot = snapshot_of("civil_registry", "population")
    snapshot.external = frozenset({"insurance"})
    birth_up_to_population(snapshot, "B1", card="done")  # the user's insurance issued a card
    birth_up_to_population(snapshot, "B2")  # and has not answered this one yet

    report = reconcile(snapshot)

    assert found(report) == []
    assert report.notes[0] == "insurance is external: not reconciled"
    assert as_json(report)["external"] == ["insurance"]
    (waiting,) = report.pending
    assert (waiting.dossier_id, waiting.reasons) == (
        "B2",
        ["insurance is external: not reconciled"],
    )


def test_a_fact_of_a_reconciled_agency_is_still_checked_beside_an_external_one() -> None:
    snapshot = snapshot_of("civil_registry", "population")
    snapshot.external = frozenset({"insurance"})
    birth_up_to_population(snapshot, "B1", card="done")
    snapshot.ledgers["population"].facts["citizen"]["B1"] = 2

    report = reconcile(snapshot)

    assert found(report) == [
        ("one_effect_each", "B1", "completed birth with 2 citizen rows at population (expected 1)")
    ]


def test_an_external_civil_registry_leaves_its_own_rule_unchecked() -> None:
    snapshot = snapshot_of("population", "insurance")
    snapshot.external = frozenset({"civil_registry"})
    birth_up_to_population(snapshot, "B1", card="done")
    decide(snapshot, "insurance", "B1", insurance.CARD_ISSUED)
    fact(snapshot, "insurance", "health_card", "B1")

    report = reconcile(snapshot)

    assert found(report) == []
    (reached,) = [rule for rule in report.rules if rule.rule == "reached_civil_registry"]
    assert (reached.checked, reached.note) == (0, "civil_registry is external: not reconciled")


def test_a_simulated_agencys_ledger_says_what_it_left_unanswered() -> None:
    body = {
        "service": "insurance",
        "clock": {"now": NOW.isoformat(), "speed": 1.0},
        "decisions": [],
        "parked": [],
        "faults": [],
        "domain": {
            "facts": {"health_card": {}, "funeral_benefit": {}},
            "unanswered": {population.CITIZEN_REGISTERED: 2},
        },
    }

    ledger = parse_ledger(body)

    assert ledger.unanswered == {population.CITIZEN_REGISTERED: 2}
