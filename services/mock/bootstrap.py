"""Composition root of a simulated agency (mock mode): the agency's read side, simulated decisions.

``lienthong up --only …`` runs the named agencies for real and builds every other one here: the
same runtime (inbox, outbox, relay, faults, /health, /metrics), the agency's own tables, seeded
world and read API — so the civil registry's lookups, ``lienthong load`` and ``replay`` find the
people they look for — and :class:`MockHandlers` instead of the agency's decisions. It reads the
agency's own settings class, so the figures it answers with (the card's validity, the funeral
levels, the 15-day window) are the real one's. Its database is its own (``<agency>_mock.db``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.services import CIVIL_REGISTRY, INSURANCE, POPULATION
from lienthong.runtime.app import create_service_app
from lienthong.runtime.service import Hook, Infrastructure, Parts, Service, WorldSeeder
from lienthong.runtime.settings import SeededSettings, ServiceSettings
from services.civil_registry import api as civil_registry_api
from services.civil_registry.models import CivilRegistryTable
from services.insurance import api as insurance_api
from services.insurance import seeding as insurance_seeding
from services.insurance.models import InsuranceTable
from services.mock.allocations import MockTable, TakenElsewhere
from services.mock.answers import PERSONAL_ID
from services.mock.handlers import MockHandlers
from services.mock.ledger import ledger
from services.mock.rules import MockRule, delay_of
from services.population import api as population_api
from services.population import newborns_api as population_newborns_api
from services.population import seeding as population_seeding
from services.population.models import Citizen, PopulationTable


async def _seeded_citizen(session: AsyncSession, kind: str, value: str) -> bool:
    """Whether a citizen of the seeded population already holds this personal ID number."""
    if kind != PERSONAL_ID:
        return False
    found = await session.exec(select(Citizen.personal_id).where(col(Citizen.personal_id) == value))
    return found.first() is not None


@dataclass(frozen=True)
class ReadSide:
    """What a simulated agency keeps of the real one: its tables, seeded world and read API."""

    metadata: MetaData
    routers: tuple[APIRouter, ...]
    seeder: WorldSeeder | None = None
    taken_elsewhere: TakenElsewhere | None = None


READ_SIDES: dict[str, ReadSide] = {
    CIVIL_REGISTRY: ReadSide(CivilRegistryTable.metadata, (civil_registry_api.router,)),
    POPULATION: ReadSide(
        PopulationTable.metadata,
        (population_api.router, population_newborns_api.router),
        population_seeding.seed_if_empty,
        _seeded_citizen,
    ),
    INSURANCE: ReadSide(
        InsuranceTable.metadata, (insurance_api.router,), insurance_seeding.seed_if_empty
    ),
}


def _on_startup(read_side: ReadSide, settings: ServiceSettings) -> Hook:
    """Create the simulated agency's own tables, then seed the agency's world if it has one."""

    async def start(service: Service) -> None:
        await service.db.create_all(MockTable.metadata)
        if read_side.seeder is not None and isinstance(settings, SeededSettings):
            await read_side.seeder(
                service.db, citizens=settings.seed_citizens, seed=settings.seed_random_seed
            )

    return start


def bootstrap_mock(
    agency: str,
    settings: ServiceSettings,
    rules: list[MockRule],
    parts: Parts | None = None,
) -> Service:
    """The simulated *agency*, answering as *rules* say (a delay rule is its processing delay)."""
    delay = delay_of(agency, rules)
    if delay is not None:
        settings = settings.model_copy(update={"processing_delay": delay})
    infra = Infrastructure.from_settings(settings, parts)
    read_side = READ_SIDES[agency]
    written = "; ".join(str(rule) for rule in rules if rule.agency == agency) or "accept all"
    return Service(
        name=agency,
        title=f"lienthong — {agency} (simulated)",
        description=(
            f"The {agency} agency simulated from its contracts (mock mode): it consumes what "
            f"the agency consumes and answers with schema-valid events. Rules: {written}."
        ),
        infra=infra,
        metadata=read_side.metadata,
        ledger=ledger,
        handlers=MockHandlers(agency, settings, rules, infra.randomness, read_side.taken_elsewhere),
        routers=list(read_side.routers),
        on_startup=_on_startup(read_side, settings),
        simulated=True,
    )


def create_mock_app(agency: str, settings: ServiceSettings, rules: list[MockRule]) -> FastAPI:
    """The simulated agency's app (what `lienthong serve AGENCY --mock` runs)."""
    return create_service_app(bootstrap_mock(agency, settings, rules))
