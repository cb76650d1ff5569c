"""What the migration tests share: each service's models, and how a database differs from them.

The models are the metadata each composition root hands ``Service`` (imported with the root, so
every table a running service declares is there) plus the runtime's own tables.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData

from lienthong.contracts.services import CIVIL_REGISTRY, GATEWAY, INSURANCE, POPULATION
from lienthong.runtime.db import Database
from lienthong.runtime.tables import RUNTIME_METADATA
from services.civil_registry.bootstrap import bootstrap as civil_registry
from services.civil_registry.models import CivilRegistryTable
from services.gateway.bootstrap import bootstrap as gateway
from services.gateway.models import GatewayTable
from services.insurance.bootstrap import bootstrap as insurance
from services.insurance.models import InsuranceTable
from services.population.bootstrap import bootstrap as population
from services.population.models import PopulationTable

COMPOSITION_ROOTS = (gateway, civil_registry, population, insurance)
"""Imported for what they import: every model module a running service has."""

MODELS: dict[str, MetaData] = {
    GATEWAY: GatewayTable.metadata,
    CIVIL_REGISTRY: CivilRegistryTable.metadata,
    POPULATION: PopulationTable.metadata,
    INSURANCE: InsuranceTable.metadata,
}


def merged(*metadatas: MetaData) -> MetaData:
    """One metadata holding copies of every table of *metadatas* (what autogenerate compares)."""
    into = MetaData()
    for metadata in metadatas:
        for table in metadata.tables.values():
            table.to_metadata(into)
    return into


def models_of(service: str) -> tuple[MetaData, MetaData]:
    """What ``Service.start`` migrates *service*'s database to: the runtime's and its own."""
    return RUNTIME_METADATA, MODELS[service]


def differences(connection: Connection, metadata: MetaData) -> list[Any]:
    """Alembic's autogenerate diff between the database and *metadata* ([] when they match)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def schema_differences(db: Database, service: str) -> list[Any]:
    """How *db* differs from *service*'s models."""
    expected = merged(*models_of(service))
    async with db.writer.connect() as connection:
        return await connection.run_sync(differences, expected)


async def stamped(db: Database) -> str | None:
    """The revision in the database's ``alembic_version`` (None without one)."""
    async with db.writer.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
