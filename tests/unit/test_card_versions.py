"""Issue 10, versioned events: ``health_card_issued`` v1 and v2 side by side.

Insurance may be configured to emit either (``CARD_EVENT_VERSION``); the gateway, its failures
and ``lienthong verify`` accept both. Every expected value here is written out from the design
(the card of ``examples/birth.json``'s child, Hà Nội, born 2/11/2026), never computed by the
code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from lienthong.contracts import insurance
from lienthong.contracts.catalogue import spec_for_type, versions_of
from lienthong.contracts.examples import example_of
from lienthong.verify.ledgers import Decision, DossierRow, Ledger, Snapshot, Step
from lienthong.verify.report import reconcile
from services.gateway.failures import flow_of
from services.gateway.tracker import outcome_of
from services.insurance.card_events import card_issued
from services.insurance.models import HealthCard
from services.insurance.settings import InsuranceSettings

V1 = "vn.lienthong.insurance.health_card_issued.v1"
V2 = "vn.lienthong.insurance.health_card_issued.v2"
AT = datetime(2026, 11, 17, 3, 0, tzinfo=UTC)
AGENCIES = ("civil_registry", "population", "insurance")
CARD = HealthCard(
    card_code="TE1010123456789",
    personal_id="001226123456",
    bhxh_number="0123456789",
    province_code="01",
    initial_clinic_code="01001",
    valid_from=date(2026, 11, 17),
    valid_until=date(2032, 11, 30),
    dossier_id="d1",
)
STEP_RESULT = {
    "card_code": "TE1010123456789",
    "valid_from": "2026-11-17",
    "valid_until": "2032-11-30",
    "initial_clinic_code": "01001",
}
"""The insurance step's result the gateway's API shows, whichever version arrived."""


def test_the_settings_default_to_v1_and_read_v2_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CARD_EVENT_VERSION", raising=False)
    assert InsuranceSettings().card_event_version == 1
    monkeypatch.setenv("CARD_EVENT_VERSION", "2")
    assert InsuranceSettings().card_event_version == 2


@pytest.mark.parametrize("value", ["3", "0", "v2", "two", ""])
def test_the_settings_refuse_a_version_insurance_cannot_emit(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CARD_EVENT_VERSION", value)
    with pytest.raises(ValidationError) as raised:
        InsuranceSettings()
    (error,) = raised.value.errors()
    assert error["loc"] == ("card_event_version",)
    assert error["msg"] == "Input should be 1 or 2"


def test_both_versions_are_catalogued_for_the_gateway_on_the_insurance_topic() -> None:
    assert (insurance.CARD_ISSUED, insurance.CARD_ISSUED_V2) == (V1, V2)
    assert versions_of(V1) == versions_of(V2) == (V1, V2)
    assert versions_of(insurance.CARD_REJECTED) == (insurance.CARD_REJECTED,)
    for type_ in (V1, V2):
        spec = spec_for_type(type_)
        assert spec is not None
        assert (spec.producer, spec.consumers, spec.topic) == (
            "insurance",
            frozenset({"gateway"}),
            "lienthong.insurance.events",
        )


def test_the_v2_example_validates_and_keys_the_card_by_the_insured_person() -> None:
    assert example_of(insurance.HealthCardIssuedV2) == {
        "dossier_id": "0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b",
        "insured_id": "001226123456",
        "card": {
            "legacy_code": "TE1010123456789",
            "beneficiary_group": "TE",
            "benefit_level": 1,
            "province_code": "01",
            "valid_from": "2026-11-17",
            "valid_until": "2032-11-30",
            "initial_clinic_code": "01001",
        },
    }


def test_v2_refuses_what_v1_carried_at_the_top() -> None:
    """The breaking shape that makes v2 a new type: a v1 body is not a v2 body."""
    v1_body = card_issued(CARD, "d1", 1).model_dump(mode="json")
    with pytest.raises(ValidationError):
        insurance.HealthCardIssuedV2.model_validate(v1_body)
    with pytest.raises(ValidationError):
        insurance.HealthCardIssued.model_validate(card_issued(CARD, "d1", 2).model_dump())


def test_one_stored_card_is_announced_in_either_version() -> None:
    assert card_issued(CARD, "d1", 1).model_dump(mode="json") == {
        "dossier_id": "d1",
        "personal_id": "001226123456",
        "card_code": "TE1010123456789",
        "valid_from": "2026-11-17",
        "valid_until": "2032-11-30",
        "initial_clinic_code": "01001",
    }
    assert card_issued(CARD, "d1", 2).model_dump(mode="json") == {
        "dossier_id": "d1",
        "insured_id": "001226123456",
        "card": {
            "legacy_code": "TE1010123456789",
            "beneficiary_group": "TE",
            "benefit_level": 1,
            "province_code": "01",
            "valid_from": "2026-11-17",
            "valid_until": "2032-11-30",
            "initial_clinic_code": "01001",
        },
    }


def test_the_tracker_gives_the_same_step_result_for_v1_and_an_equivalent_v2() -> None:
    v1 = insurance.HealthCardIssued(
        dossier_id="d1",
        personal_id="001226123456",
        card_code="TE1010123456789",
        valid_from=date(2026, 11, 17),
        valid_until=date(2032, 11, 30),
        initial_clinic_code="01001",
    )
    v2 = insurance.HealthCardIssuedV2(
        dossier_id="d1",
        insured_id="001226123456",
        card=insurance.ChildHealthCard(
            legacy_code="TE1010123456789",
            beneficiary_group="TE",
            benefit_level=1,
            province_code="01",
            valid_from=date(2026, 11, 17),
            valid_until=date(2032, 11, 30),
            initial_clinic_code="01001",
        ),
    )
    for payload in (v1, v2):
        done = outcome_of(payload, AT)
        assert (done.agency, done.status, done.starts, done.reason) == (
            "insurance",
            "done",
            (),
            None,
        )
        assert done.result == STEP_RESULT


def test_a_failure_of_either_version_belongs_to_the_birth_flow() -> None:
    assert flow_of(None, V1) == flow_of(None, V2) == "birth"


def _completed_birth(insurance_decided: str) -> Snapshot:
    """A completed birth, one of each fact, insurance's decision of the given type."""
    now = datetime(2026, 11, 18, tzinfo=UTC)
    ledgers = {name: Ledger(name, now) for name in ("gateway", *AGENCIES)}
    ledgers["gateway"].dossiers["B1"] = DossierRow(
        "B1",
        "birth",
        "completed",
        submitted_at=AT,
        updated_at=AT,
        steps=tuple(Step(agency, "done", started_at=AT) for agency in AGENCIES),
    )
    decided = {
        "gateway": "vn.lienthong.gateway.birth_dossier_submitted.v1",
        "civil_registry": "vn.lienthong.civil_registry.birth_registered.v1",
        "population": "vn.lienthong.population.citizen_registered.v1",
        "insurance": insurance_decided,
    }
    for service, type_ in decided.items():
        ledgers[service].decisions["B1"] = [Decision(type_, 1)]
    for agency, fact in zip(
        AGENCIES, ("birth_registration", "citizen", "health_card"), strict=True
    ):
        ledgers[agency].facts[fact] = {"B1": 1}
    return Snapshot(ledgers)


@pytest.mark.parametrize("decided", [V1, V2])
def test_verify_takes_either_version_as_the_decision_behind_a_card(decided: str) -> None:
    report = reconcile(_completed_birth(decided))
    assert [(d.rule, d.detail) for d in report.discrepancies] == []
    assert report.clean


def test_verify_still_finds_a_card_no_decision_claims() -> None:
    """The control: a decision of another type is not taken for the card's."""
    report = reconcile(_completed_birth(insurance.CARD_REJECTED))
    assert (
        "cause_before_effect",
        "health_card without insurance's decision health_card_issued",
    ) in [(d.rule, d.detail) for d in report.discrepancies]
