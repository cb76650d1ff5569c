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

    # Child card (thẻ BHYT trẻ em dưới 6 tuổi), uncertain after 2025: valid until 72 months, or
    # until the cutoff (30/9) of that year for a child turning 72 months on or before it; it is
    # issued as long as that last day has not passed.
    child_card_age_months: int = 72
    child_card_school_cutoff_month: int = 9
    child_card_school_cutoff_day: int = 30

    # Funeral allowance (trợ cấp mai táng, BHXH): multiplier × the reference level in force in
    # the month of death ("tại tháng mà người ... chết": Social Insurance Law 58/2014/QH13 art.
    # 66(2) and 80(2); Law 41/2024/QH15 uses the reference level, mức tham chiếu, which equals the
    # base salary, lương cơ sở, until the Government sets one). Every level below is a historical
    # base salary, each starting on the 1st of a month (the validator keeps it so, since the
    # amount is the month's level):
    #   1,210,000 from 1/5/2016  Decree 47/2016/NĐ-CP  (lương cơ sở; not in domain.md)
    #   1,300,000 from 1/7/2017  Decree 47/2017/NĐ-CP  (lương cơ sở; not in domain.md)
    #   1,390,000 from 1/7/2018  Decree 72/2018/NĐ-CP  (lương cơ sở; not in domain.md)
    #   1,490,000 from 1/7/2019  Decree 38/2019/NĐ-CP  (domain.md; unchanged until 30/6/2023)
    #   1,800,000 from 1/7/2023  Decree 24/2023/NĐ-CP  (domain.md)
    #   2,340,000 from 1/7/2024  Decree 73/2024/NĐ-CP  (domain.md)
    #   2,530,000 from 1/7/2026  reported, uncertain   (domain.md)
    # A death before the first entry uses the first (oldest known) level.
    funeral_allowance_multiplier: int = 10
    reference_levels: str = (
        "2016-05-01:1210000,2017-07-01:1300000,2018-07-01:1390000,2019-07-01:1490000,"
        "2023-07-01:1800000,2024-07-01:2340000,2026-07-01:2530000"
    )
    # Who qualifies depends on the law in force on the date of death. The Social Insurance Law
    # 41/2024/QH15 takes effect on 1/7/2025; from then: a pensioner, ≥ 12 months of compulsory
    # or ≥ 60 months of voluntary contributions (the two thresholds below; domain.md).
    allowance_law_2024_from: date = date(2025, 7, 1)
    allowance_min_compulsory_months: int = 12
    allowance_min_voluntary_months: int = 60
    # Before it, Law 58/2014/QH13: a pensioner (art. 66(1)(d), 80(1)(b)); someone currently
    # contributing, whatever the months (art. 66(1)(a)); someone whose contribution time is
    # reserved (bảo lưu) with ≥ 12 months (art. 66(1)(b)); ≥ 60 months of voluntary
    # contributions (art. 80(1)(a)).
    allowance_2014_min_reserved_months: int = 12
    allowance_2014_min_voluntary_months: int = 60
    # Funeral cost support (hỗ trợ chi phí mai táng, social assistance): multiplier × the
    # standard assistance level (mức chuẩn trợ giúp xã hội: 360,000 VND from 1/7/2021, Decree
    # 20/2021/NĐ-CP art. 4; 500,000 VND since 1/7/2024, Decree 76/2024/NĐ-CP) — ≥ 20 × for
    # social-assistance beneficiaries (Decree 20/2021 art. 11), ≥ 50 × for a death by natural
    # disaster, fire, traffic accident, serious labour accident or other force majeure, whoever
    # died (art. 14, the cause the death form's benefit claim carries).
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

    @field_validator("reference_levels")
    @classmethod
    def _levels_start_on_the_first(cls, value: str) -> str:
        """The allowance is the level "in the month of death": a level starting mid-month would
        make that month's level ambiguous, so every entry starts on the 1st (as every base
        salary decree has)."""
        for day, _ in parse_schedule(value):
            if day.day != 1:
                raise ValueError(f"reference level starting {day.isoformat()}: use the 1st")
        return value
