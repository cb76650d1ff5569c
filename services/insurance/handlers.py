"""Event handlers of social insurance: newborn → child's card; death → funeral benefit."""

from __future__ import annotations

import random

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import civil_registry, insurance, population
from lienthong.contracts.envelope import CloudEvent, follow_up
from lienthong.contracts.reasons import BENEFIT_ALREADY_DECIDED
from lienthong.domain.bhyt import child_card_code, child_card_valid_until, generate_bhxh_number
from lienthong.runtime.consumer import Handler, HandlerContext
from services.insurance.models import FuneralBenefit, HealthCard, InsuredPerson
from services.insurance.rules import (
    FuneralFacts,
    FuneralRules,
    decide_funeral_benefit,
    refuse_child_card,
)
from services.insurance.settings import InsuranceSettings

_random = random.SystemRandom()


async def _unused_bhxh_number(session: AsyncSession, province_code: str) -> str:
    for _ in range(100):
        candidate = generate_bhxh_number(province_code, _random)
        taken = (
            await session.exec(
                select(HealthCard.card_code).where(HealthCard.bhxh_number == candidate)
            )
        ).first()
        if taken is None:
            return candidate
    raise RuntimeError("no free BHXH number after 100 draws")


def _event(type_: str, payload: BaseModel, cause: CloudEvent) -> CloudEvent:
    return follow_up(cause, source=insurance.SOURCE, type_=type_, payload=payload)


def make_handlers(settings: InsuranceSettings) -> dict[str, Handler]:
    """Handlers bound to the configured card and funeral rules."""
    funeral_rules = FuneralRules.from_settings(settings)

    async def on_citizen_registered(
        session: AsyncSession, event: CloudEvent, context: HandlerContext
    ) -> list[CloudEvent]:
        """Cấp thẻ BHYT cho trẻ em dưới 6 tuổi."""
        citizen = population.CitizenRegistered.model_validate(event.data)
        active = (
            await session.exec(
                select(HealthCard.card_code).where(
                    HealthCard.personal_id == citizen.personal_id, HealthCard.status == "active"
                )
            )
        ).first() is not None
        refusal = refuse_child_card(
            citizen.date_of_birth, context.today, active, age_months=settings.child_card_age_months
        )
        if refusal is not None:
            rejected = insurance.HealthCardRejected(dossier_id=citizen.dossier_id, reason=refusal)
            return [_event(insurance.CARD_REJECTED, rejected, event)]
        bhxh_number = await _unused_bhxh_number(session, citizen.province_code)
        card = HealthCard(
            card_code=child_card_code(citizen.province_code, bhxh_number),
            personal_id=citizen.personal_id,
            bhxh_number=bhxh_number,
            province_code=citizen.province_code,
            initial_clinic_code=citizen.health_insurance.initial_clinic_code,
            valid_from=max(context.today, citizen.date_of_birth),
            valid_until=child_card_valid_until(
                citizen.date_of_birth,
                age_months=settings.child_card_age_months,
                school_year_cutoff=(
                    settings.child_card_school_cutoff_month,
                    settings.child_card_school_cutoff_day,
                ),
            ),
            dossier_id=citizen.dossier_id,
        )
        session.add(card)
        issued = insurance.HealthCardIssued(
            dossier_id=citizen.dossier_id,
            personal_id=citizen.personal_id,
            card_code=card.card_code,
            valid_from=card.valid_from,
            valid_until=card.valid_until,
            initial_clinic_code=card.initial_clinic_code,
        )
        return [_event(insurance.CARD_ISSUED, issued, event)]

    async def on_death_registered(
        session: AsyncSession, event: CloudEvent, context: HandlerContext
    ) -> list[CloudEvent]:
        """Chế độ mai táng, and the deceased's BHYT cards end on the date of death."""
        death = civil_registry.DeathRegistered.model_validate(event.data)
        personal_id = death.deceased.personal_id
        if await session.get(FuneralBenefit, personal_id) is not None:
            rejected = insurance.FuneralBenefitRejected(
                dossier_id=death.dossier_id, reason=BENEFIT_ALREADY_DECIDED.reason(personal_id)
            )
            return [_event(insurance.FUNERAL_BENEFIT_REJECTED, rejected, event)]
        insured = await session.get(InsuredPerson, personal_id)
        facts = (
            FuneralFacts(
                pensioner=insured.pensioner,
                compulsory_months=insured.compulsory_months,
                voluntary_months=insured.voluntary_months,
                social_assistance=insured.social_assistance,
            )
            if insured is not None
            else None
        )
        decision = decide_funeral_benefit(
            facts,
            death.date_of_death,
            claimed=death.benefit_claim.requested,
            disaster=death.benefit_claim.disaster_death,
            rules=funeral_rules,
        )
        cards = list(
            (
                await session.exec(
                    select(HealthCard.card_code).where(
                        HealthCard.personal_id == personal_id, HealthCard.status == "active"
                    )
                )
            ).all()
        )
        if cards:
            await session.exec(
                update(HealthCard)
                .where(col(HealthCard.card_code).in_(cards))
                .values(status="ended", ended_on=death.date_of_death)
            )
        session.add(
            FuneralBenefit(
                personal_id=personal_id,
                dossier_id=death.dossier_id,
                benefit=decision.benefit,
                amount_vnd=decision.amount_vnd,
                basis=decision.basis,
                reason_code=decision.reason.code if decision.reason else None,
                date_of_death=death.date_of_death,
                decided_on=context.today,
            )
        )
        decided = insurance.FuneralBenefitDecided(
            dossier_id=death.dossier_id,
            personal_id=personal_id,
            benefit=decision.benefit,
            amount_vnd=decision.amount_vnd,
            basis=decision.basis,
            reason=decision.reason,
            cards_ended=cards,
        )
        return [_event(insurance.FUNERAL_BENEFIT_DECIDED, decided, event)]

    return {
        population.CITIZEN_REGISTERED: on_citizen_registered,
        civil_registry.DEATH_REGISTERED: on_death_registered,
    }
