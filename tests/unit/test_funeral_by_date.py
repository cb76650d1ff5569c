"""Funeral benefits by the date of death and by its cause (issue 12.7).

Expected values, by hand from the law (domain.md, "Edges that decide real cases"):

- the allowance is 10 × the reference level (base salary) of the month of death: 1,490,000
  from 1/7/2019 (Decree 38/2019), 1,800,000 from 1/7/2023 (Decree 24/2023), 2,340,000 from
  1/7/2024 (Decree 73/2024); earlier base salaries 1,390,000 (1/7/2018), 1,300,000 (1/7/2017),
  1,210,000 (1/5/2016);
- who qualifies: deaths from 1/7/2025 the Social Insurance Law 2024 (≥ 12 months compulsory or
  ≥ 60 voluntary, or a pensioner); earlier deaths the 2014 law (currently contributing whatever
  the months, art. 66(1)(a); reserved time ≥ 12 months, art. 66(1)(b); ≥ 60 months voluntary,
  art. 80(1)(a); pensioners);
- funeral cost support (Decree 20/2021): ≥ 50 × the standard level (500,000 since 1/7/2024,
  360,000 before) for a death by natural disaster, fire, traffic accident, serious labour
  accident or other force majeure, whoever died (art. 14); ≥ 20 × for a social-assistance
  beneficiary otherwise (art. 11).
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from lienthong.contracts.declarations import BenefitClaim, DeathCause
from lienthong.contracts.insurance import Benefit
from services.insurance.rules import (
    FuneralDecision,
    FuneralFacts,
    FuneralRules,
    decide_funeral_benefit,
)
from services.insurance.settings import InsuranceSettings

DEFAULT = FuneralRules.from_settings(InsuranceSettings())
PENSIONER = FuneralFacts(pensioner=True)
ASSISTED = FuneralFacts(social_assistance=True)


def decide(
    facts: FuneralFacts | None,
    died: date,
    cause: DeathCause = DeathCause.OTHER,
    rules: FuneralRules = DEFAULT,
) -> FuneralDecision:
    return decide_funeral_benefit(facts, died, claimed=True, cause=cause, rules=rules)


def granted(decision: FuneralDecision) -> tuple[Benefit, int]:
    return decision.benefit, decision.amount_vnd


# --- the reference level of the month of death ------------------------------------------------


@pytest.mark.parametrize(
    ("died", "amount"),
    [
        (date(2023, 6, 15), 14_900_000),  # 10 × 1,490,000 (Decree 38/2019, from 1/7/2019)
        (date(2023, 6, 30), 14_900_000),
        (date(2023, 7, 1), 18_000_000),  # 10 × 1,800,000 (Decree 24/2023)
        (date(2023, 7, 15), 18_000_000),
        (date(2019, 7, 1), 14_900_000),
        (date(2019, 6, 30), 13_900_000),  # 10 × 1,390,000 (Decree 72/2018)
        (date(2018, 1, 10), 13_000_000),  # 10 × 1,300,000 (Decree 47/2017)
        (date(2017, 3, 1), 12_100_000),  # 10 × 1,210,000 (Decree 47/2016, from 1/5/2016)
        (date(2015, 12, 31), 12_100_000),  # before the schedule: its oldest level
        (date(2024, 7, 31), 23_400_000),  # 10 × 2,340,000 (Decree 73/2024)
    ],
)
def test_the_allowance_uses_the_level_of_the_month_of_death(died: date, amount: int) -> None:
    assert granted(decide(PENSIONER, died)) == (Benefit.FUNERAL_ALLOWANCE, amount)


def test_a_reference_level_must_start_on_the_first_of_a_month() -> None:
    # "The level of the month of death" has no answer for a month with two levels.
    with pytest.raises(ValidationError, match="use the 1st"):
        InsuranceSettings(reference_levels="2024-07-01:2340000,2026-07-15:2530000")


# --- which Social Insurance Law decides -------------------------------------------------------

CONTRIBUTING_5 = FuneralFacts(contributing=True, compulsory_months=5)


def test_someone_contributing_with_5_months_qualifies_under_the_2014_law() -> None:
    # Died 1/3/2025, before 1/7/2025: art. 66(1)(a), whatever the months; 10 × 2,340,000.
    decision = decide(CONTRIBUTING_5, date(2025, 3, 1))
    assert granted(decision) == (Benefit.FUNERAL_ALLOWANCE, 23_400_000)
    assert decision.basis == "currently contributing, 5 months (Social Insurance Law 2014)"


def test_the_same_person_does_not_qualify_under_the_2024_law() -> None:
    decision = decide(CONTRIBUTING_5, date(2025, 8, 1))
    assert granted(decision) == (Benefit.NONE, 0)
    assert decision.reason is not None
    assert decision.reason.code == "insufficient_contributions"
    assert "needs 12 / 60 (Social Insurance Law 2024)" in decision.reason.message


def test_the_law_switches_on_1_7_2025() -> None:
    assert decide(CONTRIBUTING_5, date(2025, 6, 30)).benefit is Benefit.FUNERAL_ALLOWANCE
    assert decide(CONTRIBUTING_5, date(2025, 7, 1)).benefit is Benefit.NONE


def test_under_the_2014_law_a_contributor_qualifies_from_the_first_month() -> None:
    just_started = FuneralFacts(contributing=True)
    assert granted(decide(just_started, date(2025, 3, 1))) == (
        Benefit.FUNERAL_ALLOWANCE,
        23_400_000,
    )
    # From 1/7/2025 the same person is told why not (not "not insured").
    later = decide(just_started, date(2025, 8, 1))
    assert later.reason is not None
    assert later.reason.code == "insufficient_contributions"


def test_under_the_2014_law_reserved_time_needs_12_months() -> None:
    died = date(2024, 11, 5)  # 10 × 2,340,000
    short = decide(FuneralFacts(compulsory_months=11), died)
    assert granted(short) == (Benefit.NONE, 0)
    assert short.reason is not None
    assert "needs 12 / 60 (Social Insurance Law 2014)" in short.reason.message
    enough = decide(FuneralFacts(compulsory_months=12), died)
    assert granted(enough) == (Benefit.FUNERAL_ALLOWANCE, 23_400_000)
    assert enough.basis == "12 months of compulsory contributions (Social Insurance Law 2014)"


def test_under_the_2014_law_a_voluntary_contributor_still_needs_60_months() -> None:
    # Art. 80(1)(a): paying in voluntarily does not qualify by itself.
    died = date(2023, 6, 15)  # 10 × 1,490,000
    short = FuneralFacts(contributing=True, voluntary_months=59)
    assert granted(decide(short, died)) == (Benefit.NONE, 0)
    enough = FuneralFacts(contributing=True, voluntary_months=60)
    assert granted(decide(enough, died)) == (Benefit.FUNERAL_ALLOWANCE, 14_900_000)


def test_pensioners_qualify_under_both_laws() -> None:
    assert granted(decide(PENSIONER, date(2025, 3, 1))) == (Benefit.FUNERAL_ALLOWANCE, 23_400_000)
    assert granted(decide(PENSIONER, date(2025, 8, 1))) == (Benefit.FUNERAL_ALLOWANCE, 23_400_000)


def test_the_switch_date_and_the_2014_thresholds_are_settings() -> None:
    later_switch = FuneralRules.from_settings(
        InsuranceSettings(allowance_law_2024_from=date(2026, 1, 1))
    )
    assert decide(CONTRIBUTING_5, date(2025, 8, 1), rules=later_switch).benefit is (
        Benefit.FUNERAL_ALLOWANCE
    )
    stricter = FuneralRules.from_settings(
        InsuranceSettings(
            allowance_2014_min_reserved_months=24, allowance_2014_min_voluntary_months=120
        )
    )
    died = date(2024, 11, 5)
    assert decide(FuneralFacts(compulsory_months=23), died, rules=stricter).benefit is Benefit.NONE
    assert decide(FuneralFacts(voluntary_months=119), died, rules=stricter).benefit is (
        Benefit.NONE
    )
    assert decide(FuneralFacts(compulsory_months=24), died, rules=stricter).benefit is (
        Benefit.FUNERAL_ALLOWANCE
    )


# --- funeral cost support by cause -------------------------------------------------------------

DEATH_2026 = date(2026, 11, 15)  # standard assistance level 500,000


def test_a_traffic_accident_death_of_an_assistance_beneficiary_gets_fifty_times() -> None:
    decision = decide(ASSISTED, DEATH_2026, DeathCause.TRAFFIC_ACCIDENT)
    assert granted(decision) == (Benefit.FUNERAL_SUPPORT, 25_000_000)  # 50 × 500,000
    assert decision.basis == "death by traffic accident (Decree 20/2021 art. 14)"


def test_a_natural_death_of_an_assistance_beneficiary_gets_twenty_times() -> None:
    decision = decide(ASSISTED, DEATH_2026, DeathCause.OTHER)
    assert granted(decision) == (Benefit.FUNERAL_SUPPORT, 10_000_000)  # 20 × 500,000
    assert decision.basis == "social assistance beneficiary"


@pytest.mark.parametrize(
    "cause",
    [
        DeathCause.NATURAL_DISASTER,
        DeathCause.FIRE,
        DeathCause.TRAFFIC_ACCIDENT,
        DeathCause.SERIOUS_LABOUR_ACCIDENT,
        DeathCause.OTHER_FORCE_MAJEURE,
    ],
)
def test_every_cause_of_article_14_gets_fifty_times_whoever_died(cause: DeathCause) -> None:
    assert granted(decide(None, DEATH_2026, cause)) == (Benefit.FUNERAL_SUPPORT, 25_000_000)


def test_the_causes_are_exactly_those_of_article_14_and_none() -> None:
    assert {cause.value for cause in DeathCause} == {
        "natural_disaster",
        "fire",
        "traffic_accident",
        "serious_labour_accident",
        "other_force_majeure",
        "other",
    }


def test_an_uninsured_natural_death_gets_nothing() -> None:
    decision = decide(None, DEATH_2026, DeathCause.OTHER)
    assert granted(decision) == (Benefit.NONE, 0)
    assert decision.reason is not None
    assert decision.reason.code == "not_insured"


def test_support_uses_the_standard_level_of_the_date_of_death() -> None:
    # Before 1/7/2024 the standard was 360,000: 50 × 360,000 and 20 × 360,000.
    died = date(2024, 3, 10)
    assert granted(decide(ASSISTED, died, DeathCause.FIRE)) == (Benefit.FUNERAL_SUPPORT, 18_000_000)
    assert granted(decide(ASSISTED, died)) == (Benefit.FUNERAL_SUPPORT, 7_200_000)


def test_a_pensioner_killed_in_a_fire_gets_the_higher_benefit() -> None:
    # 12/2025: support 50 × 500,000 = 25,000,000 > allowance 10 × 2,340,000 = 23,400,000.
    assert granted(decide(PENSIONER, date(2025, 12, 1), DeathCause.FIRE)) == (
        Benefit.FUNERAL_SUPPORT,
        25_000_000,
    )


# --- the cause on the form's benefit claim ----------------------------------------------------


def test_a_claim_without_a_cause_is_none_of_article_14() -> None:
    claim = BenefitClaim.model_validate({"requested": True, "disaster_death": False})
    assert (claim.cause, claim.effective_cause) == (DeathCause.OTHER, DeathCause.OTHER)


def test_an_older_claim_s_disaster_flag_still_means_a_natural_disaster() -> None:
    claim = BenefitClaim.model_validate({"requested": True, "disaster_death": True})
    assert claim.effective_cause is DeathCause.NATURAL_DISASTER


def test_a_claim_carries_its_cause() -> None:
    claim = BenefitClaim.model_validate({"cause": "traffic_accident"})
    assert claim.effective_cause is DeathCause.TRAFFIC_ACCIDENT
    with pytest.raises(ValidationError):
        BenefitClaim.model_validate({"cause": "illness"})


def test_a_claim_without_a_cause_is_written_as_before_the_field_existed() -> None:
    # Consumers on the older contract refuse unknown fields: the default is not written, so
    # only a claim naming a cause needs them upgraded.
    assert BenefitClaim().model_dump(mode="json") == {"requested": True, "disaster_death": False}
    named = BenefitClaim(cause=DeathCause.FIRE).model_dump(mode="json")
    assert named == {"requested": True, "disaster_death": False, "cause": "fire"}
    assert BenefitClaim.model_validate(named).cause is DeathCause.FIRE
