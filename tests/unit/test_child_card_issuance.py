"""Issuing a child's BHYT card past 72 months while the card would still be valid (issue 12.6).

The rule (domain.md, "Identifiers"; :func:`lienthong.domain.bhyt.child_card_valid_until`): the
card is valid until the child is 72 months old; born before 30/9 — that is, turning 72 months on
or before 30/9 of that year — until 30/9 of that year; otherwise until the end of the month the
child turns 72 months. Issuance is refused (``not_under_six``) only once that last day has
passed. Every date below is derived by hand from that text:

- born 15/3/2020: 72 months later is 15/3/2026, on or before 30/9/2026 → valid until 30/9/2026.
  On 1/6/2026 the child is 74 months old (72 on 15/3, 73 on 15/4, 74 on 15/5) and still gets
  the card; on 30/9/2026 (the last day) too; on 1/10/2026 it is refused.
- born 10/11/2019: 72 months later is 10/11/2025, after 30/9/2025 → valid until the end of
  November, 30/11/2025: accepted on 20/11/2025 and 30/11/2025, refused on 1/12/2025.
- born 30/9/2020: turns 72 months on 30/9/2026, the cutoff itself → valid until 30/9/2026.
- born 1/10/2020: turns 72 months on 1/10/2026, the day after the cutoff → valid until
  31/10/2026.
- born 29/2/2020: 72 months later is 29/2/2026, which does not exist; the month's last day,
  28/2/2026, is before 30/9 → valid until 30/9/2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from services.insurance.rules import refuse_child_card


def code(
    born: date,
    on: date,
    has_card: bool = False,
    *,
    age_months: int = 72,
    school_year_cutoff: tuple[int, int] = (9, 30),
) -> str | None:
    """The refusal's code, or None when the card is issued."""
    refusal = refuse_child_card(
        born, on, has_card, age_months=age_months, school_year_cutoff=school_year_cutoff
    )
    return None if refusal is None else refusal.code


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (date(2020, 3, 15), date(2026, 3, 14), None),  # 71 months: under six
        (date(2020, 3, 15), date(2026, 3, 15), None),  # 72 months today, card until 30/9
        (date(2020, 3, 15), date(2026, 6, 1), None),  # 74 months, card until 30/9/2026
        (date(2020, 3, 15), date(2026, 9, 30), None),  # the card's last day
        (date(2020, 3, 15), date(2026, 10, 1), "not_under_six"),
        (date(2019, 11, 10), date(2025, 11, 20), None),  # past 72 months, card to 30/11
        (date(2019, 11, 10), date(2025, 11, 30), None),
        (date(2019, 11, 10), date(2025, 12, 1), "not_under_six"),
        (date(2020, 9, 30), date(2026, 9, 30), None),
        (date(2020, 9, 30), date(2026, 10, 1), "not_under_six"),
        (date(2020, 10, 1), date(2026, 10, 31), None),
        (date(2020, 10, 1), date(2026, 11, 1), "not_under_six"),
        (date(2020, 2, 29), date(2026, 9, 30), None),
        (date(2020, 2, 29), date(2026, 10, 1), "not_under_six"),
    ],
)
def test_a_card_is_issued_until_its_last_day_has_passed(
    born: date, on: date, expected: str | None
) -> None:
    assert code(born, on) == expected


def test_the_refusal_says_when_the_card_period_ended() -> None:
    refusal = refuse_child_card(date(2020, 3, 15), date(2026, 10, 1), False)
    assert refusal is not None
    assert "born 2020-03-15, card period ended 2026-09-30" in refusal.message


def test_a_child_past_72_months_with_a_card_is_not_given_a_second() -> None:
    assert code(date(2020, 3, 15), date(2026, 6, 1), True) == "card_already_issued"


def test_the_age_and_the_cutoff_are_the_configured_ones() -> None:
    # 60 months, cutoff 31/8: born 15/3/2020 turns 60 months on 15/3/2025, on or before
    # 31/8/2025 → valid until 31/8/2025.
    def sixty(born: date, on: date) -> str | None:
        return code(born, on, age_months=60, school_year_cutoff=(8, 31))

    assert sixty(date(2020, 3, 15), date(2025, 8, 31)) is None
    assert sixty(date(2020, 3, 15), date(2025, 9, 1)) == "not_under_six"
    # Turning 60 months on 1/9/2025, after that cutoff → valid until 30/9/2025.
    assert sixty(date(2020, 9, 1), date(2025, 9, 30)) is None
    assert sixty(date(2020, 9, 1), date(2025, 10, 1)) == "not_under_six"
