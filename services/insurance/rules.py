"""Decisions of social insurance, free of I/O so they can be unit-tested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lienthong.contracts import reasons
from lienthong.contracts.insurance import Benefit
from lienthong.contracts.reasons import Reason
from lienthong.domain.bhyt import is_under_six
from services.insurance.settings import InsuranceSettings, parse_schedule


def refuse_child_card(
    date_of_birth: date, today: date, has_active_card: bool, *, age_months: int = 72
) -> Reason | None:
    """Why a child's card (thẻ BHYT trẻ em dưới 6 tuổi) cannot be issued, or None to issue it."""
    if not is_under_six(date_of_birth, today, age_months):
        return reasons.NOT_UNDER_SIX.reason(f"born {date_of_birth.isoformat()}")
    if has_active_card:
        return reasons.CARD_ALREADY_ISSUED.reason()
    return None


@dataclass(frozen=True)
class FuneralRules:
    """The funeral benefit figures (see :class:`InsuranceSettings` for their sources)."""

    reference_levels: tuple[tuple[date, int], ...]
    assistance_levels: tuple[tuple[date, int], ...]
    allowance_multiplier: int = 10
    min_compulsory_months: int = 12
    min_voluntary_months: int = 60
    support_multiplier: int = 20
    disaster_multiplier: int = 50

    @classmethod
    def from_settings(cls, settings: InsuranceSettings) -> FuneralRules:
        """The rules as configured."""
        return cls(
            reference_levels=parse_schedule(settings.reference_levels),
            assistance_levels=parse_schedule(settings.assistance_levels),
            allowance_multiplier=settings.funeral_allowance_multiplier,
            min_compulsory_months=settings.allowance_min_compulsory_months,
            min_voluntary_months=settings.allowance_min_voluntary_months,
            support_multiplier=settings.funeral_support_multiplier,
            disaster_multiplier=settings.disaster_support_multiplier,
        )


@dataclass(frozen=True)
class FuneralFacts:
    """What insurance knows about the deceased."""

    pensioner: bool = False
    compulsory_months: int = 0
    voluntary_months: int = 0
    social_assistance: bool = False


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
    disaster: bool,
    rules: FuneralRules,
) -> FuneralDecision:
    """Trợ cấp mai táng or hỗ trợ chi phí mai táng — one benefit, the higher when both apply.

    - BHXH funeral allowance: pensioners, or at least ``min_compulsory_months`` of compulsory
      or ``min_voluntary_months`` of voluntary contributions — multiplier × the reference level
      in force on the date of death.
    - Social-assistance funeral support: monthly beneficiaries — multiplier × the standard
      assistance level; deaths in a natural disaster get the disaster multiplier, whoever died.
    - Otherwise nothing, with the reason (no contributions at all, or too few).
    """
    if not claimed:
        return FuneralDecision(Benefit.NONE, 0, "not claimed", reasons.BENEFIT_NOT_CLAIMED.reason())
    known = facts or FuneralFacts()
    options: list[FuneralDecision] = []
    allowance = rules.allowance_multiplier * level_on(rules.reference_levels, date_of_death)
    if known.pensioner:
        options.append(FuneralDecision(Benefit.FUNERAL_ALLOWANCE, allowance, "pensioner"))
    elif known.compulsory_months >= rules.min_compulsory_months:
        basis = f"{known.compulsory_months} months of compulsory contributions"
        options.append(FuneralDecision(Benefit.FUNERAL_ALLOWANCE, allowance, basis))
    elif known.voluntary_months >= rules.min_voluntary_months:
        basis = f"{known.voluntary_months} months of voluntary contributions"
        options.append(FuneralDecision(Benefit.FUNERAL_ALLOWANCE, allowance, basis))
    standard = level_on(rules.assistance_levels, date_of_death)
    if disaster:
        amount = rules.disaster_multiplier * standard
        options.append(FuneralDecision(Benefit.FUNERAL_SUPPORT, amount, "death in a disaster"))
    elif known.social_assistance:
        amount = rules.support_multiplier * standard
        options.append(
            FuneralDecision(Benefit.FUNERAL_SUPPORT, amount, "social assistance beneficiary")
        )
    if options:
        # Stable sort: on equal amounts the BHXH allowance (listed first) wins.
        return sorted(options, key=lambda option: -option.amount_vnd)[0]
    if known.compulsory_months or known.voluntary_months:
        detail = (
            f"{known.compulsory_months} compulsory / {known.voluntary_months} voluntary months; "
            f"needs {rules.min_compulsory_months} / {rules.min_voluntary_months}"
        )
        return FuneralDecision(
            Benefit.NONE,
            0,
            "contributions too short",
            reasons.INSUFFICIENT_CONTRIBUTIONS.reason(detail),
        )
    return FuneralDecision(Benefit.NONE, 0, "not insured", reasons.NOT_INSURED.reason())
