"""What the migration tests share: each service's models, and how a database differs from them.

The models are the metadata each composition root hands ``Service`` (imported with the root, so
every table a running service declares is there) plus the runtime's own tables.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData

from lienthong.runtime.db import Database
from lienthong.runtime.tables import RUNTIME_METADATA
from services.schemas import MODELS


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
