"""Decisions of social insurance, free of I/O so they can be unit-tested."""

from __future__ import annotations

from datetime import date

from lienthong.contracts import reasons
from lienthong.contracts.reasons import Reason
from lienthong.domain.bhyt import is_under_six


def refuse_child_card(
    date_of_birth: date, today: date, has_active_card: bool, *, age_months: int = 72
) -> Reason | None:
    """Why a child's card (thẻ BHYT trẻ em dưới 6 tuổi) cannot be issued, or None to issue it."""
    if not is_under_six(date_of_birth, today, age_months):
        return reasons.NOT_UNDER_SIX.reason(f"born {date_of_birth.isoformat()}")
    if has_active_card:
        return reasons.CARD_ALREADY_ISSUED.reason()
    return None
