"""The catalogue of refusal reasons: stable codes, both languages, one agency each."""

from __future__ import annotations

import pytest

from lienthong.contracts import reasons
from lienthong.contracts.reasons import CATALOGUE, Reason, ReasonCode, _entry, by_agency
from lienthong.contracts.services import AGENCIES

DECLARED: list[ReasonCode] = [
    value for value in vars(reasons).values() if isinstance(value, ReasonCode)
]


def test_catalogue_is_keyed_by_unique_codes() -> None:
    assert len(CATALOGUE) >= 12
    for code, entry in CATALOGUE.items():
        assert entry.code == code
    # Every declared constant is in the catalogue, and no two constants share a code.
    assert len({entry.code for entry in DECLARED}) == len(DECLARED) == len(CATALOGUE)
    assert all(CATALOGUE[entry.code] is entry for entry in DECLARED)


def test_codes_are_snake_case() -> None:
    for code in CATALOGUE:
        assert code == code.strip().lower()
        assert code.replace("_", "").isalpha()


def test_every_entry_has_messages_in_both_languages_and_a_known_agency() -> None:
    for entry in CATALOGUE.values():
        assert entry.message.strip(), entry.code
        assert entry.message_vi.strip(), entry.code
        assert entry.message != entry.message_vi, entry.code
        assert entry.agency in AGENCIES, entry.code


def test_by_agency_partitions_the_catalogue() -> None:
    seen: list[ReasonCode] = []
    for agency in AGENCIES:
        entries = by_agency(agency)
        assert len(entries) >= 4, agency
        assert all(entry.agency == agency for entry in entries)
        seen.extend(entries)
    assert sorted(entry.code for entry in seen) == sorted(CATALOGUE)
    assert by_agency("gateway") == []


def test_by_agency_keeps_declaration_order() -> None:
    codes = [entry.code for entry in by_agency("civil_registry")]
    assert codes[:2] == ["mother_not_found", "mother_data_mismatch"]
    assert codes.index("deceased_not_found") < codes.index("death_date_in_future")


@pytest.mark.parametrize(
    ("entry", "agency", "code"),
    [
        (reasons.MOTHER_NOT_FOUND, "civil_registry", "mother_not_found"),
        (reasons.DECEASED_NOT_FOUND, "civil_registry", "deceased_not_found"),
        (reasons.DEATH_IN_FUTURE, "civil_registry", "death_date_in_future"),
        (reasons.CITIZEN_NOT_FOUND, "population", "citizen_not_found"),
        (reasons.CITIZEN_ALREADY_DECEASED, "population", "citizen_already_deceased"),
        (reasons.NOT_INSURED, "insurance", "not_insured"),
        (reasons.INSUFFICIENT_CONTRIBUTIONS, "insurance", "insufficient_contributions"),
        (reasons.BENEFIT_NOT_CLAIMED, "insurance", "benefit_not_claimed"),
    ],
)
def test_stable_codes(entry: ReasonCode, agency: str, code: str) -> None:
    assert (entry.agency, entry.code) == (agency, code)


def test_reason_appends_the_detail() -> None:
    reason = reasons.MOTHER_NOT_FOUND.reason("001193671493")
    assert isinstance(reason, Reason)
    assert reason.code == "mother_not_found"
    assert reason.message == (
        "The mother is not in the national population database. (001193671493)"
    )
    assert reason.message_vi == "Không tìm thấy thông tin người mẹ trong CSDL quốc gia về dân cư."


def test_reason_without_detail_is_the_catalogue_message() -> None:
    for detail in (None, ""):
        reason = reasons.BENEFIT_NOT_CLAIMED.reason(detail)
        assert reason.model_dump() == {
            "code": "benefit_not_claimed",
            "message": "No funeral benefit was claimed.",
            "message_vi": "Không đề nghị hưởng chế độ mai táng.",
        }


def test_declaring_a_code_twice_is_refused() -> None:
    before = dict(CATALOGUE)
    with pytest.raises(ValueError, match="mother_not_found"):
        _entry("population", "mother_not_found", "Again.", "Lần nữa.")
    assert before == CATALOGUE
    assert CATALOGUE["mother_not_found"] is reasons.MOTHER_NOT_FOUND
