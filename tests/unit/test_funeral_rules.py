"""Funeral benefit decisions (trợ cấp mai táng / hỗ trợ chi phí mai táng).

Expected amounts are worked out by hand from domain.md and the defaults of InsuranceSettings:
allowance 10 × reference level (1,490,000 from 1/7/2019, 1,800,000 from 1/7/2023, 2,340,000 from
1/7/2024, 2,530,000 from 1/7/2026); support 20 × / 50 × (a cause of Decree 20/2021 art. 14) the
assistance standard (360,000 from 1/7/2021, 500,000 from 1/7/2024). Deaths before 1/7/2025 and
the causes other than natural disasters: ``test_funeral_by_date.py``.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from lienthong.contracts.declarations import DeathCause
from lienthong.contracts.insurance import Benefit
from services.insurance.rules import (
    FuneralDecision,
    FuneralFacts,
    FuneralRules,
    decide_funeral_benefit,
    level_on,
)
from services.insurance.settings import InsuranceSettings, parse_schedule

DEATH_2026 = date(2026, 11, 15)  # reference level 2,530,000 → allowance 25,300,000
DEATH_2025 = date(2025, 12, 1)  # reference level 2,340,000 → allowance 23,400,000


@pytest.fixture(scope="module")
def rules() -> FuneralRules:
    return FuneralRules.from_settings(InsuranceSettings())


def decide(
    facts: FuneralFacts | None,
    died: date,
    rules: FuneralRules,
    *,
    claimed: bool = True,
    disaster: bool = False,
) -> FuneralDecision:
    cause = DeathCause.NATURAL_DISASTER if disaster else DeathCause.OTHER
    return decide_funeral_benefit(facts, died, claimed=claimed, cause=cause, rules=rules)


def test_default_rules_carry_the_documented_figures(rules: FuneralRules) -> None:
    # The historical base salaries (lương cơ sở): Decrees 47/2016, 47/2017, 72/2018, 38/2019,
    # 24/2023, 73/2024; the 2026 level is the reported, uncertain one of domain.md.
    assert rules.reference_levels == (
        (date(2016, 5, 1), 1_210_000),
        (date(2017, 7, 1), 1_300_000),
        (date(2018, 7, 1), 1_390_000),
        (date(2019, 7, 1), 1_490_000),
        (date(2023, 7, 1), 1_800_000),
        (date(2024, 7, 1), 2_340_000),
        (date(2026, 7, 1), 2_530_000),
    )
    assert rules.assistance_levels == ((date(2021, 7, 1), 360_000), (date(2024, 7, 1), 500_000))
    assert (
        rules.allowance_multiplier,
        rules.laws.min_compulsory_months,
        rules.laws.min_voluntary_months,
        rules.support_multiplier,
        rules.disaster_multiplier,
    ) == (10, 12, 60, 20, 50)
    # Law 41/2024/QH15 from 1/7/2025; before, Law 58/2014/QH13 (art. 66(1)(b), 80(1)(a)).
    assert (
        rules.laws.law_2024_from,
        rules.laws.min_reserved_months_2014,
        rules.laws.min_voluntary_months_2014,
    ) == (date(2025, 7, 1), 12, 60)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2016, 4, 30), 1_210_000),  # before the first entry: the oldest known level
        (date(2016, 5, 1), 1_210_000),
        (date(2019, 6, 30), 1_390_000),
        (date(2019, 7, 1), 1_490_000),
        (date(2023, 6, 30), 1_490_000),
        (date(2023, 7, 1), 1_800_000),
        (date(2024, 6, 30), 1_800_000),
        (date(2024, 7, 1), 2_340_000),
        (date(2026, 6, 30), 2_340_000),
        (date(2026, 7, 1), 2_530_000),
        (date(2030, 1, 1), 2_530_000),
    ],
)
def test_level_on_picks_the_level_in_force(rules: FuneralRules, day: date, expected: int) -> None:
    assert level_on(rules.reference_levels, day) == expected


def test_pensioner_allowance_follows_the_reference_level_on_the_death_date(
    rules: FuneralRules,
) -> None:
    pensioner = FuneralFacts(pensioner=True)
    late = decide(pensioner, DEATH_2026, rules)
    assert (late.benefit, late.amount_vnd, late.reason) == (
        Benefit.FUNERAL_ALLOWANCE,
        25_300_000,
        None,
    )
    earlier = decide(pensioner, DEATH_2025, rules)
    assert (earlier.benefit, earlier.amount_vnd) == (Benefit.FUNERAL_ALLOWANCE, 23_400_000)
    before_raise = decide(pensioner, date(2024, 6, 30), rules)
    assert before_raise.amount_vnd == 18_000_000


def test_compulsory_contributions_need_twelve_months(rules: FuneralRules) -> None:
    enough = decide(FuneralFacts(compulsory_months=12), DEATH_2025, rules)
    assert (enough.benefit, enough.amount_vnd, enough.reason) == (
        Benefit.FUNERAL_ALLOWANCE,
        23_400_000,
        None,
    )
    short = decide(FuneralFacts(compulsory_months=11), DEATH_2025, rules)
    assert (short.benefit, short.amount_vnd) == (Benefit.NONE, 0)
    assert short.reason is not None
    assert short.reason.code == "insufficient_contributions"


def test_voluntary_contributions_need_sixty_months(rules: FuneralRules) -> None:
    enough = decide(FuneralFacts(voluntary_months=60), DEATH_2026, rules)
    assert (enough.benefit, enough.amount_vnd) == (Benefit.FUNERAL_ALLOWANCE, 25_300_000)
    short = decide(FuneralFacts(voluntary_months=59), DEATH_2026, rules)
    assert (short.benefit, short.amount_vnd) == (Benefit.NONE, 0)
    assert short.reason is not None
    assert short.reason.code == "insufficient_contributions"


def test_short_compulsory_and_short_voluntary_are_not_added_up(rules: FuneralRules) -> None:
    short = decide(FuneralFacts(compulsory_months=11, voluntary_months=59), DEATH_2026, rules)
    assert short.benefit is Benefit.NONE
    assert short.reason is not None
    assert short.reason.code == "insufficient_contributions"


def test_social_assistance_beneficiary_gets_funeral_support(rules: FuneralRules) -> None:
    decision = decide(FuneralFacts(social_assistance=True), DEATH_2026, rules)
    assert (decision.benefit, decision.amount_vnd, decision.reason) == (
        Benefit.FUNERAL_SUPPORT,
        10_000_000,
        None,
    )
    # Before 1/7/2024 the standard was 360,000: 20 × 360,000.
    older = decide(FuneralFacts(social_assistance=True), date(2024, 6, 30), rules)
    assert (older.benefit, older.amount_vnd) == (Benefit.FUNERAL_SUPPORT, 7_200_000)


def test_uninsured_person_gets_nothing(rules: FuneralRules) -> None:
    for facts in (None, FuneralFacts()):
        decision = decide(facts, DEATH_2026, rules)
        assert (decision.benefit, decision.amount_vnd) == (Benefit.NONE, 0)
        assert decision.reason is not None
        assert decision.reason.code == "not_insured"


def test_disaster_death_of_an_uninsured_person_gets_fifty_times(rules: FuneralRules) -> None:
    decision = decide(None, DEATH_2026, rules, disaster=True)
    assert (decision.benefit, decision.amount_vnd) == (Benefit.FUNERAL_SUPPORT, 25_000_000)


def test_disaster_death_of_an_assistance_beneficiary_uses_the_disaster_multiplier(
    rules: FuneralRules,
) -> None:
    decision = decide(FuneralFacts(social_assistance=True), DEATH_2026, rules, disaster=True)
    assert (decision.benefit, decision.amount_vnd) == (Benefit.FUNERAL_SUPPORT, 25_000_000)


def test_pensioner_in_a_disaster_gets_the_higher_benefit(rules: FuneralRules) -> None:
    pensioner = FuneralFacts(pensioner=True)
    # 2026-11: allowance 25,300,000 > disaster support 25,000,000.
    in_2026 = decide(pensioner, DEATH_2026, rules, disaster=True)
    assert (in_2026.benefit, in_2026.amount_vnd) == (Benefit.FUNERAL_ALLOWANCE, 25_300_000)
    # 2025-12: disaster support 25,000,000 > allowance 23,400,000.
    in_2025 = decide(pensioner, DEATH_2025, rules, disaster=True)
    assert (in_2025.benefit, in_2025.amount_vnd) == (Benefit.FUNERAL_SUPPORT, 25_000_000)


def test_equal_amounts_prefer_the_bhxh_allowance() -> None:
    # 10 × 2,500,000 == 50 × 500,000: the documented tie-break keeps the allowance.
    rules = FuneralRules.from_settings(InsuranceSettings(reference_levels="2024-07-01:2500000"))
    decision = decide(FuneralFacts(pensioner=True), DEATH_2026, rules, disaster=True)
    assert (decision.benefit, decision.amount_vnd) == (Benefit.FUNERAL_ALLOWANCE, 25_000_000)


def test_unclaimed_benefit_is_not_granted(rules: FuneralRules) -> None:
    for facts in (FuneralFacts(pensioner=True), FuneralFacts(social_assistance=True), None):
        decision = decide(facts, DEATH_2026, rules, claimed=False, disaster=True)
        assert (decision.benefit, decision.amount_vnd) == (Benefit.NONE, 0)
        assert decision.reason is not None
        assert decision.reason.code == "benefit_not_claimed"


def test_custom_reference_level_changes_the_allowance() -> None:
    rules = FuneralRules.from_settings(InsuranceSettings(reference_levels="2024-07-01:2000000"))
    decision = decide(FuneralFacts(pensioner=True), DEATH_2026, rules)
    assert (decision.benefit, decision.amount_vnd) == (Benefit.FUNERAL_ALLOWANCE, 20_000_000)


def test_custom_multipliers_and_minimums_apply() -> None:
    settings = InsuranceSettings(
        funeral_allowance_multiplier=5,
        allowance_min_compulsory_months=24,
        funeral_support_multiplier=30,
        assistance_levels="2024-07-01:600000",
    )
    rules = FuneralRules.from_settings(settings)
    short = decide(FuneralFacts(compulsory_months=23), DEATH_2026, rules)
    assert short.benefit is Benefit.NONE
    enough = decide(FuneralFacts(compulsory_months=24), DEATH_2026, rules)
    assert (enough.benefit, enough.amount_vnd) == (Benefit.FUNERAL_ALLOWANCE, 12_650_000)
    support = decide(FuneralFacts(social_assistance=True), DEATH_2026, rules)
    assert (support.benefit, support.amount_vnd) == (Benefit.FUNERAL_SUPPORT, 18_000_000)


def test_parse_schedule_sorts_entries() -> None:
    assert parse_schedule(" 2026-07-01:2530000 , 2024-07-01:2340000") == (
        (date(2024, 7, 1), 2_340_000),
        (date(2026, 7, 1), 2_530_000),
    )


@pytest.mark.parametrize(
    "text",
    ["", "2024-07-01", "2024-07-01:abc", "2024-13-01:100", "1/7/2024:2340000", "garbage"],
)
def test_parse_schedule_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(text)


@pytest.mark.parametrize("field", ["reference_levels", "assistance_levels"])
def test_settings_reject_a_bad_schedule(field: str) -> None:
    with pytest.raises(ValidationError):
        InsuranceSettings.model_validate({field: "2024-07-01:lots"})


def test_settings_constructor_rejects_a_bad_schedule() -> None:
    with pytest.raises(ValidationError):
        InsuranceSettings(reference_levels="from July: 2,340,000")
