"""Event handlers of the civil registry: received dossiers → registrations or refusals.

Batch-aware: the parents and the deceased of a whole batch are looked up in the population
database with one HTTP call before the transaction (``prefetch``), and the registers' state the
batch needs — births already registered, deaths already registered, the register counters — is
read inside it with one query each (``preload``).

Safe with several instances on PostgreSQL: the counters are locked while a batch numbers, and
the unique duplicate keys make a birth or death that another instance registered meanwhile a
conflict, decided again as the duplicate it is (see ``lienthong.runtime.applying``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import civil_registry
from lienthong.contracts.gateway import BirthDossierSubmitted, DeathDossierSubmitted
from lienthong.contracts.services import CIVIL_REGISTRY
from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.calendar import vietnam_date
from lienthong.runtime.handlers import (
    Decisions,
    HandlerContext,
    Message,
    ServiceHandlers,
    handles,
)
from services.civil_registry import rules, windows
from services.civil_registry.models import BirthRegistration, DeathRegistration, RegisterCounter
from services.civil_registry.population_client import PersonRecord, PopulationLookup


@dataclass
class RegistersState:
    """What a batch needs of the registers, read once and kept current as the batch registers."""

    birth_keys: set[str] = field(default_factory=set)
    """Duplicate keys of births already registered (among the batch's)."""
    deceased: set[str] = field(default_factory=set)
    """ID numbers whose death is already registered (among the batch's)."""
    counters: dict[tuple[str, int, str], RegisterCounter] = field(default_factory=dict)


@dataclass(frozen=True)
class Prefetched:
    """What a batch asked the population database before its transaction."""

    people: dict[str, PersonRecord]
    """The parents and the deceased the batch names, by personal ID number."""
    numbers: dict[str, str]
    """The children's personal ID numbers, by dossier id (none from a population that numbers
    at residence)."""


def _commune_of_birth(payload: BirthDossierSubmitted) -> str:
    return payload.residence.commune_code


def _commune_of_death(payload: DeathDossierSubmitted, known: PersonRecord | None) -> str:
    """Khai tử is registered at the commune of last residence, else where the person died."""
    return (known.commune_code if known else None) or payload.place_of_death.commune_code


class CivilRegistryHandlers(ServiceHandlers):
    """Registers births and deaths (đăng ký khai sinh, đăng ký khai tử)."""

    service = CIVIL_REGISTRY

    def __init__(
        self,
        population: PopulationLookup,
        death_registration_days: int,
        *,
        birth_registration_days: int = windows.BIRTH_REGISTRATION_DAYS,
        paternity_days_after_death: int = windows.PATERNITY_DAYS_AFTER_DEATH,
    ) -> None:
        """The legal windows come from the settings (``CivilRegistrySettings``), each cited
        there; the defaults are the law's (``services.civil_registry.windows``)."""
        self._population = population
        self._death_registration_days = death_registration_days
        self._birth_registration_days = birth_registration_days
        self._paternity_days = paternity_days_after_death

    async def prefetch(self, messages: list[Message[Any]]) -> Prefetched:
        """Every parent and deceased the batch names, in one call to the population database;
        then the personal ID numbers of the children that call shows can be registered."""
        ids: list[str] = []
        for message in messages:
            payload = message.payload
            if isinstance(payload, BirthDossierSubmitted):
                parents = [payload.mother, payload.father]
                ids += [parent.personal_id for parent in parents if parent is not None]
            elif isinstance(payload, DeathDossierSubmitted):
                ids.append(payload.deceased.personal_id)
        people = await self._population.lookup(ids) if ids else {}
        return Prefetched(people, await self._numbers(messages, people))

    async def _numbers(
        self, messages: list[Message[Any]], people: dict[str, PersonRecord]
    ) -> dict[str, str]:
        """Số định danh cá nhân for each birth the parents' check lets through (domain primer,
        lines 24–26: the registry obtains it while registering, so it is on the certificate).

        Asked for before the transaction, like the lookup, so a population outage retries the
        batch's messages instead of failing them. A birth refused on its parents is not
        numbered; one the transaction then finds already registered was numbered as the same
        child (population numbers a birth once: same mother, name and date of birth).
        """
        births = [
            rules.newborn_request(m.dossier_id, m.payload)
            for m in messages
            if isinstance(m.payload, BirthDossierSubmitted)
            and not rules.missing_documents(m.payload)
            and rules.refuse_birth(m.payload, dict(people), False, self._paternity_days) is None
        ]
        if not births:
            return {}
        return await self._population.number_newborns(births) or {}

    async def preload(
        self, session: AsyncSession, messages: list[Message[Any]], lookups: Any
    ) -> RegistersState:
        """The registers' rows the batch can touch: one query per register."""
        state = RegistersState()
        births = [m.payload for m in messages if isinstance(m.payload, BirthDossierSubmitted)]
        deaths = [m.payload for m in messages if isinstance(m.payload, DeathDossierSubmitted)]
        if births:
            keys = [rules.duplicate_key(payload) for payload in births]
            state.birth_keys = set(
                (
                    await session.exec(
                        select(BirthRegistration.duplicate_key).where(
                            col(BirthRegistration.duplicate_key).in_(keys)
                        )
                    )
                ).all()
            )
        if deaths:
            ids = [payload.deceased.personal_id for payload in deaths]
            state.deceased = set(
                (
                    await session.exec(
                        select(DeathRegistration.deceased_personal_id).where(
                            col(DeathRegistration.deceased_personal_id).in_(ids)
                        )
                    )
                ).all()
            )
        people: dict[str, PersonRecord] = lookups.people if lookups else {}
        communes = {_commune_of_birth(p) for p in births} | {
            _commune_of_death(p, people.get(p.deceased.personal_id)) for p in deaths
        }
        if communes:
            # Locked (on PostgreSQL) for the batch's transaction: another instance numbering
            # in the same communes waits here and then reads the numbers this one used. Taken
            # in key order, so two instances never wait on each other's locks.
            rows = await session.exec(
                select(RegisterCounter)
                .where(col(RegisterCounter.commune_code).in_(communes))
                .order_by(
                    col(RegisterCounter.commune_code),
                    col(RegisterCounter.year),
                    col(RegisterCounter.kind),
                )
                .with_for_update()
            )
            state.counters = {(r.commune_code, r.year, r.kind): r for r in rows.all()}
        return state

    async def _next_number(
        self, session: AsyncSession, state: RegistersState, commune: str, year: int, kind: str
    ) -> int:
        """The next number of one commune's register for one year (số thứ tự trong sổ)."""
        key = (commune, year, kind)
        counter = state.counters.get(key)
        if counter is None:
            counter = await session.get(RegisterCounter, key)  # a commune the batch did not name
        if counter is None:
            counter = RegisterCounter(commune_code=commune, year=year, kind=kind)
        counter.last_number += 1
        session.add(counter)
        state.counters[key] = counter
        return counter.last_number

    @handles(BirthDossierSubmitted)
    async def register_birth(
        self,
        session: AsyncSession,
        message: Message[BirthDossierSubmitted],
        context: HandlerContext,
    ) -> Decisions:
        """Đăng ký khai sinh: check the parents, refuse duplicates, register and number it;
        late ones (counted to the day the dossier was submitted) are registered as such."""
        form, state = message.payload, context.batch
        missing = rules.missing_documents(form)
        if missing:  # returned for completion: nothing registered, nothing numbered
            return [
                civil_registry.BirthDossierReturned(
                    dossier_id=message.dossier_id, returned_on=context.today, items=missing
                )
            ]
        key = rules.duplicate_key(form)
        refusal = rules.refuse_birth(
            form, dict(context.lookups.people), key in state.birth_keys, self._paternity_days
        )
        if refusal is not None:
            return [civil_registry.BirthRejected(dossier_id=message.dossier_id, reason=refusal)]
        commune = _commune_of_birth(form)
        province = load_admin_units().province_of_commune(commune)
        today = context.today
        sequence = await self._next_number(session, state, commune, today.year, "birth")
        received_on: date = vietnam_date(form.received_at)
        born = form.child.date_of_birth
        late = rules.is_late_birth_registration(born, received_on, self._birth_registration_days)
        personal_id = context.lookups.numbers.get(message.dossier_id)
        registration = BirthRegistration(
            registration_number=rules.registration_number(commune, today.year, sequence),
            birth_certificate_number=rules.birth_certificate_number(commune, today.year, sequence),
            dossier_id=message.dossier_id,
            commune_code=commune,
            province_code=province,
            registered_on=today,
            child_full_name=form.child.full_name,
            child_date_of_birth=form.child.date_of_birth,
            child_sex=form.child.sex,
            personal_id=personal_id,
            mother_personal_id=form.mother.personal_id,
            father_personal_id=form.father.personal_id if form.father else None,
            late_registration=late,
            duplicate_key=key,
        )
        session.add(registration)
        state.birth_keys.add(key)
        return [
            civil_registry.BirthRegistered(
                dossier_id=message.dossier_id,
                registration_number=registration.registration_number,
                birth_certificate_number=registration.birth_certificate_number,
                registered_on=today,
                personal_id=personal_id,
                registration_province_code=province,
                child=form.child,
                mother=form.mother,
                father=form.father,
                residence=form.residence,
                health_insurance=form.health_insurance,
                late_registration=late,
                days_after_birth=(received_on - born).days,
                medical_birth_certificate_medium=form.medical_birth_certificate_medium,
                verification_required=rules.certificate_needs_verification(
                    form.medical_birth_certificate_medium
                ),
            )
        ]

    @handles(DeathDossierSubmitted)
    async def register_death(
        self,
        session: AsyncSession,
        message: Message[DeathDossierSubmitted],
        context: HandlerContext,
    ) -> Decisions:
        """Đăng ký khai tử at the commune of last residence; late ones are registered as such."""
        form, state = message.payload, context.batch
        personal_id = form.deceased.personal_id
        known: PersonRecord | None = context.lookups.people.get(personal_id)
        received_on: date = vietnam_date(form.received_at)
        already = personal_id in state.deceased
        refusal = rules.refuse_death(form, known, already, received_on)
        if refusal is not None:
            return [civil_registry.DeathRejected(dossier_id=message.dossier_id, reason=refusal)]
        commune = _commune_of_death(form, known)
        today = context.today
        sequence = await self._next_number(session, state, commune, today.year, "death")
        late = rules.is_late_death_registration(
            form.date_of_death, received_on, self._death_registration_days
        )
        registration = DeathRegistration(
            registration_number=rules.death_registration_number(commune, today.year, sequence),
            death_extract_number=rules.death_extract_number(commune, today.year, sequence),
            dossier_id=message.dossier_id,
            deceased_personal_id=personal_id,
            deceased_full_name=form.deceased.full_name,
            commune_code=commune,
            registered_on=today,
            date_of_death=form.date_of_death,
            late_registration=late,
            late_registration_reason=form.late_registration_reason,
        )
        session.add(registration)
        state.deceased.add(personal_id)
        return [
            civil_registry.DeathRegistered(
                dossier_id=message.dossier_id,
                registration_number=registration.registration_number,
                death_extract_number=registration.death_extract_number,
                registered_on=today,
                deceased=form.deceased,
                date_of_death=form.date_of_death,
                place_of_death=form.place_of_death,
                late_registration=late,
                days_after_death=(received_on - form.date_of_death).days,
                benefit_claim=form.benefit_claim,
            )
        ]
