"""What a simulated agency answers when it accepts: a schema-valid decision built from the event.

Each answer starts from the contract's own example of the decision (``example_of``), then takes
from the consumed event what the next agency checks — the dossier id, the child and parents, the
deceased, the residence requested — and draws the identifiers an agency would issue (register
numbers, the child's personal ID number, the BHYT card code) from the run's seed and the
dossier, in the formats of ``lienthong.domain`` and the agencies' own rules. So a real agency
downstream receives what it would receive from the real one, and a rerun gets the same answers.
What a simulated agency cannot know (it holds no records), it takes from the example, or decides
in the requester's favour: every deceased is entitled to the funeral allowance.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, TypeVar

from pydantic import BaseModel

from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.contracts.examples import example_of
from lienthong.contracts.reasons import Refusal
from lienthong.contracts.services import CIVIL_REGISTRY, INSURANCE, POPULATION
from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.bhyt import generate_bhxh_number
from lienthong.domain.calendar import vietnam_date
from lienthong.domain.personal_id import generate_personal_id
from lienthong.runtime.settings import ServiceSettings
from services.civil_registry import rules as registry_rules
from services.civil_registry.settings import CivilRegistrySettings
from services.insurance.card_events import card_issued, child_card
from services.insurance.rules import FuneralFacts, FuneralRules, decide_funeral_benefit
from services.insurance.settings import InsuranceSettings
from services.mock.allocations import Allocator

M = TypeVar("M", bound=BaseModel)

PERSONAL_ID: Final = "personal_id"
BHXH_NUMBER: Final = "bhxh_number"
"""The kinds of identifier a simulated agency issues, each unique in its kind."""


@dataclass(frozen=True)
class AnswerContext:
    """What an answer may use besides the event: the day, a generator, the agency's settings,
    and where unique identifiers come from."""

    today: date
    rng: random.Random
    """Derived from the run's seed and the causing event: the same answer on every rerun."""
    settings: ServiceSettings
    """The simulated agency's own settings class (its figures, e.g. the card's validity)."""
    allocate: Allocator

    def build(self, model: type[M], **fields: Any) -> M:
        """*model*'s contract example with *fields* over it, validated."""
        return model.model_validate({**example_of(model), **fields})

    async def unused(self, kind: str, draw: Callable[[random.Random], str]) -> str:
        """The first identifier *draw* gives (from this answer's generator) no one holds yet."""
        return await self.allocate.unused(kind, iter(lambda: draw(self.rng), None))


def _province_of(commune_code: str) -> str:
    """The province of a commune, as the civil registry finds it."""
    return load_admin_units().province_of_commune(commune_code)


async def birth_registered(
    form: gateway.BirthDossierSubmitted, context: AnswerContext
) -> civil_registry.BirthRegistered:
    """Đăng ký khai sinh, numbered in the register of the residence's commune for the year;
    late when submitted after the configured window (60 days), as the real registry decides."""
    settings = context.settings
    assert isinstance(settings, CivilRegistrySettings)
    commune, year = form.residence.commune_code, context.today.year
    number = await context.allocate.next_number(f"birth:{commune}:{year}")
    received_on = vietnam_date(form.received_at)
    born = form.child.date_of_birth
    late = registry_rules.is_late_birth_registration(
        born, received_on, settings.birth_registration_days
    )
    return context.build(
        civil_registry.BirthRegistered,
        dossier_id=form.dossier_id,
        registration_number=registry_rules.registration_number(commune, year, number),
        birth_certificate_number=registry_rules.birth_certificate_number(commune, year, number),
        registered_on=context.today,
        registration_province_code=_province_of(commune),
        child=form.child,
        mother=form.mother,
        father=form.father,
        residence=form.residence,
        health_insurance=form.health_insurance,
        late_registration=late,
        days_after_birth=(received_on - born).days,
        medical_birth_certificate_medium=form.medical_birth_certificate_medium,
        verification_required=registry_rules.certificate_needs_verification(
            form.medical_birth_certificate_medium
        ),
        # A simulated registry asks no population database: the child is numbered at residence.
        personal_id=None,
    )


async def death_registered(
    form: gateway.DeathDossierSubmitted, context: AnswerContext
) -> civil_registry.DeathRegistered:
    """Đăng ký khai tử at the place of death (a simulated registry knows no last residence);
    late when submitted after the configured window (15 days)."""
    settings = context.settings
    assert isinstance(settings, CivilRegistrySettings)
    commune, year = form.place_of_death.commune_code, context.today.year
    number = await context.allocate.next_number(f"death:{commune}:{year}")
    received_on = vietnam_date(form.received_at)
    late = registry_rules.is_late_death_registration(
        form.date_of_death, received_on, settings.death_registration_days
    )
    return context.build(
        civil_registry.DeathRegistered,
        dossier_id=form.dossier_id,
        registration_number=registry_rules.death_registration_number(commune, year, number),
        death_extract_number=registry_rules.death_extract_number(commune, year, number),
        registered_on=context.today,
        deceased=form.deceased,
        date_of_death=form.date_of_death,
        place_of_death=form.place_of_death,
        late_registration=late,
        days_after_death=(received_on - form.date_of_death).days,
        benefit_claim=form.benefit_claim,
    )


async def citizen_registered(
    birth: civil_registry.BirthRegistered, context: AnswerContext
) -> population.CitizenRegistered:
    """Đăng ký thường trú at the residence requested, with the personal ID number the civil
    registry obtained at registration, or a new one (one no citizen holds) when it has none."""
    child, residence = birth.child, birth.residence
    province = _province_of(residence.commune_code)
    personal_id = birth.personal_id or await context.unused(
        PERSONAL_ID,
        lambda rng: generate_personal_id(
            birth.registration_province_code, child.sex, child.date_of_birth, rng
        ),
    )
    return context.build(
        population.CitizenRegistered,
        dossier_id=birth.dossier_id,
        personal_id=personal_id,
        full_name=child.full_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        household_id=f"HO{province}{context.rng.randrange(10**8):08d}",
        commune_code=residence.commune_code,
        province_code=province,
        birth_registration_number=birth.registration_number,
        health_insurance=birth.health_insurance,
        verification_required=False,
    )


async def death_recorded(
    death: civil_registry.DeathRegistered, context: AnswerContext
) -> population.DeathRecorded:
    """Xóa đăng ký thường trú on the day of the decision (the household is not known here)."""
    return context.build(
        population.DeathRecorded,
        dossier_id=death.dossier_id,
        personal_id=death.deceased.personal_id,
        date_of_death=death.date_of_death,
        residence_removed_on=context.today,
        previous_household_id=None,
        previous_commune_code=death.place_of_death.commune_code,
        new_household_head_personal_id=None,
    )


async def health_card_issued(
    citizen: population.CitizenRegistered, context: AnswerContext
) -> insurance.HealthCardIssued | insurance.HealthCardIssuedV2:
    """Thẻ BHYT for a child under 6 (TE1), valid as the configured rule says, announced in the
    configured version of the event (``CARD_EVENT_VERSION``), as the real insurance does."""
    settings = context.settings
    assert isinstance(settings, InsuranceSettings)
    number = await context.unused(
        BHXH_NUMBER, lambda rng: generate_bhxh_number(citizen.province_code, rng)
    )
    card = child_card(citizen, number, context.today, settings)
    return card_issued(card, citizen.dossier_id, settings.card_event_version)


async def funeral_benefit_decided(
    death: civil_registry.DeathRegistered, context: AnswerContext
) -> insurance.FuneralBenefitDecided:
    """Trợ cấp mai táng at the level in force on the date of death, for every deceased whose
    family claimed it (a simulated agency knows no contributions: it takes them as a
    pensioner's); nothing, with the reason, when unclaimed."""
    settings = context.settings
    assert isinstance(settings, InsuranceSettings)
    claim = death.benefit_claim
    decision = decide_funeral_benefit(
        FuneralFacts(pensioner=True),
        death.date_of_death,
        claimed=claim.requested,
        cause=claim.effective_cause,
        rules=FuneralRules.from_settings(settings),
    )
    return context.build(
        insurance.FuneralBenefitDecided,
        dossier_id=death.dossier_id,
        personal_id=death.deceased.personal_id,
        benefit=decision.benefit,
        amount_vnd=decision.amount_vnd,
        basis=decision.basis,
        reason=decision.reason,
        cards_ended=[],
    )


@dataclass(frozen=True)
class Reaction:
    """How an agency answers one event it consumes: its decision, or its refusal."""

    accept: Callable[[Any, AnswerContext], Awaitable[BaseModel]]
    refusal: type[Refusal]


REACTIONS: Final[dict[tuple[str, type[BaseModel]], Reaction]] = {
    (CIVIL_REGISTRY, gateway.BirthDossierSubmitted): Reaction(
        birth_registered, civil_registry.BirthRejected
    ),
    (CIVIL_REGISTRY, gateway.DeathDossierSubmitted): Reaction(
        death_registered, civil_registry.DeathRejected
    ),
    (POPULATION, civil_registry.BirthRegistered): Reaction(
        citizen_registered, population.CitizenRejected
    ),
    (POPULATION, civil_registry.DeathRegistered): Reaction(
        death_recorded, population.DeathRecordRejected
    ),
    (INSURANCE, population.CitizenRegistered): Reaction(
        health_card_issued, insurance.HealthCardRejected
    ),
    (INSURANCE, civil_registry.DeathRegistered): Reaction(
        funeral_benefit_decided, insurance.FuneralBenefitRejected
    ),
}
"""(agency, consumed payload) → its answer: every event an agency consumes has one (tested)."""
