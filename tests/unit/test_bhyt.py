"""BHYT card rules for children under six (thẻ BHYT trẻ em dưới 6 tuổi)."""

import random
from datetime import date

import pytest

from lienthong.domain.bhyt import (
    add_months,
    age_in_months,
    child_card_code,
    child_card_valid_until,
    generate_bhxh_number,
    is_under_six,
)


@pytest.mark.parametrize(
    ("born", "valid_until"),
    [
        (date(2024, 3, 15), date(2030, 9, 30)),  # turns 72 months in March: runs to 30/9
        (date(2024, 11, 10), date(2030, 11, 30)),  # turns 72 months after 30/9: month end
        (date(2024, 9, 30), date(2030, 9, 30)),  # exactly on the cutoff
        (date(2024, 10, 1), date(2030, 10, 31)),  # the day after the cutoff
        (date(2024, 1, 1), date(2030, 9, 30)),
        (date(2024, 12, 31), date(2030, 12, 31)),
        (date(2024, 2, 29), date(2030, 9, 30)),  # leap-day birth
        (date(2023, 10, 15), date(2029, 10, 31)),
    ],
)
def test_child_card_valid_until(born: date, valid_until: date) -> None:
    assert child_card_valid_until(born) == valid_until


def test_child_card_valid_until_is_configurable() -> None:
    assert child_card_valid_until(date(2024, 11, 10), age_months=60) == date(2029, 11, 30)
    assert child_card_valid_until(date(2024, 3, 15), age_months=60) == date(2029, 9, 30)
    assert child_card_valid_until(date(2024, 8, 31), school_year_cutoff=(8, 31)) == date(
        2030, 8, 31
    )
    assert child_card_valid_until(date(2024, 9, 1), school_year_cutoff=(8, 31)) == date(2030, 9, 30)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2024, 2, 29), 72, date(2030, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 5, 20), 0, date(2024, 5, 20)),
        (date(2026, 1, 1), -12 * 95, date(1931, 1, 1)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (date(2024, 3, 15), date(2024, 3, 15), 0),
        (date(2024, 3, 15), date(2024, 4, 14), 0),
        (date(2024, 3, 15), date(2024, 4, 15), 1),
        (date(2024, 1, 31), date(2024, 2, 28), 0),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2024, 12, 20), date(2025, 1, 19), 0),
        (date(2024, 12, 20), date(2025, 1, 20), 1),
        (date(2020, 3, 15), date(2026, 3, 14), 71),
        (date(2020, 3, 15), date(2026, 3, 15), 72),
    ],
)
def test_age_in_months(born: date, on: date, months: int) -> None:
    assert age_in_months(born, on) == months


def test_age_in_months_rejects_date_before_birth() -> None:
    with pytest.raises(ValueError):
        age_in_months(date(2024, 3, 15), date(2024, 3, 14))


def test_is_under_six() -> None:
    born = date(2020, 3, 15)
    assert is_under_six(born, date(2020, 3, 15))
    assert is_under_six(born, date(2026, 3, 14))
    assert not is_under_six(born, date(2026, 3, 15))
    assert not is_under_six(born, date(2026, 3, 14), age_months=60)


def test_child_card_code() -> None:
    code = child_card_code("79", "7912345678")
    assert code == "TE1797912345678"
    assert len(code) == 15


@pytest.mark.parametrize(
    ("province", "number"),
    [
        ("7", "7912345678"),
        ("079", "7912345678"),
        ("97", "7912345678"),  # not a province code
        ("79", "791234567"),  # 9 digits
        ("79", "79123456789"),  # 11 digits
        ("79", "79123456a8"),
        ("79", "\uff17\uff19\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"),  # full-width
    ],
)
def test_child_card_code_rejects_bad_input(province: str, number: str) -> None:
    with pytest.raises(ValueError):
        child_card_code(province, number)


def test_generate_bhxh_number() -> None:
    rng = random.Random(3)
    numbers = [generate_bhxh_number("38", rng) for _ in range(100)]
    assert all(len(n) == 10 and n.isdigit() and n.startswith("38") for n in numbers)
    assert len(set(numbers)) > 95
    assert generate_bhxh_number("01", random.Random(9)) == generate_bhxh_number(
        "01", random.Random(9)
    )
    assert child_card_code("38", numbers[0]).startswith("TE13838")


def test_generate_bhxh_number_rejects_unknown_province() -> None:
    with pytest.raises(ValueError):
        generate_bhxh_number("00", random.Random(1))
