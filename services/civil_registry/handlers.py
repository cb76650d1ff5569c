"""Event handlers of the civil registry: a submitted birth dossier → registration or refusal."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import civil_registry, gateway
from lienthong.contracts.envelope import CloudEvent, follow_up
from lienthong.domain.admin_units import load_admin_units
from lienthong.runtime.consumer import Handler
from services.civil_registry import rules
from services.civil_registry.models import BirthRegistration, RegisterCounter
from services.civil_registry.population_client import PersonRecord, PopulationClient


def parent_ids(events: list[CloudEvent]) -> list[str]:
    """Every parent ID number declared in a batch of submitted birth dossiers."""
    ids: list[str] = []
    for event in events:
        form = event.data.get("form") if event.type == gateway.DOSSIER_SUBMITTED else None
        if not isinstance(form, dict) or form.get("kind") != "birth":
            continue
        for role in ("mother", "father"):
            parent = form.get(role)
            if isinstance(parent, dict) and isinstance(parent.get("personal_id"), str):
                ids.append(parent["personal_id"])
    return ids


def make_prefetch(client: PopulationClient) -> Any:
    """The batch lookup of every parent, done before the transaction."""

    async def prefetch(events: list[CloudEvent]) -> dict[str, PersonRecord]:
        ids = parent_ids(events)
        return await client.lookup(ids) if ids else {}

    return prefetch


async def _next_number(session: AsyncSession, commune_code: str, year: int) -> int:
    counter = await session.get(RegisterCounter, (commune_code, year, "birth"))
    if counter is None:
        counter = RegisterCounter(commune_code=commune_code, year=year, kind="birth")
    counter.last_number += 1
    session.add(counter)
    return counter.last_number


async def on_dossier_submitted(
    session: AsyncSession, event: CloudEvent, people: dict[str, PersonRecord]
) -> list[CloudEvent]:
    """Đăng ký khai sinh: check the parents, refuse duplicates, register and number it."""
    submitted = gateway.DossierSubmitted.model_validate(event.data)
    form = submitted.form
    key = rules.duplicate_key(form)
    already = (
        await session.exec(
            select(BirthRegistration.registration_number).where(
                BirthRegistration.duplicate_key == key
            )
        )
    ).first() is not None
    refusal = rules.refuse_birth(form, dict(people), already)
    if refusal is not None:
        rejected = civil_registry.BirthRejected(dossier_id=submitted.dossier_id, reason=refusal)
        return [_event(civil_registry.BIRTH_REJECTED, rejected, event)]
    commune = form.residence.commune_code
    commune_unit = load_admin_units().commune(commune)
    province = commune_unit.province_code if commune_unit else commune[:2]
    today = date.today()
    sequence = await _next_number(session, commune, today.year)
    registration = BirthRegistration(
        registration_number=rules.registration_number(commune, today.year, sequence),
        birth_certificate_number=rules.birth_certificate_number(commune, today.year, sequence),
        dossier_id=submitted.dossier_id,
        commune_code=commune,
        province_code=province,
        registered_on=today,
        child_full_name=form.child.full_name,
        child_date_of_birth=form.child.date_of_birth,
        child_sex=form.child.sex,
        mother_personal_id=form.mother.personal_id,
        father_personal_id=form.father.personal_id if form.father else None,
        duplicate_key=key,
    )
    session.add(registration)
    registered = civil_registry.BirthRegistered(
        dossier_id=submitted.dossier_id,
        registration_number=registration.registration_number,
        birth_certificate_number=registration.birth_certificate_number,
        registered_on=today,
        registration_province_code=province,
        child=form.child,
        mother=form.mother,
        father=form.father,
        residence=form.residence,
        health_insurance=form.health_insurance,
    )
    return [_event(civil_registry.BIRTH_REGISTERED, registered, event)]


def _event(type_: str, payload: BaseModel, cause: CloudEvent) -> CloudEvent:
    return follow_up(cause, source=civil_registry.SOURCE, type_=type_, payload=payload)


HANDLERS: dict[str, Handler] = {
    gateway.DOSSIER_SUBMITTED: on_dossier_submitted,
}
