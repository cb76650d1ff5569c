"""Health-insurance card (thẻ bảo hiểm y tế, BHYT) rules for children under six.

The card code (mã thẻ, Decision 1351/QĐ-BHXH) has 15 characters: a 2-letter beneficiary group,
a benefit-level digit, the 2-digit province code and the 10-digit social-insurance number (mã số
BHXH). Children under six are group ``TE`` with benefit level ``1``, so their cards read
``TE1`` + province + 10 digits. Since 1/8/2025 the personal ID number (số định danh cá nhân) is
the insured person's key; the 15-character code is kept as an attribute of the card.

In the birth group (khai sinh → thường trú → BHYT trẻ dưới 6 tuổi) BHXH issues the card within
two working days, and its expiry is computed here so every agency agrees on it.
"""

from __future__ import annotations

import calendar
import random
from datetime import date

from lienthong.domain.personal_id import OLD_PROVINCE_CODES

__all__ = [
    "CHILD_CARD_PREFIX",
    "add_months",
    "age_in_months",
    "child_card_code",
    "child_card_valid_until",
    "generate_bhxh_number",
    "is_under_six",
]

CHILD_CARD_PREFIX = "TE1"
"""Beneficiary group ``TE`` (trẻ em dưới 6 tuổi) + benefit level 1 (100% coverage)."""

_BHXH_NUMBER_LENGTH = 10


def _check_province_code(province_code: str) -> None:
    if province_code not in OLD_PROVINCE_CODES:
        raise ValueError(f"{province_code!r} is not a two-digit province code")


def generate_bhxh_number(province_code: str, rng: random.Random) -> str:
    """Return a new 10-digit social-insurance number (mã số BHXH) starting with the province.

    Why the province prefix: BHXH numbers are allocated by the provincial BHXH office, whose code
    leads the number. ``rng`` is the caller's so that simulations are reproducible; uniqueness
    is the caller's job.
    """
    _check_province_code(province_code)
    return f"{province_code}{rng.randrange(10**8):08d}"


def child_card_code(province_code: str, bhxh_number: str) -> str:
    """Build the 15-character card code ``TE1`` + province + BHXH number for a child under six.

    Raises ``ValueError`` for a province code outside the list or a BHXH number that is not 10
    ASCII digits, because a malformed code would be printed on the card and rejected at the
    clinic.
    """
    _check_province_code(province_code)
    if (
        len(bhxh_number) != _BHXH_NUMBER_LENGTH
        or not bhxh_number.isascii()
        or not bhxh_number.isdigit()
    ):
        raise ValueError(f"BHXH number {bhxh_number!r} must be exactly 10 digits")
    return f"{CHILD_CARD_PREFIX}{province_code}{bhxh_number}"


def add_months(d: date, months: int) -> date:
    """Return ``d`` shifted by ``months`` calendar months, clamping the day to the month's end.

    Why clamping: a child born on 31 March turns 72 months at the end of March six years later,
    and one born 29/2 reaches that age on 28/2 in a common year.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def child_card_valid_until(
    date_of_birth: date,
    *,
    age_months: int = 72,
    school_year_cutoff: tuple[int, int] = (9, 30),
) -> date:
    """Return the last day a child's BHYT card is valid.

    Luật Bảo hiểm y tế (as amended by Luật 46/2014/QH13): a child's card is valid until the
    child turns 72 months; a child who has turned 72 months but has not yet entered school keeps
    the card until 30/9 of that year. Our reading (domain primer, uncertain after 2025, hence
    the parameters): let D be the day the child turns ``age_months``; if D falls on or before
    the cutoff (month, day) of D's year the card runs to that cutoff, otherwise to the last day
    of D's month.
    """
    turns = add_months(date_of_birth, age_months)
    cutoff_month, cutoff_day = school_year_cutoff
    cutoff = date(turns.year, cutoff_month, cutoff_day)
    if turns <= cutoff:
        return cutoff
    return date(turns.year, turns.month, calendar.monthrange(turns.year, turns.month)[1])


def age_in_months(date_of_birth: date, on: date) -> int:
    """Return the number of full months from ``date_of_birth`` to ``on``.

    A month is complete on the same day-of-month (clamped to month end), so a child born on
    15/3 is one month old on 15/4. Raises ``ValueError`` if ``on`` precedes the birth, since an
    age before birth would make eligibility checks silently pass.
    """
    if on < date_of_birth:
        raise ValueError(f"{on.isoformat()} is before the date of birth {date_of_birth}")
    months = (on.year - date_of_birth.year) * 12 + (on.month - date_of_birth.month)
    if add_months(date_of_birth, months) > on:
        months -= 1
    return months


def is_under_six(date_of_birth: date, on: date, age_months: int = 72) -> bool:
    """Tell whether the child is under ``age_months`` (trẻ em dưới 6 tuổi) on ``on``.

    Why: the free ``TE1`` card is only issued to children who have not yet turned 72 months.
    """
    return age_in_months(date_of_birth, on) < age_months
