"""Personal ID numbers (số định danh cá nhân), Thông tư 59/2021/TT-BCA."""

import random
from datetime import date

import pytest

from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.personal_id import (
    OLD_PROVINCE_CODES,
    PersonalIdError,
    PersonalIdParts,
    Sex,
    century_sex_digit,
    generate_personal_id,
    parse_personal_id,
    validate_personal_id,
)


def test_parse_female_born_2003_in_ho_chi_minh_city() -> None:
    parts = parse_personal_id("079303012345")
    assert parts == PersonalIdParts(
        province_code="79",
        sex=Sex.FEMALE,
        birth_year_suffix=3,
        century_start=2000,
        serial="012345",
    )
    assert parts.birth_year == 2003
    assert parts.matches_year(2003)
    assert not parts.matches_year(1903)
    assert not parts.matches_year(2004)


def test_parse_male_born_2003_in_ho_chi_minh_city() -> None:
    parts = parse_personal_id("079203012345")
    assert (parts.province_code, parts.sex, parts.birth_year) == ("79", Sex.MALE, 2003)


def test_parse_male_born_1985_in_ha_noi() -> None:
    parts = parse_personal_id("001085000001")
    assert (parts.province_code, parts.sex, parts.birth_year) == ("01", Sex.MALE, 1985)


def test_parse_female_born_1990_in_thanh_hoa() -> None:
    parts = parse_personal_id("038190123456")
    assert (parts.province_code, parts.sex, parts.birth_year) == ("38", Sex.FEMALE, 1990)


def test_parse_late_centuries() -> None:
    assert parse_personal_id("001405000000").birth_year == 2105
    assert parse_personal_id("001999000000").sex is Sex.FEMALE
    assert parse_personal_id("001999000000").birth_year == 2399


@pytest.mark.parametrize(
    ("sex", "year", "digit"),
    [
        (Sex.MALE, 1900, "0"),
        (Sex.MALE, 1999, "0"),
        (Sex.FEMALE, 1900, "1"),
        (Sex.MALE, 2000, "2"),
        (Sex.FEMALE, 2024, "3"),
        (Sex.MALE, 2100, "4"),
        (Sex.FEMALE, 2199, "5"),
        (Sex.MALE, 2200, "6"),
        (Sex.FEMALE, 2250, "7"),
        (Sex.MALE, 2300, "8"),
        (Sex.FEMALE, 2399, "9"),
    ],
)
def test_century_sex_digit(sex: Sex, year: int, digit: str) -> None:
    assert century_sex_digit(sex, year) == digit


@pytest.mark.parametrize("year", [1899, 2400, 0])
def test_century_sex_digit_out_of_range(year: int) -> None:
    with pytest.raises(ValueError):
        century_sex_digit(Sex.MALE, year)


def test_old_province_codes() -> None:
    assert len(OLD_PROVINCE_CODES) == 63
    assert {"01", "38", "79", "96"} <= OLD_PROVINCE_CODES
    assert not {"00", "03", "05", "97", "99"} & OLD_PROVINCE_CODES
    new_codes = {p.code for p in load_admin_units().provinces()}
    assert len(new_codes) == 34
    assert new_codes <= OLD_PROVINCE_CODES


@pytest.mark.parametrize(
    "value",
    [
        "",
        "79203012345",  # 11 digits
        "0792030123456",  # 13 digits
        "07920301234a",
        "\uff10\uff17\uff19\uff12\uff10\uff13\uff10\uff11\uff12\uff13\uff14\uff15",  # full-width
        " 079203012345",
        "079203012345\n",
        "079-203-012345",
    ],
)
def test_parse_rejects_non_twelve_digit_values(value: str) -> None:
    with pytest.raises(PersonalIdError, match="must be exactly 12 digits"):
        parse_personal_id(value)


@pytest.mark.parametrize("value", ["003203012345", "179203012345", "097203012345", "000203012345"])
def test_parse_rejects_unknown_province(value: str) -> None:
    with pytest.raises(PersonalIdError, match=r"first three digits .* are not a province code"):
        parse_personal_id(value)


def test_error_is_a_value_error() -> None:
    assert issubclass(PersonalIdError, ValueError)


def test_validate_accepts_consistent_number() -> None:
    value = "079303012345"
    assert validate_personal_id(value) == value
    assert validate_personal_id(value, sex=Sex.FEMALE, date_of_birth=date(2003, 7, 1)) == value


def test_validate_rejects_wrong_sex() -> None:
    with pytest.raises(PersonalIdError) as info:
        validate_personal_id("079303012345", sex=Sex.MALE)
    assert "digit 4 (century/sex) is 3, which means female born 2000–2099, but sex is male" in str(
        info.value
    )


def test_validate_rejects_wrong_century() -> None:
    with pytest.raises(PersonalIdError, match=r"digit 4 \(century/sex\) is 3.*1903-05-01"):
        validate_personal_id("079303012345", date_of_birth=date(1903, 5, 1))


def test_validate_rejects_wrong_year_digits() -> None:
    with pytest.raises(PersonalIdError, match=r"digits 5–6 \(birth year\) are 03.*2004-01-02"):
        validate_personal_id("079303012345", sex=Sex.FEMALE, date_of_birth=date(2004, 1, 2))


def test_validate_still_checks_format() -> None:
    with pytest.raises(PersonalIdError, match="must be exactly 12 digits"):
        validate_personal_id("12345", sex=Sex.MALE)


def test_generate_structure() -> None:
    value = generate_personal_id("79", Sex.FEMALE, date(2003, 7, 1), random.Random(1))
    assert len(value) == 12 and value.isdigit()
    assert value.startswith("079303")
    assert validate_personal_id(value, sex=Sex.FEMALE, date_of_birth=date(2003, 7, 1)) == value


def test_generate_uses_century_digit() -> None:
    rng = random.Random(7)
    assert generate_personal_id("01", Sex.MALE, date(1985, 1, 1), rng).startswith("001085")
    assert generate_personal_id("38", Sex.MALE, date(2025, 8, 1), rng).startswith("038225")
    assert generate_personal_id("96", Sex.FEMALE, date(2105, 8, 1), rng).startswith("096505")


def test_generate_is_deterministic_for_a_seed() -> None:
    dob = date(2024, 3, 15)
    first = [generate_personal_id("01", Sex.MALE, dob, random.Random(5)) for _ in range(3)]
    assert len(set(first)) == 1
    rng = random.Random(5)
    serials = {generate_personal_id("01", Sex.MALE, dob, rng)[6:] for _ in range(50)}
    assert len(serials) > 45


def test_generate_rejects_unknown_province() -> None:
    with pytest.raises(ValueError):
        generate_personal_id("03", Sex.MALE, date(2000, 1, 1), random.Random(1))
    with pytest.raises(ValueError):
        generate_personal_id("079", Sex.MALE, date(2000, 1, 1), random.Random(1))


def test_validate_rejects_male_number_for_a_woman() -> None:
    with pytest.raises(PersonalIdError) as info:
        validate_personal_id("079203012345", sex=Sex.FEMALE, date_of_birth=date(2003, 1, 1))
    assert "digit 4 (century/sex) is 2, which means male born 2000–2099, but sex is female" in str(
        info.value
    )
