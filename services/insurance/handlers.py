"""Event handlers of social insurance: newborn → child's card; death → funeral benefit.

Batch-aware: the active cards, funeral decisions and insured persons a batch names, and whether
each new card's first-choice BHXH number is free, are read with one query each (``preload``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import insurance
from lienthong.contracts.civil_registry import DeathRegistered
from lienthong.contracts.population import CitizenRegistered
from lienthong.contracts.reasons import BENEFIT_ALREADY_DECIDED
from lienthong.contracts.services import INSURANCE
from lienthong.domain.bhyt import generate_bhxh_number
from lienthong.runtime.handlers import (
    Decisions,
    HandlerContext,
    Message,
    ServiceHandlers,
    handles,
)
from lienthong.runtime.randomness import RandomSource, first_free
from services.insurance.card_events import card_issued, child_card
from services.insurance.models import FuneralBenefit, HealthCard, InsuredPerson
from services.insurance.rules import (
    FuneralFacts,
    FuneralRules,
    decide_funeral_benefit,
    refuse_child_card,
)
from services.insurance.settings import InsuranceSettings


@dataclass
class InsuranceState:
    """What a batch needs of the insurance records, read once and kept current."""

    active_cards: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Active card codes by personal ID number."""
    decided: set[str] = field(default_factory=set)
    """Deceased whose funeral benefit is already decided."""
    insured: dict[str, InsuredPerson] = field(default_factory=dict)
    taken_numbers: set[str] = field(default_factory=set)


class InsuranceHandlers(ServiceHandlers):
    """Issues children's BHYT cards; decides funeral benefits and ends the deceased's cards."""

    service = INSURANCE

    def __init__(self, settings: InsuranceSettings, randomness: RandomSource) -> None:
        self._settings = settings
        self._funeral_rules = FuneralRules.from_settings(settings)
        self._randomness = randomness

    def _number_draws(self, citizen: CitizenRegistered) -> random.Random:
        """The generator of a card's BHXH number, derived from the insured child's ID number."""
        return self._randomness.derive("bhxh_number", citizen.personal_id)

    async def preload(
        self, session: AsyncSession, messages: list[Message[Any]], lookups: Any
    ) -> InsuranceState:
        """Active cards, decisions, insured persons and first-choice numbers, one query each."""
        state = InsuranceState()
        births = [m.payload for m in messages if isinstance(m.payload, CitizenRegistered)]
        deaths = [m.payload for m in messages if isinstance(m.payload, DeathRegistered)]
        people = {b.personal_id for b in births} | {d.deceased.personal_id for d in deaths}
        if not people:
            return state
        cards = await session.exec(
            select(HealthCard.personal_id, HealthCard.card_code).where(
                col(HealthCard.personal_id).in_(people), HealthCard.status == "active"
            )
        )
        for personal_id, card_code in cards.all():
            state.active_cards[personal_id].append(card_code)
        firsts = [generate_bhxh_number(b.province_code, self._number_draws(b)) for b in births]
        if firsts:
            taken = await session.exec(
                select(HealthCard.bhxh_number).where(col(HealthCard.bhxh_number).in_(firsts))
            )
            state.taken_numbers = set(taken.all())
        if deaths:
            deceased = [d.deceased.personal_id for d in deaths]
            decided = await session.exec(
                select(FuneralBenefit.personal_id).where(
                    col(FuneralBenefit.personal_id).in_(deceased)
                )
            )
            state.decided = set(decided.all())
            insured = await session.exec(
                select(InsuredPerson).where(col(InsuredPerson.personal_id).in_(deceased))
            )
            state.insured = {person.personal_id: person for person in insured.all()}
        return state

    async def _unused_bhxh_number(
        self, session: AsyncSession, citizen: CitizenRegistered, state: InsuranceState
    ) -> str:
        """The first free number of the child's own sequence of draws."""
        rng = self._number_draws(citizen)

        async def is_taken(candidate: str) -> bool:
            query = select(HealthCard.card_code).where(HealthCard.bhxh_number == candidate)
            return (await session.exec(query)).first() is not None

        draws = iter(lambda: generate_bhxh_number(citizen.province_code, rng), None)
        return await first_free(draws, state.taken_numbers, is_taken, what="BHXH number")

    @handles(CitizenRegistered)
    async def issue_child_card(
        self, session: AsyncSession, message: Message[CitizenRegistered], context: HandlerContext
    ) -> Decisions:
        """Cấp thẻ BHYT cho trẻ em dưới 6 tuổi, counted on the day the child was registered;
        announced as health_card_issued v1 or v2 (``CARD_EVENT_VERSION``)."""
        citizen, state, settings = message.payload, context.batch, self._settings
        refusal = refuse_child_card(
            citizen.date_of_birth,
            message.day,
            bool(state.active_cards.get(citizen.personal_id)),
            age_months=settings.child_card_age_months,
            school_year_cutoff=(
                settings.child_card_school_cutoff_month,
                settings.child_card_school_cutoff_day,
            ),
        )
        if refusal is not None:
            return [insurance.HealthCardRejected(dossier_id=message.dossier_id, reason=refusal)]
        bhxh_number = await self._unused_bhxh_number(session, citizen, state)
        card = child_card(citizen, bhxh_number, context.today, settings)
        session.add(card)
        state.taken_numbers.add(bhxh_number)
        state.active_cards[citizen.personal_id].append(card.card_code)
        return [card_issued(card, message.dossier_id, settings.card_event_version)]

    @handles(DeathRegistered)
    async def decide_funeral_benefit(
        self, session: AsyncSession, message: Message[DeathRegistered], context: HandlerContext
    ) -> Decisions:
        """Chế độ mai táng, and the deceased's BHYT cards end on the date of death."""
        death, state = message.payload, context.batch
        personal_id = death.deceased.personal_id
        if personal_id in state.decided:
            reason = BENEFIT_ALREADY_DECIDED.reason(personal_id)
            return [insurance.FuneralBenefitRejected(dossier_id=message.dossier_id, reason=reason)]
        insured = state.insured.get(personal_id)
        facts = (
            FuneralFacts(
                pensioner=insured.pensioner,
                compulsory_months=insured.compulsory_months,
                voluntary_months=insured.voluntary_months,
                contributing=insured.contributing,
                social_assistance=insured.social_assistance,
            )
            if insured is not None
            else None
        )
        decision = decide_funeral_benefit(
            facts,
            death.date_of_death,
            claimed=death.benefit_claim.requested,
            cause=death.benefit_claim.effective_cause,
            rules=self._funeral_rules,
        )
        cards = state.active_cards.pop(personal_id, [])
        if cards:
            await session.exec(
                update(HealthCard)
                .where(col(HealthCard.card_code).in_(cards))
                .values(status="ended", ended_on=death.date_of_death)
            )
        session.add(
            FuneralBenefit(
                personal_id=personal_id,
                dossier_id=message.dossier_id,
                benefit=decision.benefit,
                amount_vnd=decision.amount_vnd,
                basis=decision.basis,
                reason_code=decision.reason.code if decision.reason else None,
                date_of_death=death.date_of_death,
                decided_on=context.today,
            )
        )
        state.decided.add(personal_id)
        return [
            insurance.FuneralBenefitDecided(
                dossier_id=message.dossier_id,
                personal_id=personal_id,
                benefit=decision.benefit,
                amount_vnd=decision.amount_vnd,
                basis=decision.basis,
                reason=decision.reason,
                cards_ended=cards,
            )
        ]
