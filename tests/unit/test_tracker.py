"""The gateway's dossier state machine."""

from __future__ import annotations

from datetime import UTC, datetime

from lienthong.contracts import civil_registry, insurance, population
from lienthong.contracts.envelope import CloudEvent
from services.gateway.tracker import (
    OUTCOMES,
    DossierStatus,
    StepStatus,
    may_apply,
    overall_status,
)

P, D, R, F = StepStatus.PENDING, StepStatus.DONE, StepStatus.REJECTED, StepStatus.FAILED


def test_overall_status_follows_the_steps() -> None:
    assert overall_status([P, P, P]) == DossierStatus.SUBMITTED
    assert overall_status([D, P, P]) == DossierStatus.IN_PROGRESS
    assert overall_status([D, D, D]) == DossierStatus.COMPLETED
    assert overall_status([D, R, P]) == DossierStatus.REJECTED
    assert overall_status([D, F, P]) == DossierStatus.FAILED
    assert overall_status([R, F, P]) == DossierStatus.REJECTED


def test_a_final_decision_is_never_overwritten_but_a_failure_is() -> None:
    assert not may_apply(D, F)
    assert not may_apply(R, D)
    assert may_apply(F, D)
    assert may_apply(P, R)


def _event(type_: str, data: dict[str, object]) -> CloudEvent:
    return CloudEvent(
        source="x",
        type=type_,
        subject="d1",
        correlationid="d1",
        data=data,
        time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def test_agency_events_map_to_their_step_with_the_events_time() -> None:
    done = OUTCOMES[population.CITIZEN_REGISTERED](
        _event(
            population.CITIZEN_REGISTERED,
            {"personal_id": "001226000001", "extra": 1, "verification_required": True},
        )
    )
    assert (done.agency, done.status, done.starts) == ("population", D, ("insurance",))
    assert done.result == {
        "personal_id": "001226000001",
        "household_id": None,
        "commune_code": None,
        "verification_required": True,
    }
    assert done.verified
    assert done.at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    refused = OUTCOMES[civil_registry.BIRTH_REJECTED](
        _event(civil_registry.BIRTH_REJECTED, {"reason": {"code": "mother_not_found"}})
    )
    assert (refused.agency, refused.status) == ("civil_registry", R)
    assert refused.reason == {"code": "mother_not_found"}
    card = OUTCOMES[insurance.CARD_ISSUED](_event(insurance.CARD_ISSUED, {"card_code": "TE1"}))
    assert card.starts == () and card.result is not None and card.result["card_code"] == "TE1"
