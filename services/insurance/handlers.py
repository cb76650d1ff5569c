"""Event handlers of social insurance: a newborn citizen → the child's BHYT card."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import insurance, population
from lienthong.contracts.envelope import CloudEvent, follow_up
from lienthong.domain.bhyt import child_card_code, child_card_valid_until, generate_bhxh_number
from lienthong.runtime.consumer import Handler
from services.insurance.models import HealthCard
from services.insurance.rules import refuse_child_card
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


def make_handlers(settings: InsuranceSettings) -> dict[str, Handler]:
    """Handlers bound to the configured card rule."""

    async def on_citizen_registered(
        session: AsyncSession, event: CloudEvent, _lookups: Any
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
        today = date.today()
        refusal = refuse_child_card(
            citizen.date_of_birth, today, active, age_months=settings.child_card_age_months
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
            valid_from=max(today, citizen.date_of_birth),
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

    return {population.CITIZEN_REGISTERED: on_citizen_registered}


def _event(type_: str, payload: BaseModel, cause: CloudEvent) -> CloudEvent:
    return follow_up(cause, source=insurance.SOURCE, type_=type_, payload=payload)
