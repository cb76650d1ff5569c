"""Settings of the social insurance service (BHXH); every uncertain figure is one of them."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import field_validator

from lienthong.runtime.settings import SeededSettings

CardEventVersion = Literal[1, 2]
"""The versions of ``health_card_issued`` this producer can emit."""


def parse_schedule(text: str) -> tuple[tuple[date, int], ...]:
    """``"2024-07-01:2340000,2026-07-01:2530000"`` → dated amounts, oldest first."""
    entries: list[tuple[date, int]] = []
    for item in text.split(","):
        day, _, amount = item.strip().partition(":")
        try:
            entries.append((date.fromisoformat(day), int(amount)))
        except ValueError as error:
            raise ValueError(f"bad schedule entry {item!r}: use YYYY-MM-DD:amount") from error
    if not entries:
        raise ValueError("a schedule needs at least one YYYY-MM-DD:amount entry")
    return tuple(sorted(entries))


class InsuranceSettings(SeededSettings):
    """Insurance configuration; defaults are the source-backed values of domain.md."""

    service_name: ClassVar[str] = "insurance"

    # Which version of health_card_issued the card is announced in: v1 (top-level card_code and
    # personal_id) or v2 (keyed by the insured person's personal ID number, the card nested).
    # The default stays 1 because a rolling upgrade goes consumers first: every gateway must
    # accept v2 before one producer emits it (an older gateway dead-letters a type it does not
    # know); only then are producers switched with CARD_EVENT_VERSION=2.
    card_event_version: CardEventVersion = 1

    # Child card (thẻ BHYT trẻ em dưới 6 tuổi), uncertain after 2025.
    child_card_age_months: int = 72
    child_card_school_cutoff_month: int = 9
    child_card_school_cutoff_day: int = 30

    # Funeral allowance (trợ cấp mai táng, BHXH): multiplier × reference level (mức tham chiếu,
    # = base salary 2,340,000 VND since 1/7/2024; 2,530,000 from 1/7/2026 is reported, uncertain).
    funeral_allowance_multiplier: int = 10
    reference_levels: str = "2023-07-01:1800000,2024-07-01:2340000,2026-07-01:2530000"
    allowance_min_compulsory_months: int = 12
    allowance_min_voluntary_months: int = 60
    # Funeral cost support (hỗ trợ chi phí mai táng, social assistance): multiplier × the
    # standard assistance level (mức chuẩn trợ giúp xã hội, 500,000 VND since 1/7/2024).
    assistance_levels: str = "2021-07-01:360000,2024-07-01:500000"
    funeral_support_multiplier: int = 20
    disaster_support_multiplier: int = 50

    @field_validator("card_event_version", mode="before")
    @classmethod
    def _version_number(cls, value: Any) -> Any:
        """The environment gives text: ``"2"`` is the version 2 the literal check then accepts;
        anything else (``"3"``, ``"v2"``) is left for it to refuse ("Input should be 1 or 2")."""
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        return value

    @field_validator("reference_levels", "assistance_levels")
    @classmethod
    def _valid_schedule(cls, value: str) -> str:
        parse_schedule(value)
        return value
