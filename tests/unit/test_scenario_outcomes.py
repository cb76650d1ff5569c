"""When a dossier has come out, and what a recording keeps of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from lienthong.contracts.services import SERVICE_NAMES
from lienthong.scenarios.fields import Service
from lienthong.scenarios.loading import ScenarioInvalid, load_scenario_text
from lienthong.scenarios.outcomes import FAILED_SETTLES_S, Settling, compact
from lienthong.scenarios.recording import _expectation
from lienthong.scenarios.running import _fault_setting
from lienthong.workload.people import InsuranceProfile, profile_of


def _view(status: str) -> dict[str, Any]:
    return {"status": status, "steps": []}


def test_final_statuses_settle_at_once_and_moving_ones_do_not() -> None:
    settling = Settling()
    assert settling.settled("a", _view("completed"), 0.0)
    assert settling.settled("b", _view("rejected"), 0.0)
    assert not settling.settled("c", _view("in_progress"), 0.0)
    assert not settling.settled("d", None, 0.0)


def test_failed_settles_only_once_it_lasts_even_when_expected() -> None:
    settling = Settling(expected={"x": "failed"})
    assert not settling.settled("x", _view("failed"), 100.0)
    assert not settling.settled("x", _view("failed"), 100.0 + FAILED_SETTLES_S - 0.1)
    assert settling.settled("x", _view("failed"), 100.0 + FAILED_SETTLES_S)


def test_a_failure_replaced_by_a_decision_starts_over() -> None:
    settling = Settling()
    assert not settling.settled("x", _view("failed"), 0.0)
    assert not settling.settled("x", _view("in_progress"), 3.0)  # the decision came after all
    assert not settling.settled("x", _view("failed"), 4.0)
    assert not settling.settled("x", _view("failed"), 8.0)  # 4 s failed, not 8
    assert settling.settled("x", _view("failed"), 9.0)


def test_an_expected_moving_status_settles_when_reached() -> None:
    assert Settling(expected={"x": "in_progress"}).settled("x", _view("in_progress"), 0.0)


def test_compact_keeps_what_verdicts_read() -> None:
    view = {
        "dossier_id": "d",
        "status": "rejected",
        "overdue": False,
        "submitted_at": "t0",
        "completed_at": None,
        "due_at": "t1",
        "steps": [
            {"agency": "population", "status": "rejected", "reason": {"code": "x"}, "result": {}}
        ],
    }
    small = compact(view)
    assert small["steps"] == [
        {"agency": "population", "status": "rejected", "reason": {"code": "x"}}
    ]
    assert "due_at" not in small and small["status"] == "rejected"


def test_fault_windows_sit_on_the_simulated_clock_from_the_origin() -> None:
    origin = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    spec = {"service": "population", "kind": "down", "at": "10s", "until": "1m", "rate": 1.0}
    assert _fault_setting(dict(spec), origin, speed=1.0) == {
        "rate": 1.0,
        "starts_at": "2026-11-16T02:00:10+00:00",
        "ends_at": "2026-11-16T02:01:00+00:00",
    }
    twice_as_fast = _fault_setting(dict(spec), origin, speed=2.0)
    assert twice_as_fast["starts_at"] == "2026-11-16T02:00:05+00:00"
    assert twice_as_fast["ends_at"] == "2026-11-16T02:00:30+00:00"
    at_once = _fault_setting({**spec, "at": "0s", "until": None}, origin, speed=1.0)
    assert "starts_at" not in at_once and "ends_at" not in at_once


@pytest.mark.parametrize(
    ("facts", "profile"),
    [
        (None, InsuranceProfile.UNINSURED),
        ({"pensioner": True, "compulsory_months": 0, "voluntary_months": 0,
          "social_assistance": False}, InsuranceProfile.PENSIONER),
        # Social Insurance Law 2024: 12 months compulsory, or 60 voluntary, earn the allowance.
        ({"pensioner": False, "compulsory_months": 12, "voluntary_months": 0,
          "social_assistance": False}, InsuranceProfile.COMPULSORY),
        ({"pensioner": False, "compulsory_months": 11, "voluntary_months": 60,
          "social_assistance": False}, InsuranceProfile.VOLUNTARY),
        ({"pensioner": False, "compulsory_months": 11, "voluntary_months": 59,
          "social_assistance": True}, InsuranceProfile.ASSISTANCE),
        ({"pensioner": False, "compulsory_months": 11, "voluntary_months": 59,
          "social_assistance": False}, InsuranceProfile.SHORT),
        ({"pensioner": False, "compulsory_months": 0, "voluntary_months": 0,
          "social_assistance": False}, InsuranceProfile.UNINSURED),
    ],
)  # fmt: skip
def test_insurance_profiles_follow_the_allowance_thresholds(
    facts: dict[str, Any] | None, profile: InsuranceProfile
) -> None:
    assert profile_of(facts) is profile


def test_a_recorded_expectation_keeps_outcomes_not_identities() -> None:
    view = {
        "status": "completed",
        "overdue": False,
        "steps": [
            {"agency": "civil_registry", "status": "done", "reason": None,
             "result": {"registration_number": "KT-1", "late_registration": False}},
            {"agency": "population", "status": "done", "reason": None,
             "result": {"personal_id": "001190000001"}},
            {"agency": "insurance", "status": "done", "reason": {"code": "not_insured"},
             "result": {"benefit": "none", "amount_vnd": 0, "basis": "not insured"}},
        ],
    }  # fmt: skip
    assert _expectation(view) == {
        "status": "completed",
        "overdue": False,
        "steps": {
            "civil_registry": {"status": "done", "result": {"late_registration": False}},
            "population": {"status": "done"},
            "insurance": {
                "status": "done",
                "reason": "not_insured",
                "result": {"benefit": "none", "amount_vnd": 0},
            },
        },
    }


def test_pending_steps_after_a_refusal_are_not_expected() -> None:
    view = {
        "status": "rejected",
        "overdue": False,
        "steps": [
            {"agency": "civil_registry", "status": "rejected",
             "reason": {"code": "mother_not_found"}, "result": None},
            {"agency": "population", "status": "pending", "reason": None, "result": None},
        ],
    }  # fmt: skip
    assert set(_expectation(view)["steps"]) == {"civil_registry"}


def test_scenario_services_are_the_services() -> None:
    assert set(Service.__args__) == set(SERVICE_NAMES)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("{service: populaton, kind: down}", "should be .gateway., .civil_registry."),
        ("{service: population, kind: latency, latency: banana}", "banana"),
        ("{service: population, kind: latency}", "needs a latency"),
        ("{service: population, kind: overload, limit: 5}", "not a fault of population"),
    ],
)
def test_a_fault_the_service_would_refuse_is_a_file_error(fault: str, message: str) -> None:
    with pytest.raises(ScenarioInvalid, match=message):
        load_scenario_text(f"name: x\ndossiers: [{{kind: birth}}]\nfaults: [{fault}]\n")


def test_one_setting_per_fault() -> None:
    text = (
        "name: x\ndossiers: [{kind: birth}]\nfaults:\n"
        "  - {service: population, kind: down, at: 0s, until: 5s}\n"
        "  - {service: population, kind: down, at: 10s, until: 15s}\n"
    )
    with pytest.raises(ScenarioInvalid, match="one fault per service and kind"):
        load_scenario_text(text)


@pytest.mark.parametrize("value", [".nan", ".inf"])
def test_durations_must_be_finite(value: str) -> None:
    with pytest.raises(ScenarioInvalid, match="finite"):
        load_scenario_text(f"name: x\ntimeout: {value}\ndossiers: [{{kind: birth}}]\n")
