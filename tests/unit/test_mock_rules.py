"""The rules of a simulated agency: how they read, and which dossiers they pick."""

from __future__ import annotations

import pytest

from lienthong.runtime.randomness import RandomSource
from services.mock.rules import (
    Answer,
    MockRule,
    choose,
    delay_of,
    parse_rule,
    rules_env,
    rules_from_env,
)

CARD = "vn.lienthong.population.citizen_registered.v1"
DEATH = "vn.lienthong.civil_registry.death_registered.v1"


def test_a_rule_reads_agency_event_answer_reason_and_share() -> None:
    rule = parse_rule("insurance.citizen_registered=refuse:not_under_six@25%")
    assert rule == MockRule(
        agency="insurance",
        answer=Answer.REFUSE,
        event="citizen_registered",
        argument="not_under_six",
        share=0.25,
    )


def test_rules_survive_the_environment_variable() -> None:
    written = ["insurance=refuse:not_under_six@0.25", "population.death_registered=silent"]
    rules = [parse_rule(text) for text in written]
    assert rules_from_env(rules_env(rules)) == rules
    assert rules_from_env("") == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("tax_office=accept", "is not one of"),
        ("gateway=accept", "is not one of"),
        ("insurance=approve", "the answer is one of"),
        ("insurance=refuse", "refuse:REASON, one of"),
        ("insurance=refuse:mother_not_found", "refuse:REASON, one of"),  # civil registry's code
        ("insurance.birth_registered=silent", "insurance consumes"),
        ("insurance=silent@150%", "the share is in"),
        ("insurance=silent@0", "the share is in"),
        ("insurance=accept:yes", "takes no argument"),
        ("insurance=delay:soon", "bad delay"),
        ("insurance.citizen_registered=delay:2h", "every answer of the agency"),
        ("insurance refuse", "use AGENCY[.EVENT]="),
        ("insurance.death_registered=refuse:not_under_six", "refuses a birth step"),
        ("civil_registry.death_dossier_submitted=refuse:duplicate_birth_registration", "birth"),
    ],
)
def test_a_bad_rule_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_rule(text)
    assert says in str(error.value)


def test_no_rule_accepts_and_the_first_matching_rule_decides() -> None:
    randomness = RandomSource(7)
    assert choose([], "insurance", CARD, "D1", randomness) is None
    silent = parse_rule("insurance.death_registered=silent")
    refuse = parse_rule("insurance=refuse:not_under_six")
    assert choose([silent, refuse], "insurance", DEATH, "D1", randomness) == silent
    assert choose([silent, refuse], "insurance", CARD, "D1", randomness) == refuse
    assert choose([silent, refuse], "population", CARD, "D1", randomness) is None


def test_a_share_picks_about_that_part_of_the_dossiers_the_same_way_each_run() -> None:
    rule = parse_rule("insurance=refuse:not_under_six@25%")
    dossiers = [f"D{n}" for n in range(2000)]

    def picked(seed: int) -> list[str]:
        return [d for d in dossiers if choose([rule], "insurance", CARD, d, RandomSource(seed))]

    first = picked(2024)
    assert 400 <= len(first) <= 600  # 25 % of 2,000 = 500; binomial sd ≈ 19
    assert picked(2024) == first
    assert picked(2025) != first


def test_a_delay_rule_is_the_agencys_processing_delay_not_an_answer() -> None:
    rules = [parse_rule("population=delay:lognormal:8h,0.6"), parse_rule("insurance=silent")]
    assert delay_of("population", rules) == "lognormal:8h,0.6"
    assert delay_of("civil_registry", [parse_rule("civil_registry=delay:2h")]) == "fixed:2h"
    assert delay_of("insurance", rules) is None
    assert choose(rules, "population", DEATH, "D1", RandomSource()) is None


def test_a_refusal_answers_only_the_events_of_its_reasons_flow() -> None:
    rule = parse_rule("insurance=refuse:not_under_six")
    assert rule.matches("insurance", CARD)
    assert not rule.matches("insurance", DEATH)  # a funeral benefit is not refused as a card
    fault = parse_rule("insurance=refuse:insurance_signature_invalid")
    assert fault.matches("insurance", CARD) and fault.matches("insurance", DEATH)


def test_a_share_is_written_back_exactly() -> None:
    assert parse_rule(str(parse_rule("insurance=silent@0.1234567"))).share == 0.1234567
