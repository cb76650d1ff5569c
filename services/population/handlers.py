"""Event handlers of the population database: event → decision → state + caused events."""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import civil_registry, population
from lienthong.contracts.envelope import CloudEvent, follow_up
from lienthong.domain.personal_id import generate_personal_id
from lienthong.runtime.consumer import Handler
from services.population.models import Citizen
from services.population.rules import refuse_newborn

_random = random.SystemRandom()


async def _unused_personal_id(session: AsyncSession, draft: Citizen) -> str:
    """Draw random serials until the number is free (a million serials per prefix)."""
    for _ in range(100):
        candidate = generate_personal_id(
            draft.birth_province_code,
            draft.sex,
            draft.date_of_birth,
            _random,
        )
        if await session.get(Citizen, candidate) is None:
            return candidate
    raise RuntimeError("no free personal ID number after 100 draws")


async def on_birth_registered(
    session: AsyncSession, event: CloudEvent, _lookups: Any
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
    )
    return [_event(population.CITIZEN_REGISTERED, registered, event)]


def _event(type_: str, payload: BaseModel, cause: CloudEvent) -> CloudEvent:
    return follow_up(cause, source=population.SOURCE, type_=type_, payload=payload)


HANDLERS: dict[str, Handler] = {
    civil_registry.BIRTH_REGISTERED: on_birth_registered,
}
