"""Event handlers of the population database: event → decision → state + decided events.

Batch-aware: the citizens a batch names (household heads, the deceased), the births already
given a number, and whether each newborn's first-choice ID number is free are read with one
query each (``preload``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import population, reasons
from lienthong.contracts.civil_registry import BirthRegistered, DeathRegistered
from lienthong.contracts.reasons import Reason
from lienthong.contracts.services import POPULATION
from lienthong.runtime.handlers import (
    Decisions,
    HandlerContext,
    Message,
    ServiceHandlers,
    handles,
)
from lienthong.runtime.randomness import RandomSource, first_free
from services.population.models import Citizen, Household
from services.population.newborns import id_draws
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

    def _id_draws(self, registration: BirthRegistered) -> Iterator[str]:
        """The candidate numbers of a newborn the civil registry did not number (an event of
        an earlier version, or a registry that does not ask): the same sequence as at
        registration (:func:`~services.population.newborns.id_draws`)."""
        child = registration.child
        return id_draws(
            self._randomness,
            registration.mother.personal_id,
            child.full_name,
            child.date_of_birth,
            registration.registration_province_code,
            child.sex,
        )

    async def preload(
        self, session: AsyncSession, messages: list[Message[Any]], lookups: Any
    ) -> PopulationState:
        """Heads, the deceased, births already numbered and first-choice numbers in use."""
        state = PopulationState()
        births = [m.payload for m in messages if isinstance(m.payload, BirthRegistered)]
        deaths = [m.payload for m in messages if isinstance(m.payload, DeathRegistered)]
        firsts = [next(self._id_draws(b)) for b in births if b.personal_id is None]
        people = {b.residence.household_head_personal_id for b in births}
        people |= {b.personal_id for b in births if b.personal_id is not None}
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

        async def is_taken(candidate: str) -> bool:
            return await session.get(Citizen, candidate) is not None

        draws = self._id_draws(registration)
        return await first_free(draws, state.taken_ids, is_taken, what="personal ID number")

    async def _newborn(
        self, session: AsyncSession, message: Message[BirthRegistered], state: PopulationState
    ) -> Citizen | Reason:
        """The child's row: the one numbered at registration, or a new one numbered now.

        The civil registry obtained the number while registering (``personal_id`` on the
        event): that row exists since, without a residence. A number the population database
        does not hold (issued elsewhere) makes a new row; one held by another person is refused
        rather than giving the certificate and the register two different numbers.
        """
        registration = message.payload
        numbered = registration.personal_id
        if numbered is None:
            personal_id = await self._unused_personal_id(session, registration, state)
            return _new_citizen(registration, personal_id)
        row = state.citizens.get(numbered)
        if row is None:
            return _new_citizen(registration, numbered)
        if row.birth_dossier_id != message.dossier_id or row.household_id is not None:
            return reasons.CITIZEN_ALREADY_REGISTERED.reason(
                f"personal ID number {numbered} is held by another citizen"
            )
        return row

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
        newborn = await self._newborn(session, message, state)
        if isinstance(newborn, Reason):
            return [population.CitizenRejected(dossier_id=message.dossier_id, reason=newborn)]
        child, personal_id = registration.child, newborn.personal_id
        newborn.household_id = head.household_id
        newborn.commune_code = head.commune_code
        newborn.province_code = head.province_code
        newborn.address = head.address
        newborn.birth_registration_number = registration.registration_number
        session.add(newborn)
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


def _new_citizen(registration: BirthRegistered, personal_id: str) -> Citizen:
    """A newborn with no row yet (numbered now, or by a registry elsewhere)."""
    child = registration.child
    return Citizen(
        personal_id=personal_id,
        family_name=child.family_name,
        middle_name=child.middle_name,
        given_name=child.given_name,
        full_name=child.full_name,
        sex=child.sex,
        date_of_birth=child.date_of_birth,
        birth_province_code=registration.registration_province_code,
        mother_personal_id=registration.mother.personal_id,
        father_personal_id=registration.father.personal_id if registration.father else None,
        birth_dossier_id=registration.dossier_id,
        source="birth_registration",
    )
