"""Event handlers of the population database: event → decision → state + decided events.

Batch-aware: the citizens a batch names (household heads, the deceased), the births already
given a number, and whether each newborn's first-choice ID number is free are read with one
query each (``preload``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import population
from lienthong.contracts.civil_registry import BirthRegistered, DeathRegistered
from lienthong.contracts.services import POPULATION
from lienthong.domain.personal_id import generate_personal_id
from lienthong.domain.text import nfc
from lienthong.runtime.handlers import (
    Decisions,
    HandlerContext,
    Message,
    ServiceHandlers,
    handles,
)
from lienthong.runtime.randomness import RandomSource, first_free
from services.population.models import Citizen, Household
from services.population.rules import choose_new_head, refuse_death, refuse_newborn


@dataclass
class PopulationState:
    """What a batch needs of the population database, read once."""

    citizens: dict[str, Citizen] = field(default_factory=dict)
    registered_births: set[str] = field(default_factory=set)
    """Birth registration numbers that already have a citizen."""
    taken_ids: set[str] = field(default_factory=set)
    """ID numbers known to be taken (first choices found in use, and those issued now)."""


class PopulationHandlers(ServiceHandlers):
    """Issues ID numbers and registers residence; records deaths and removes residence."""

    service = POPULATION

    def __init__(self, randomness: RandomSource) -> None:
        self._randomness = randomness

    def _id_draws(self, registration: BirthRegistered) -> random.Random:
        """The generator of a newborn's serial, derived from the birth itself.

        Keyed by the mother, the child's name and date of birth — what makes a birth one birth
        — so the same dossier gets the same number whatever order births arrive in.
        """
        child = registration.child
        return self._randomness.derive(
            "personal_id",
            registration.mother.personal_id,
            nfc(child.full_name).casefold(),
            child.date_of_birth.isoformat(),
        )

    def _candidate(self, registration: BirthRegistered, rng: random.Random) -> str:
        child = registration.child
        return generate_personal_id(
            registration.registration_province_code, child.sex, child.date_of_birth, rng
        )

    async def preload(
        self, session: AsyncSession, messages: list[Message[Any]], lookups: Any
    ) -> PopulationState:
        """Heads, the deceased, births already numbered and first-choice numbers in use."""
        state = PopulationState()
        births = [m.payload for m in messages if isinstance(m.payload, BirthRegistered)]
        deaths = [m.payload for m in messages if isinstance(m.payload, DeathRegistered)]
        firsts = [self._candidate(b, self._id_draws(b)) for b in births]
        people = {b.residence.household_head_personal_id for b in births}
        people |= {d.deceased.personal_id for d in deaths}
        if people or firsts:
            # Locked (on PostgreSQL) until the batch commits, in key order: another instance
            # recording a death in the same household waits, then reads who is alive and head.
            rows = await session.exec(
                select(Citizen)
                .where(col(Citizen.personal_id).in_(people | set(firsts)))
                .order_by(col(Citizen.personal_id))
                .with_for_update()
            )
            found = {citizen.personal_id: citizen for citizen in rows.all()}
            state.citizens = {pid: c for pid, c in found.items() if pid in people}
            state.taken_ids = {pid for pid in firsts if pid in found}
        if births:
            numbers = [b.registration_number for b in births]
            found_numbers = await session.exec(
                select(Citizen.birth_registration_number).where(
                    col(Citizen.birth_registration_number).in_(numbers)
                )
            )
            state.registered_births = {n for n in found_numbers.all() if n is not None}
        return state

    async def _unused_personal_id(
        self, session: AsyncSession, registration: BirthRegistered, state: PopulationState
    ) -> str:
        """The first free number in the birth's own sequence of draws."""
        rng = self._id_draws(registration)

        async def is_taken(candidate: str) -> bool:
            return await session.get(Citizen, candidate) is not None

        draws = iter(lambda: self._candidate(registration, rng), None)
        return await first_free(draws, state.taken_ids, is_taken, what="personal ID number")

    @handles(BirthRegistered)
    async def register_newborn(
        self, session: AsyncSession, message: Message[BirthRegistered], context: HandlerContext
    ) -> Decisions:
        """Cấp số định danh cá nhân and đăng ký thường trú for a newborn."""
        registration, state = message.payload, context.batch
        head = state.citizens.get(registration.residence.household_head_personal_id)
        already = registration.registration_number in state.registered_births
        refusal = refuse_newborn(registration, head, already)
        if refusal is not None:
            return [population.CitizenRejected(dossier_id=message.dossier_id, reason=refusal)]
        assert head is not None and head.household_id is not None
        child = registration.child
        personal_id = await self._unused_personal_id(session, registration, state)
        session.add(
            Citizen(
                personal_id=personal_id,
                family_name=child.family_name,
                middle_name=child.middle_name,
                given_name=child.given_name,
                full_name=child.full_name,
                sex=child.sex,
                date_of_birth=child.date_of_birth,
                birth_province_code=registration.registration_province_code,
                household_id=head.household_id,
                commune_code=head.commune_code,
                province_code=head.province_code,
                address=head.address,
                mother_personal_id=registration.mother.personal_id,
                father_personal_id=registration.father.personal_id if registration.father else None,
                birth_registration_number=registration.registration_number,
                source="birth_registration",
            )
        )
        state.taken_ids.add(personal_id)
        state.registered_births.add(registration.registration_number)
        parents = {registration.mother.personal_id}
        if registration.father is not None:
            parents.add(registration.father.personal_id)
        return [
            population.CitizenRegistered(
                dossier_id=message.dossier_id,
                personal_id=personal_id,
                full_name=child.full_name,
                date_of_birth=child.date_of_birth,
                sex=child.sex,
                household_id=head.household_id,
                commune_code=head.commune_code or "",
                province_code=head.province_code or "",
                birth_registration_number=registration.registration_number,
                health_insurance=registration.health_insurance,
                verification_required=head.personal_id not in parents,
            )
        ]

    @handles(DeathRegistered)
    async def record_death(
        self, session: AsyncSession, message: Message[DeathRegistered], context: HandlerContext
    ) -> Decisions:
        """Ghi nhận người chết and xóa đăng ký thường trú; a dead head hands the household over."""
        death = message.payload
        citizen = context.batch.citizens.get(death.deceased.personal_id)
        refusal = refuse_death(death, citizen)
        if refusal is not None:
            return [population.DeathRecordRejected(dossier_id=message.dossier_id, reason=refusal)]
        assert citizen is not None
        household_id, commune = citizen.household_id, citizen.commune_code
        new_head = await self._hand_over(session, citizen) if citizen.is_household_head else None
        citizen.alive = False
        citizen.date_of_death = death.date_of_death
        citizen.death_registration_number = death.registration_number
        citizen.is_household_head = False
        citizen.previous_commune_code = commune
        citizen.household_id = citizen.commune_code = citizen.province_code = None
        citizen.address = None
        citizen.residence_removed_on = context.today
        session.add(citizen)
        return [
            population.DeathRecorded(
                dossier_id=message.dossier_id,
                personal_id=citizen.personal_id,
                date_of_death=death.date_of_death,
                residence_removed_on=context.today,
                previous_household_id=household_id,
                previous_commune_code=commune,
                new_household_head_personal_id=new_head.personal_id if new_head else None,
            )
        ]

    @staticmethod
    async def _hand_over(session: AsyncSession, head: Citizen) -> Citizen | None:
        """The household's oldest living member becomes its head."""
        if head.household_id is None:
            return None
        members = (
            await session.exec(
                select(Citizen)
                .where(
                    Citizen.household_id == head.household_id,
                    Citizen.personal_id != head.personal_id,
                    col(Citizen.alive),
                )
                .order_by(col(Citizen.personal_id))
                .with_for_update()
            )
        ).all()
        new_head = choose_new_head(list(members))
        household = await session.get(Household, head.household_id)
        if new_head is not None and household is not None:
            new_head.is_household_head = True
            household.head_personal_id = new_head.personal_id
            session.add_all([new_head, household])
        return new_head
