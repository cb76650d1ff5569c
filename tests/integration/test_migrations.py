"""Each service's schema comes from its Alembic history, on SQLite and on a real PostgreSQL.

Upgrading an empty database gives exactly the models (so a model changed without a revision
fails here), a database made before migrations is adopted, a second start writes nothing,
concurrent starters migrate once, a newer version's database is refused, and every history
goes down to nothing and up again. The PostgreSQL cases skip where no server can be started
(``tests/postgres.py``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.util import CommandError
from sqlalchemy import Column, Connection, String, event, insert, inspect, select, text

from lienthong.contracts.services import (
    CIVIL_REGISTRY,
    GATEWAY,
    INSURANCE,
    POPULATION,
    SERVICE_NAMES,
)
from lienthong.migrations import SchemaChange, alembic_config, head_of, histories
from lienthong.runtime.db import Database
from lienthong.runtime.tables import RUNTIME_METADATA
from tests.integration.migration_helpers import (
    differences,
    merged,
    models_of,
    schema_differences,
    stamped,
)
from tests.postgres import fresh_database, shared_server


def _head(service: str) -> str:
    head = head_of(alembic_config(service))
    assert head is not None, f"{service} has no revision"
    return head


HEADS = {service: _head(service) for service in SERVICE_NAMES}
WRITES = re.compile(r"^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database of each store."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    return fresh_database(shared_server())


@pytest.fixture
async def db(url: str) -> AsyncIterator[Database]:
    """A service's database on *url*, closed after the test."""
    database = Database(url)
    yield database
    await database.dispose()


def test_every_service_has_a_history_named_after_it() -> None:
    assert histories() == sorted(SERVICE_NAMES)
    # civil_registry_0002: births flagged late (test_birth_late_migration.py); 0003 and
    # population_0002: the personal ID number obtained at birth registration.
    latest = {CIVIL_REGISTRY: 3, POPULATION: 2}
    assert {s: f"{s}_{latest.get(s, 1):04d}" for s in SERVICE_NAMES} == HEADS


@pytest.mark.parametrize("service", SERVICE_NAMES)
async def test_an_empty_database_upgraded_to_head_has_exactly_the_models(
    db: Database, service: str
) -> None:
    change = await db.migrate(service, *models_of(service))

    assert change == SchemaChange(service, None, HEADS[service])
    assert await schema_differences(db, service) == []
    assert await stamped(db) == HEADS[service]


async def test_a_model_changed_without_a_revision_is_a_difference(db: Database) -> None:
    await db.migrate(GATEWAY, *models_of(GATEWAY))
    changed = merged(*models_of(GATEWAY))
    changed.tables["dossiers"].append_column(Column("channel", String, nullable=True))

    async with db.writer.connect() as connection:
        found = await connection.run_sync(differences, changed)

    assert [(kind, table, column.name) for kind, _, table, column in found] == [
        ("add_column", "dossiers", "channel")
    ]


async def test_a_database_made_before_migrations_is_grown_and_stamped(db: Database) -> None:
    """An older version's data dir: tables from create_all, one column and one index since."""
    await db.create_all(*models_of(POPULATION))  # what every start did before migrations
    outbox = RUNTIME_METADATA.tables["outbox"]
    now = datetime(2026, 11, 16, tzinfo=UTC)
    async with db.writer.begin() as connection:
        await connection.execute(text("DROP INDEX ix_citizens_province_code"))
        await connection.execute(text("ALTER TABLE outbox DROP COLUMN headers"))
        await connection.execute(
            insert(outbox).values(topic="t", key="k", event_id="e1", event_type="x", value=b"v"),
            {"created_at": now, "available_at": now},
        )

    change = await db.migrate(POPULATION, *models_of(POPULATION))
    again = await db.migrate(POPULATION, *models_of(POPULATION))

    assert change == SchemaChange(POPULATION, None, HEADS[POPULATION], adopted=True)
    assert not again.changed
    assert await stamped(db) == HEADS[POPULATION]
    assert await schema_differences(db, POPULATION) == []
    async with db.read_session() as session:
        connection = await session.connection()
        kept = (await connection.execute(select(outbox.c.event_id, outbox.c.headers))).all()
    assert [tuple(row) for row in kept] == [("e1", None)]


async def test_migrating_a_database_at_head_again_writes_nothing(db: Database) -> None:
    first = await db.migrate(INSURANCE, *models_of(INSURANCE))
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(db.writer.sync_engine, "before_cursor_execute", seen)
    try:
        second = await db.migrate(INSURANCE, *models_of(INSURANCE))
    finally:
        event.remove(db.writer.sync_engine, "before_cursor_execute", seen)

    assert first.changed
    assert second == SchemaChange(INSURANCE, HEADS[INSURANCE], HEADS[INSURANCE])
    assert not second.changed
    assert statements, "it did look"
    assert [s for s in statements if WRITES.match(s)] == []


async def test_instances_starting_at_once_migrate_once(url: str) -> None:
    """Three instances of one agency on one database: the lock makes two of them wait, then
    find the work done (on PostgreSQL, without it, two would create the same tables)."""
    instances = [Database(url) for _ in range(3)]
    try:
        changes = await asyncio.gather(
            *(db.migrate(GATEWAY, *models_of(GATEWAY)) for db in instances)
        )
        assert sorted(change.changed for change in changes) == [False, False, True]
        assert await schema_differences(instances[0], GATEWAY) == []
    finally:
        for db in instances:
            await db.dispose()


async def test_a_database_of_a_newer_version_is_refused(db: Database) -> None:
    await db.migrate(GATEWAY, *models_of(GATEWAY))
    async with db.writer.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = 'gateway_9999'"))

    with pytest.raises(CommandError, match="gateway_9999"):
        await db.migrate(GATEWAY, *models_of(GATEWAY))


def _down_and_up(connection: Connection, service: str) -> list[str]:
    """Downgrade to nothing, note what is left, upgrade again (one transaction each way)."""
    config = alembic_config(service, connection=connection, metadatas=models_of(service))
    with connection.begin():
        command.downgrade(config, "base")
    left = inspect(connection).get_table_names()
    connection.rollback()  # the inspection began a transaction
    with connection.begin():
        command.upgrade(config, "head")
    return left


@pytest.mark.parametrize("service", SERVICE_NAMES)
async def test_every_history_goes_down_to_nothing_and_up_again(db: Database, service: str) -> None:
    await db.migrate(service, *models_of(service))

    async with db.writer.connect() as connection:
        left = await connection.run_sync(_down_and_up, service)

    assert left == ["alembic_version"]
    assert await schema_differences(db, service) == []
