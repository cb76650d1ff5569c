"""Decisions of social insurance, free of I/O so they can be unit-tested."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lienthong.contracts import reasons
from lienthong.contracts.declarations import DeathCause
from lienthong.contracts.insurance import Benefit
from lienthong.contracts.reasons import Reason
from lienthong.domain.bhyt import child_card_valid_until
from services.insurance.allowance import (
    AllowanceLaws,
    FuneralFacts,
    allowance_basis,
    shortfall,
)
from services.insurance.settings import InsuranceSettings, parse_schedule

__all__ = [
    "FuneralDecision",
    "FuneralFacts",
    "FuneralRules",
    "decide_funeral_benefit",
    "level_on",
    "refuse_child_card",
]


def refuse_child_card(
    date_of_birth: date,
    today: date,
    has_active_card: bool,
    *,
    age_months: int = 72,
    school_year_cutoff: tuple[int, int] = (9, 30),
) -> Reason | None:
    """Why a child's card (thẻ BHYT trẻ em dưới 6 tuổi) cannot be issued, or None to issue it.

    The test is the card's own last day, not the age: a child who has turned 72 months but has
    not reached 30/9 of that year still holds the right to the card until then
    (:func:`~lienthong.domain.bhyt.child_card_valid_until`), so refusing at 72 months would
    deny a card the law grants. A child under 72 months always passes (the last day is later).
    """
    valid_until = child_card_valid_until(
        date_of_birth, age_months=age_months, school_year_cutoff=school_year_cutoff
    )
    if today > valid_until:
        detail = f"born {date_of_birth.isoformat()}, card period ended {valid_until.isoformat()}"
        return reasons.NOT_UNDER_SIX.reason(detail)
    if has_active_card:
        return reasons.CARD_ALREADY_ISSUED.reason()
    return None


@dataclass(frozen=True)
class FuneralRules:
    """The funeral benefit figures (see :class:`InsuranceSettings` for their sources)."""

    reference_levels: tuple[tuple[date, int], ...]
    assistance_levels: tuple[tuple[date, int], ...]
    allowance_multiplier: int = 10
    laws: AllowanceLaws = field(default_factory=AllowanceLaws)
    support_multiplier: int = 20
    disaster_multiplier: int = 50

    @classmethod
    def from_settings(cls, settings: InsuranceSettings) -> FuneralRules:
        """The rules as configured."""
        return cls(
            reference_levels=parse_schedule(settings.reference_levels),
            assistance_levels=parse_schedule(settings.assistance_levels),
            allowance_multiplier=settings.funeral_allowance_multiplier,
            laws=AllowanceLaws(
                law_2024_from=settings.allowance_law_2024_from,
                min_compulsory_months=settings.allowance_min_compulsory_months,
                min_voluntary_months=settings.allowance_min_voluntary_months,
                min_reserved_months_2014=settings.allowance_2014_min_reserved_months,
                min_voluntary_months_2014=settings.allowance_2014_min_voluntary_months,
            ),
            support_multiplier=settings.funeral_support_multiplier,
            disaster_multiplier=settings.disaster_support_multiplier,
        )


@dataclass(frozen=True)
class FuneralDecision:
    """The benefit granted (or none, with the reason)."""

    benefit: Benefit
    amount_vnd: int
    basis: str
    reason: Reason | None = None


def level_on(schedule: tuple[tuple[date, int], ...], day: date) -> int:
    """The amount in force on ``day``: the latest entry starting on or before it.

    A day before the first entry uses the first entry (the schedule's oldest known level).
    """
    amount = schedule[0][1]
    for start, value in schedule:
        if start <= day:
            amount = value
    return amount


def decide_funeral_benefit(
    facts: FuneralFacts | None,
    date_of_death: date,
    *,
    claimed: bool,
    cause: DeathCause = DeathCause.OTHER,
    rules: FuneralRules,
) -> FuneralDecision:
    """Trợ cấp mai táng or hỗ trợ chi phí mai táng — one benefit, the higher when both apply.

    - BHXH funeral allowance: whoever the Social Insurance Law in force on the date of death
      covers (:func:`~services.insurance.allowance.allowance_basis`) — multiplier × the
      reference level of the month of death ("tại tháng ... chết"; levels start on a 1st, so
      it is the level on the 1st of that month).
    - Funeral cost support (Decree 20/2021): a death by one of the causes of art. 14 (natural
      disaster, fire, traffic accident, serious labour accident, other force majeure) gets the
      disaster multiplier whoever died; otherwise a monthly social-assistance beneficiary gets
      the support multiplier (art. 11) — × the standard level in force on the date of death.
    - Otherwise nothing, with the reason (no contributions at all, or too few for that law).
    """
    if not claimed:
        return FuneralDecision(Benefit.NONE, 0, "not claimed", reasons.BENEFIT_NOT_CLAIMED.reason())
    known = facts or FuneralFacts()
    options: list[FuneralDecision] = []
    basis = allowance_basis(known, date_of_death, rules.laws)
    if basis is not None:
        level = level_on(rules.reference_levels, date_of_death.replace(day=1))
        allowance = rules.allowance_multiplier * level
        options.append(FuneralDecision(Benefit.FUNERAL_ALLOWANCE, allowance, basis))
    standard = level_on(rules.assistance_levels, date_of_death)
    if cause is not DeathCause.OTHER:
        amount = rules.disaster_multiplier * standard
        what = f"death by {cause.value.replace('_', ' ')} (Decree 20/2021 art. 14)"
        options.append(FuneralDecision(Benefit.FUNERAL_SUPPORT, amount, what))
    elif known.social_assistance:
        amount = rules.support_multiplier * standard
        options.append(
            FuneralDecision(Benefit.FUNERAL_SUPPORT, amount, "social assistance beneficiary")
        )
    if options:
        # Stable sort: on equal amounts the BHXH allowance (listed first) wins.
        return sorted(options, key=lambda option: -option.amount_vnd)[0]
    if known.compulsory_months or known.voluntary_months or known.contributing:
        return FuneralDecision(
            Benefit.NONE,
            0,
            "contributions too short",
            reasons.INSUFFICIENT_CONTRIBUTIONS.reason(shortfall(known, date_of_death, rules.laws)),
        )
    return FuneralDecision(Benefit.NONE, 0, "not insured", reasons.NOT_INSURED.reason())
