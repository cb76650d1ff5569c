"""Event handlers of the civil registry: submitted dossiers → registrations or refusals."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import civil_registry, gateway
from lienthong.contracts.dossiers import BirthDossier, DeathDossier
from lienthong.contracts.envelope import CloudEvent, follow_up
from lienthong.domain.admin_units import load_admin_units
from lienthong.runtime.consumer import Handler, HandlerContext
from services.civil_registry import rules
from services.civil_registry.models import BirthRegistration, DeathRegistration, RegisterCounter
from services.civil_registry.population_client import PersonRecord, PopulationClient
from services.civil_registry.settings import CivilRegistrySettings

_PEOPLE_IN_FORM = {"birth": ("mother", "father"), "death": ("deceased",)}


def people_to_check(events: list[CloudEvent]) -> list[str]:
    """Every parent or deceased ID number declared in a batch of submitted dossiers."""
    ids: list[str] = []
    for event in events:
        form = event.data.get("form") if event.type == gateway.DOSSIER_SUBMITTED else None
        if not isinstance(form, dict):
            continue
        for role in _PEOPLE_IN_FORM.get(str(form.get("kind")), ()):
            person = form.get(role)
            if isinstance(person, dict) and isinstance(person.get("personal_id"), str):
                ids.append(person["personal_id"])
    return ids


def make_prefetch(client: PopulationClient) -> Any:
    """The batch lookup of every person the batch's dossiers name, done before the transaction."""

    async def prefetch(events: list[CloudEvent]) -> dict[str, PersonRecord]:
        ids = people_to_check(events)
        return await client.lookup(ids) if ids else {}

    return prefetch


async def _next_number(session: AsyncSession, commune_code: str, year: int, kind: str) -> int:
    counter = await session.get(RegisterCounter, (commune_code, year, kind))
    if counter is None:
        counter = RegisterCounter(commune_code=commune_code, year=year, kind=kind)
    counter.last_number += 1
    session.add(counter)
    return counter.last_number


def _event(type_: str, payload: BaseModel, cause: CloudEvent) -> CloudEvent:
    return follow_up(cause, source=civil_registry.SOURCE, type_=type_, payload=payload)


async def _register_birth(
    session: AsyncSession,
    dossier_id: str,
    form: BirthDossier,
    context: HandlerContext,
    cause: CloudEvent,
) -> list[CloudEvent]:
    """Đăng ký khai sinh: check the parents, refuse duplicates, register and number it."""
    key = rules.duplicate_key(form)
    already = (
        await session.exec(
            select(BirthRegistration.registration_number).where(
                BirthRegistration.duplicate_key == key
            )
        )
    ).first() is not None
    refusal = rules.refuse_birth(form, dict(context.lookups), already)
    if refusal is not None:
        rejected = civil_registry.BirthRejected(dossier_id=dossier_id, reason=refusal)
        return [_event(civil_registry.BIRTH_REJECTED, rejected, cause)]
    commune = form.residence.commune_code
    commune_unit = load_admin_units().commune(commune)
    province = commune_unit.province_code if commune_unit else commune[:2]
    today = context.today
    sequence = await _next_number(session, commune, today.year, "birth")
    registration = BirthRegistration(
        registration_number=rules.registration_number(commune, today.year, sequence),
        birth_certificate_number=rules.birth_certificate_number(commune, today.year, sequence),
        dossier_id=dossier_id,
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
        dossier_id=dossier_id,
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
    return [_event(civil_registry.BIRTH_REGISTERED, registered, cause)]


async def _register_death(
    session: AsyncSession,
    dossier_id: str,
    form: DeathDossier,
    context: HandlerContext,
    cause: CloudEvent,
    limit_days: int,
) -> list[CloudEvent]:
    """Đăng ký khai tử at the commune of last residence; late ones are registered as such."""
    personal_id = form.deceased.personal_id
    known: PersonRecord | None = context.lookups.get(personal_id)
    already = (
        await session.exec(
            select(DeathRegistration.registration_number).where(
                DeathRegistration.deceased_personal_id == personal_id
            )
        )
    ).first() is not None
    today = context.today
    refusal = rules.refuse_death(form, known, already, today)
    if refusal is not None:
        rejected = civil_registry.DeathRejected(dossier_id=dossier_id, reason=refusal)
        return [_event(civil_registry.DEATH_REJECTED, rejected, cause)]
    commune = (known.commune_code if known else None) or form.place_of_death.commune_code
    sequence = await _next_number(session, commune, today.year, "death")
    late = rules.is_late_death_registration(form.date_of_death, today, limit_days)
    registration = DeathRegistration(
        registration_number=rules.death_registration_number(commune, today.year, sequence),
        death_extract_number=rules.death_extract_number(commune, today.year, sequence),
        dossier_id=dossier_id,
        deceased_personal_id=personal_id,
        deceased_full_name=form.deceased.full_name,
        commune_code=commune,
        registered_on=today,
        date_of_death=form.date_of_death,
        late_registration=late,
        late_registration_reason=form.late_registration_reason,
    )
    session.add(registration)
    registered = civil_registry.DeathRegistered(
        dossier_id=dossier_id,
        registration_number=registration.registration_number,
        death_extract_number=registration.death_extract_number,
        registered_on=today,
        deceased=form.deceased,
        date_of_death=form.date_of_death,
        place_of_death=form.place_of_death,
        late_registration=late,
        days_after_death=(today - form.date_of_death).days,
        benefit_claim=form.benefit_claim,
    )
    return [_event(civil_registry.DEATH_REGISTERED, registered, cause)]


def make_handlers(settings: CivilRegistrySettings) -> dict[str, Handler]:
    """Handlers bound to the configured registration limits."""

    async def on_dossier_submitted(
        session: AsyncSession, event: CloudEvent, context: HandlerContext
    ) -> list[CloudEvent]:
        submitted = gateway.DossierSubmitted.model_validate(event.data)
        form = submitted.form
        if isinstance(form, BirthDossier):
            return await _register_birth(session, submitted.dossier_id, form, context, event)
        return await _register_death(
            session, submitted.dossier_id, form, context, event, settings.death_registration_days
        )

    return {gateway.DOSSIER_SUBMITTED: on_dossier_submitted}
