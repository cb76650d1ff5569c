"""Event handlers of the population database: event → decision → state + caused events."""

from __future__ import annotations

import random

from pydantic import BaseModel
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import civil_registry, population
from lienthong.contracts.envelope import CloudEvent, follow_up
from lienthong.domain.personal_id import generate_personal_id
from lienthong.runtime.consumer import Handler, HandlerContext
from services.population.models import Citizen, Household
from services.population.rules import choose_new_head, refuse_death, refuse_newborn

_random = random.SystemRandom()


def _event(type_: str, payload: BaseModel, cause: CloudEvent) -> CloudEvent:
    return follow_up(cause, source=population.SOURCE, type_=type_, payload=payload)


async def _unused_personal_id(session: AsyncSession, draft: Citizen) -> str:
    """Draw random serials until the number is free (a million serials per prefix)."""
    for _ in range(100):
        candidate = generate_personal_id(
            draft.birth_province_code, draft.sex, draft.date_of_birth, _random
        )
        if await session.get(Citizen, candidate) is None:
            return candidate
    raise RuntimeError("no free personal ID number after 100 draws")


async def on_birth_registered(
    session: AsyncSession, event: CloudEvent, _context: HandlerContext
) -> list[CloudEvent]:
    """Cấp số định danh cá nhân and đăng ký thường trú for a newborn."""
    registration = civil_registry.BirthRegistered.model_validate(event.data)
    head = await session.get(Citizen, registration.residence.household_head_personal_id)
    already = (
        await session.exec(
            select(Citizen.personal_id).where(
                Citizen.birth_registration_number == registration.registration_number
            )
        )
    ).first() is not None
    refusal = refuse_newborn(registration, head, already)
    if refusal is not None:
        rejected = population.CitizenRejected(dossier_id=registration.dossier_id, reason=refusal)
        return [_event(population.CITIZEN_REJECTED, rejected, event)]
    assert head is not None and head.household_id is not None
    child = registration.child
    citizen = Citizen(
        personal_id="",
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
    citizen.personal_id = await _unused_personal_id(session, citizen)
    session.add(citizen)
    parents = {registration.mother.personal_id}
    if registration.father is not None:
        parents.add(registration.father.personal_id)
    registered = population.CitizenRegistered(
        dossier_id=registration.dossier_id,
        personal_id=citizen.personal_id,
        full_name=citizen.full_name,
        date_of_birth=citizen.date_of_birth,
        sex=citizen.sex,
        household_id=head.household_id,
        commune_code=head.commune_code or "",
        province_code=head.province_code or "",
        birth_registration_number=registration.registration_number,
        health_insurance=registration.health_insurance,
        verification_required=head.personal_id not in parents,
    )
    return [_event(population.CITIZEN_REGISTERED, registered, event)]


async def on_death_registered(
    session: AsyncSession, event: CloudEvent, context: HandlerContext
) -> list[CloudEvent]:
    """Ghi nhận người chết and xóa đăng ký thường trú; a dead head hands the household over."""
    death = civil_registry.DeathRegistered.model_validate(event.data)
    citizen = await session.get(Citizen, death.deceased.personal_id)
    refusal = refuse_death(death, citizen)
    if refusal is not None:
        rejected = population.DeathRecordRejected(dossier_id=death.dossier_id, reason=refusal)
        return [_event(population.DEATH_RECORD_REJECTED, rejected, event)]
    assert citizen is not None
    household_id, commune = citizen.household_id, citizen.commune_code
    new_head: Citizen | None = None
    if citizen.is_household_head and household_id is not None:
        members = (
            await session.exec(
                select(Citizen).where(
                    Citizen.household_id == household_id,
                    Citizen.personal_id != citizen.personal_id,
                    col(Citizen.alive),
                )
            )
        ).all()
        new_head = choose_new_head(list(members))
        household = await session.get(Household, household_id)
        if new_head is not None and household is not None:
            new_head.is_household_head = True
            household.head_personal_id = new_head.personal_id
            session.add_all([new_head, household])
    citizen.alive = False
    citizen.date_of_death = death.date_of_death
    citizen.death_registration_number = death.registration_number
    citizen.is_household_head = False
    citizen.previous_commune_code = commune
    citizen.household_id = citizen.commune_code = citizen.province_code = citizen.address = None
    citizen.residence_removed_on = context.today
    session.add(citizen)
    recorded = population.DeathRecorded(
        dossier_id=death.dossier_id,
        personal_id=citizen.personal_id,
        date_of_death=death.date_of_death,
        residence_removed_on=context.today,
        previous_household_id=household_id,
        previous_commune_code=commune,
        new_household_head_personal_id=new_head.personal_id if new_head else None,
    )
    return [_event(population.DEATH_RECORDED, recorded, event)]


HANDLERS: dict[str, Handler] = {
    civil_registry.BIRTH_REGISTERED: on_birth_registered,
    civil_registry.DEATH_REGISTERED: on_death_registered,
}
