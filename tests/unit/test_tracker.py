"""The gateway's dossier state machine and how typed agency decisions map to steps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel

from lienthong.contracts import civil_registry, insurance, population
from lienthong.contracts.catalogue import CATALOGUE
from lienthong.contracts.declarations import HealthInsuranceRequest
from lienthong.contracts.reasons import MOTHER_NOT_FOUND, Refusal
from lienthong.domain.personal_id import Sex
from services.gateway.tracker import (
    DONE,
    DossierStatus,
    StepStatus,
    may_apply,
    outcome_of,
    overall_status,
)

P, D, R, F = StepStatus.PENDING, StepStatus.DONE, StepStatus.REJECTED, StepStatus.FAILED
AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


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


def test_every_agency_decision_of_the_catalogue_moves_a_step() -> None:
    """A decision the gateway consumes but cannot map would be lost silently."""
    agency_decisions = {spec.payload for spec in CATALOGUE if "gateway" in spec.consumers} - {
        spec.payload for spec in CATALOGUE if spec.producer == "*"
    }
    refusals = {model for model in agency_decisions if issubclass(model, Refusal)}
    assert len(refusals) == 6  # each agency refuses a birth and a death
    returns = {civil_registry.BirthDossierReturned}  # neither done nor refused: returned
    assert agency_decisions == set(DONE) | refusals | returns


def _holds(model: type[BaseModel], path: str) -> bool:
    """Whether ``path`` (``card.valid_until``) names a field of ``model``, nested models walked."""
    current: object = model
    for name in path.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return False
        if name not in current.model_fields:
            return False
        current = current.model_fields[name].annotation
    return True


@pytest.mark.parametrize("model", list(DONE), ids=lambda model: str(model.__name__))
def test_every_field_a_step_shows_exists_on_its_payload(model: type[BaseModel]) -> None:
    """A renamed payload field must fail here, not turn into a missing value on the step."""
    missing = [path for path in DONE[model].shows.values() if not _holds(model, path)]
    assert missing == []


def test_a_registration_completes_the_population_step_and_starts_insurance() -> None:
    payload = population.CitizenRegistered(
        dossier_id="d1",
        personal_id="001226000001",
        full_name="Trần Minh An",
        date_of_birth=date(2026, 1, 1),
        sex=Sex.MALE,
        household_id="HO1",
        commune_code="00070",
        province_code="01",
        birth_registration_number="KS-00070-2026-000001",
        health_insurance=HealthInsuranceRequest(initial_clinic_code="01001"),
        verification_required=True,
    )
    done = outcome_of(payload, AT)
    assert (done.agency, done.status, done.starts, done.at) == ("population", D, ("insurance",), AT)
    assert done.result == {
        "personal_id": "001226000001",
        "household_id": "HO1",
        "commune_code": "00070",
        "verification_required": True,
    }
    assert done.verified


def test_a_refusal_rejects_its_agencys_step_with_the_reason() -> None:
    refused = outcome_of(
        civil_registry.BirthRejected(dossier_id="d1", reason=MOTHER_NOT_FOUND.reason()), AT
    )
    assert (refused.agency, refused.status) == ("civil_registry", R)
    assert refused.reason is not None and refused.reason["code"] == "mother_not_found"


def test_a_card_ends_the_birth_chain() -> None:
    card = outcome_of(
        insurance.HealthCardIssued(
            dossier_id="d1",
            personal_id="001226000001",
            card_code="TE1010000000001",
            valid_from=date(2026, 1, 2),
            valid_until=date(2031, 12, 31),
            initial_clinic_code="01001",
        ),
        AT,
    )
    assert card.starts == ()
    assert card.result is not None and card.result["card_code"] == "TE1010000000001"
    assert card.result["valid_until"] == "2031-12-31"


def test_a_funeral_decision_that_grants_nothing_shows_why() -> None:
    from lienthong.contracts.insurance import Benefit
    from lienthong.contracts.reasons import NOT_INSURED

    decided = outcome_of(
        insurance.FuneralBenefitDecided(
            dossier_id="d1",
            personal_id="001160000001",
            benefit=Benefit.NONE,
            amount_vnd=0,
            basis="not insured",
            reason=NOT_INSURED.reason(),
        ),
        AT,
    )
    assert (decided.agency, decided.status) == ("insurance", D)
    assert decided.reason is not None and decided.reason["code"] == "not_insured"
