"""The reconciliation rules on ledgers built by hand: each rule finds what it should, only that."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.contracts.dead_letters import DEAD_LETTERED
from lienthong.verify.ledgers import (
    ActiveFault,
    Decision,
    DossierRow,
    Failure,
    Ledger,
    Parked,
    Snapshot,
    Step,
)
from lienthong.verify.report import reconcile

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
AGENCIES = ("civil_registry", "population", "insurance")
DONE = {
    "birth": (
        ("civil_registry", civil_registry.BIRTH_REGISTERED, "birth_registration"),
        ("population", population.CITIZEN_REGISTERED, "citizen"),
        ("insurance", insurance.CARD_ISSUED, "health_card"),
    ),
    "death": (
        ("civil_registry", civil_registry.DEATH_REGISTERED, "death_registration"),
        ("population", population.DEATH_RECORDED, "death_record"),
        ("insurance", insurance.FUNERAL_BENEFIT_DECIDED, "funeral_benefit"),
    ),
}
SUBMITTED = {"birth": gateway.BIRTH_DOSSIER_SUBMITTED, "death": gateway.DEATH_DOSSIER_SUBMITTED}


def empty() -> Snapshot:
    return Snapshot({name: Ledger(name, NOW) for name in ("gateway", *AGENCIES)})


def decide(
    snapshot: Snapshot,
    agency: str,
    dossier_id: str,
    event_type: str,
    unpublished: int = 0,
    next_available_at: datetime | None = None,
) -> None:
    decision = Decision(event_type, 1, unpublished, next_available_at)
    snapshot.ledgers[agency].decisions.setdefault(dossier_id, []).append(decision)


def fact(snapshot: Snapshot, agency: str, name: str, dossier_id: str, rows: int = 1) -> None:
    snapshot.ledgers[agency].facts.setdefault(name, {})[dossier_id] = rows


def dossier(
    snapshot: Snapshot,
    dossier_id: str,
    flow: str,
    status: str,
    steps: dict[str, str],
    updated: datetime = NOW - timedelta(hours=1),
) -> None:
    """A gateway row; ``steps`` gives the status of each agency reached (the others are not)."""
    rows = tuple(
        Step(agency, steps.get(agency, "pending"), started_at=updated if agency in steps else None)
        for agency in AGENCIES
    )
    snapshot.gateway.dossiers[dossier_id] = DossierRow(
        dossier_id, flow, status, submitted_at=updated, updated_at=updated, steps=rows
    )
    decide(snapshot, "gateway", dossier_id, SUBMITTED[flow])


def completed(snapshot: Snapshot, dossier_id: str, flow: str = "birth") -> None:
    """A dossier every agency decided on, with one of each fact."""
    dossier(snapshot, dossier_id, flow, "completed", dict.fromkeys(AGENCIES, "done"))
    for agency, event_type, name in DONE[flow]:
        decide(snapshot, agency, dossier_id, event_type)
        fact(snapshot, agency, name, dossier_id)


def found(snapshot: Snapshot, grace_s: float = 0.0) -> list[tuple[str, str | None, str]]:
    return [(d.rule, d.dossier_id, d.detail) for d in reconcile(snapshot, grace_s).discrepancies]


def test_completed_births_and_deaths_with_one_of_each_fact_are_clean() -> None:
    snapshot = empty()
    completed(snapshot, "B1")
    completed(snapshot, "D1", "death")

    report = reconcile(snapshot)

    assert report.clean
    checked = {rule.rule: rule.checked for rule in report.rules}
    assert checked == {
        "final_or_pending": 2,
        "one_effect_each": 12,  # 3 facts × 2 dossiers, and 3 agency steps decided × 2
        "cause_before_effect": 6,
        "effect_after_cause": 0,
        "counters": 0,
        "reached_civil_registry": 2,
    }


def test_a_second_citizen_for_a_completed_birth_is_a_duplicate() -> None:
    snapshot = empty()
    completed(snapshot, "B1")
    fact(snapshot, "population", "citizen", "B1", rows=2)

    assert found(snapshot) == [
        (
            "one_effect_each",
            "B1",
            "completed birth with 2 citizen rows at population (expected 1)",
        )
    ]


def test_a_result_and_a_refusal_for_one_step_are_an_event_applied_twice() -> None:
    """The second application was refused ("already registered"): still one row, but two
    decisions of population for the same step."""
    snapshot = empty()
    completed(snapshot, "B1")
    decide(snapshot, "population", "B1", population.CITIZEN_REJECTED)

    assert found(snapshot) == [
        (
            "one_effect_each",
            "B1",
            "population decided its step 2 times: ['citizen_registered', 'citizen_rejected']",
        )
    ]


def test_a_return_for_completion_then_the_registration_is_one_decision() -> None:
    """Returned (the requester completed it), then registered: the return asked for documents,
    it did not decide the step, so the registration is the step's one decision."""
    snapshot = empty()
    completed(snapshot, "B1")
    decide(snapshot, "civil_registry", "B1", civil_registry.BIRTH_RETURNED)

    assert found(snapshot) == []


def test_two_of_a_fact_are_a_duplicate_whatever_the_status() -> None:
    snapshot = empty()
    dossier(
        snapshot,
        "B1",
        "birth",
        "rejected",
        dict.fromkeys(AGENCIES, "done") | {"insurance": "rejected"},
    )
    decide(snapshot, "civil_registry", "B1", civil_registry.BIRTH_REGISTERED)
    fact(snapshot, "civil_registry", "birth_registration", "B1")
    decide(snapshot, "population", "B1", population.CITIZEN_REGISTERED)
    fact(snapshot, "population", "citizen", "B1", rows=2)
    decide(snapshot, "insurance", "B1", insurance.CARD_REJECTED)

    assert found(snapshot) == [
        ("one_effect_each", "B1", "2 citizen rows at population (expected 1)")
    ]


def test_a_card_without_a_citizen_has_no_cause() -> None:
    snapshot = empty()
    steps = {"civil_registry": "done", "population": "rejected", "insurance": "done"}
    dossier(snapshot, "B1", "birth", "rejected", steps)
    decide(snapshot, "civil_registry", "B1", civil_registry.BIRTH_REGISTERED)
    fact(snapshot, "civil_registry", "birth_registration", "B1")
    decide(snapshot, "population", "B1", population.CITIZEN_REJECTED)
    decide(snapshot, "insurance", "B1", insurance.CARD_ISSUED)
    fact(snapshot, "insurance", "health_card", "B1")

    assert found(snapshot) == [
        ("cause_before_effect", "B1", "health_card at insurance without citizen at population")
    ]


def test_a_fact_needs_its_own_decision_and_a_known_dossier_of_its_flow() -> None:
    snapshot = empty()
    completed(snapshot, "B1")
    snapshot.ledgers["insurance"].decisions["B1"] = []  # the card's decision is gone
    fact(snapshot, "civil_registry", "death_registration", "B1")  # a birth dossier
    decide(snapshot, "civil_registry", "B1", civil_registry.DEATH_REGISTERED)
    fact(snapshot, "civil_registry", "birth_registration", "X9")  # unknown to the gateway
    decide(snapshot, "civil_registry", "X9", civil_registry.BIRTH_REGISTERED)

    assert found(snapshot) == [
        ("cause_before_effect", "X9", "birth_registration for a dossier the gateway does not know"),
        (
            "cause_before_effect",
            "B1",
            "health_card without insurance's decision health_card_issued",
        ),
        ("cause_before_effect", "B1", "death_registration for a birth dossier"),
    ]


def test_a_dossier_that_arrived_while_reading_is_left_out() -> None:
    snapshot = empty()
    fact(snapshot, "civil_registry", "birth_registration", "X9")
    decide(snapshot, "civil_registry", "X9", civil_registry.BIRTH_REGISTERED)
    snapshot.late = {"X9"}

    report = reconcile(snapshot)

    assert report.clean
    assert report.notes == ["1 dossiers arrived while reading, not checked"]


def test_rows_no_decision_claims_belong_to_no_dossier() -> None:
    snapshot = empty()
    snapshot.ledgers["population"].unlinked = {"citizen": {"KS-00070-2026-000009": 1}}

    assert found(snapshot) == [
        (
            "cause_before_effect",
            None,
            "citizen KS-00070-2026-000009 (1 rows) at population belongs to no dossier: "
            "no citizen_registered names it",
        )
    ]


def rejected_death_waiting_at_population(snapshot: Snapshot) -> None:
    """Insurance refused (so the dossier is rejected); population never answered."""
    steps = {"civil_registry": "done", "population": "pending", "insurance": "rejected"}
    dossier(snapshot, "D1", "death", "rejected", steps)
    decide(snapshot, "civil_registry", "D1", civil_registry.DEATH_REGISTERED)
    fact(snapshot, "civil_registry", "death_registration", "D1")
    decide(snapshot, "insurance", "D1", insurance.FUNERAL_BENEFIT_REJECTED)


def test_a_registration_without_its_downstream_effect_and_no_reason_is_found() -> None:
    snapshot = empty()
    rejected_death_waiting_at_population(snapshot)

    assert found(snapshot) == [
        (
            "effect_after_cause",
            "D1",
            "rejected death with death_registration but no death_record: population never "
            "decided (no decision at population, nothing parked or staged, no fault on)",
        )
    ]


def test_a_registration_whose_downstream_event_is_held_is_pending_not_missing() -> None:
    snapshot = empty()
    rejected_death_waiting_at_population(snapshot)
    held = Parked(civil_registry.DEATH_REGISTERED, "held", "population is down for province 01")
    snapshot.ledgers["population"].parked["D1"] = [held]

    assert found(snapshot) == []


def test_a_decision_without_its_effect_is_found_even_while_the_dossier_is_open() -> None:
    snapshot = empty()
    steps = {"civil_registry": "done", "population": "done", "insurance": "pending"}
    dossier(snapshot, "B1", "birth", "in_progress", steps)
    decide(snapshot, "civil_registry", "B1", civil_registry.BIRTH_REGISTERED)
    fact(snapshot, "civil_registry", "birth_registration", "B1")
    decide(snapshot, "population", "B1", population.CITIZEN_REGISTERED)
    fact(snapshot, "population", "citizen", "B1", rows=0)
    snapshot.ledgers["insurance"].faults = [ActiveFault("insurance", "slow_consumer")]

    assert found(snapshot) == [
        (
            "effect_after_cause",
            "B1",
            "birth_registration without citizen: population decided citizen_registered but "
            "holds no citizen row",
        )
    ]


@pytest.mark.parametrize(
    ("trace", "reason"),
    [
        (
            lambda s: (
                s.ledgers["civil_registry"]
                .parked.setdefault("B1", [])
                .append(
                    Parked(gateway.BIRTH_DOSSIER_SUBMITTED, "held", "civil_registry down for 01")
                )
            ),
            "held at civil_registry: civil_registry down for 01",
        ),
        (
            lambda s: decide(
                s,
                "civil_registry",
                "B1",
                civil_registry.BIRTH_REGISTERED,
                unpublished=1,
                next_available_at=NOW + timedelta(hours=1),
            ),
            "decision staged at civil_registry until 2026-11-16T03:30:00+00:00",
        ),
        (
            lambda s: s.failures.append(Failure("B1", "civil_registry", "transient")),
            "open failure at civil_registry: transient",
        ),
        (
            lambda s: decide(s, "civil_registry", "B1", DEAD_LETTERED),
            "dead-lettered at civil_registry (open failure)",
        ),
        (
            lambda s: s.ledgers["civil_registry"].faults.append(
                ActiveFault("civil_registry", "down", "birth", ("01",))
            ),
            "fault down at civil_registry (birth only; provinces 01)",
        ),
        (
            lambda s: s.ledgers["gateway"].faults.append(ActiveFault("gateway", "delay")),
            "fault delay at gateway",
        ),
    ],
)
def test_a_dossier_waiting_with_a_visible_reason_is_pending(
    trace: Callable[[Snapshot], object], reason: str
) -> None:
    snapshot = empty()
    dossier(snapshot, "B1", "birth", "submitted", {"civil_registry": "pending"})
    trace(snapshot)

    report = reconcile(snapshot)

    assert report.clean
    (pending,) = report.pending
    assert pending.reasons == [reason]


def test_a_dossier_that_never_reached_the_civil_registry_is_stuck() -> None:
    snapshot = empty()
    dossier(snapshot, "B1", "birth", "submitted", {"civil_registry": "pending"})
    snapshot.ledgers["civil_registry"].faults = [ActiveFault("civil_registry", "down", "death")]
    nothing = "no decision at civil_registry, nothing parked or staged, no fault on"

    assert found(snapshot) == [
        ("final_or_pending", "B1", f"submitted, stuck: at civil_registry: no reason ({nothing})"),
        ("reached_civil_registry", "B1", f"never reached the civil registry ({nothing})"),
    ]


def test_a_decision_the_gateway_never_tracked_is_stuck() -> None:
    snapshot = empty()
    dossier(snapshot, "B1", "birth", "submitted", {"civil_registry": "pending"})
    decide(snapshot, "civil_registry", "B1", civil_registry.BIRTH_REGISTERED)
    fact(snapshot, "civil_registry", "birth_registration", "B1")

    assert found(snapshot) == [
        (
            "final_or_pending",
            "B1",
            "submitted, stuck: at civil_registry: no reason (civil_registry published "
            "birth_registered but the gateway still shows the step pending)",
        )
    ]


def test_the_gateway_showing_a_step_the_civil_registry_never_saw_is_found() -> None:
    snapshot = empty()
    dossier(snapshot, "B1", "birth", "rejected", {"civil_registry": "rejected"})

    assert found(snapshot) == [
        (
            "reached_civil_registry",
            "B1",
            "the gateway shows the civil registry's step rejected, but the civil registry "
            "has no trace of the dossier",
        )
    ]


@pytest.mark.parametrize(
    ("speed", "grace_s", "stuck"),
    [
        (1.0, 0.0, True),  # no grace: a quiet system
        (1.0, 5.0, True),  # changed 10 s ago, 5 s of grace
        (1.0, 30.0, False),  # 30 s of grace
        (60.0, 1.0, False),  # 1 real second is 60 simulated ones
    ],
)
def test_grace_is_real_seconds_at_the_clock_speed(
    speed: float, grace_s: float, stuck: bool
) -> None:
    snapshot = empty()
    snapshot.gateway.speed = speed
    updated = NOW - timedelta(seconds=10)
    dossier(snapshot, "B1", "birth", "submitted", {"civil_registry": "pending"}, updated=updated)

    report = reconcile(snapshot, grace_s)

    assert (not report.clean) is stuck
    assert report.pending[0].in_flight is not stuck
