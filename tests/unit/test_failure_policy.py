"""The failure policy's arithmetic and the fault scope, with values worked out by hand."""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from lienthong.cli.usage import bounded
from lienthong.contracts.civil_registry import BIRTH_REGISTERED, DEATH_REGISTERED
from lienthong.contracts.faults import FaultProblem, FaultSetting, checked_fault
from lienthong.contracts.insurance import CARD_ISSUED, FUNERAL_BENEFIT_DECIDED
from lienthong.contracts.scope import province_of
from lienthong.contracts.steps import flow_of
from lienthong.runtime.delays import parse_delay
from lienthong.runtime.faults import in_office_hours
from lienthong.runtime.policy import RetryPolicy


def test_backoff_doubles_from_the_base_with_half_jitter_either_side() -> None:
    policy = RetryPolicy(base=timedelta(milliseconds=500), cap=timedelta(seconds=30))
    rng = random.Random(1)
    # attempt 1: 0.5 s × [0.5, 1.5]; attempt 3: 0.5 × 2² = 2 s × [0.5, 1.5]
    assert timedelta(seconds=0.25) <= policy.backoff(1, rng) <= timedelta(seconds=0.75)
    assert timedelta(seconds=1) <= policy.backoff(3, rng) <= timedelta(seconds=3)
    # attempt 10 would be 256 s: capped at 30 s, so at most 45 s with jitter
    assert timedelta(seconds=15) <= policy.backoff(10, rng) <= timedelta(seconds=45)


def test_the_budget_counts_every_attempt() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.exhausted(n) for n in (1, 2, 3)] == [False, False, True]


def test_the_flow_of_an_event_type() -> None:
    assert flow_of(BIRTH_REGISTERED) == "birth"
    assert flow_of(CARD_ISSUED) == "birth"
    assert flow_of(DEATH_REGISTERED) == "death"
    assert flow_of(FUNERAL_BENEFIT_DECIDED) == "death"
    assert flow_of("vn.lienthong.runtime.dead_lettered.v1") is None


def test_the_province_comes_from_the_first_field_that_names_one() -> None:
    assert province_of(SimpleNamespace(registration_province_code="79")) == "79"
    # commune 00070 (Phường Hoàn Kiếm) belongs to Hà Nội, province 01
    assert province_of(SimpleNamespace(previous_commune_code="00070")) == "01"
    assert province_of(SimpleNamespace()) is None


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (datetime(2026, 11, 16, 0, 30, tzinfo=UTC), True),  # Monday 07:30 in Vietnam
        (datetime(2026, 11, 16, 0, 29, tzinfo=UTC), False),  # 07:29
        (datetime(2026, 11, 16, 10, 0, tzinfo=UTC), False),  # 17:00: closed
        (datetime(2026, 11, 21, 3, 0, tzinfo=UTC), False),  # Saturday 10:00
    ],
)
def test_office_hours_are_counted_in_vietnam_time(moment: datetime, inside: bool) -> None:
    assert in_office_hours(moment) is inside


@pytest.mark.parametrize(
    ("service", "kind", "setting", "field"),
    [
        ("police", "down", {}, "agency"),
        ("population", "meltdown", {}, "fault"),
        ("population", "overload", {}, "fault"),
        ("gateway", "signature_invalid", {}, "fault"),
        ("insurance", "latency", {}, "latency"),
        ("insurance", "down", {"limit": 5}, "limit"),
    ],
)
def test_a_fault_that_does_not_fit_names_the_field(
    service: str, kind: str, setting: dict[str, object], field: str
) -> None:
    with pytest.raises(FaultProblem) as problem:
        checked_fault(service, kind, FaultSetting.model_validate(setting))
    assert problem.value.field == field


@pytest.mark.parametrize(
    "setting",
    [{"rate": 0}, {"rate": 1.5}, {"provinces": ["99"]}, {"latency": "soon"}, {"window": 1}],
)
def test_out_of_range_settings_are_refused(setting: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FaultSetting.model_validate(setting)


@pytest.mark.parametrize("latency", ["fixed:366d", "fixed:1000000000d", "uniform:1s..400d"])
def test_a_fault_duration_past_a_year_is_refused_not_overflowed(latency: str) -> None:
    with pytest.raises(ValueError, match="at most 365 days"):
        FaultSetting.model_validate({"latency": latency})


def test_a_drawn_delay_never_passes_a_year() -> None:
    # σ = 1000 around a 2-second median: most draws are astronomically large or tiny
    spread = parse_delay("lognormal:2s,1000")
    draws = [spread.sample(random.Random(n)) for n in range(50)]
    assert max(draws) == timedelta(days=365)


@pytest.mark.parametrize("text", ["nan", "inf", "-1", "1001"])
def test_numbers_out_of_range_or_not_finite_are_usage_errors(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        bounded(float, 0.0, 1000.0)(text)
