"""civil_registry_0002 adds ``birth_registrations.late_registration`` (NOT NULL) to a table that
has rows: births registered before it read false, on SQLite and on PostgreSQL, whether the
database was at civil_registry_0001 or predates migrations (adopted).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, column, insert, select, table, text

from lienthong.contracts.services import CIVIL_REGISTRY
from lienthong.domain.personal_id import Sex
from lienthong.migrations import SchemaChange, alembic_config, head_of
from lienthong.runtime.db import Database
from services.civil_registry.models import BirthRegistration
from tests.integration.migration_helpers import models_of, schema_differences, stamped
from tests.postgres import fresh_database, shared_server

BIRTHS = BirthRegistration.__table__  # type: ignore[attr-defined]
BEFORE_THE_FLAG = table(
    "birth_registrations",
    *(column(c.name, c.type) for c in BIRTHS.c if c.name != "late_registration"),
)
"""The table as it was before the flag: no column to default, no Python-side defaults."""
BEFORE = "civil_registry_0001"


def _head() -> str:
    """Where migrating ends: the revisions after the flag's run too."""
    head = head_of(alembic_config(CIVIL_REGISTRY))
    assert head is not None and head >= "civil_registry_0002", head
    return head


HEAD = _head()


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A new, empty civil registry database of each store, closed after the test."""
    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'civil_registry.db'}"
        if request.param == "sqlite"
        else fresh_database(shared_server())
    )
    database = Database(url)
    yield database
    await database.dispose()


def _birth() -> dict[str, Any]:
    """One registered birth, with every column the table had before the late flag."""
    return {
        "registration_number": "KS-00685-2026-000001",
        "birth_certificate_number": "GKS-2026-00685000001",
        "dossier_id": "d-1",
        "commune_code": "00685",
        "province_code": "01",
        "registered_on": date(2026, 11, 16),
        "child_full_name": "Lê Minh An",
        "child_date_of_birth": date(2026, 11, 2),
        "child_sex": Sex.MALE,
        "mother_personal_id": "001193671493",
        "father_personal_id": None,
        "duplicate_key": "001193671493|lê minh an|2026-11-02",
        "created_at": datetime(2026, 11, 16, 2, 30, tzinfo=UTC),
    }


def _at_first_revision_with_a_birth(connection: Connection) -> None:
    config = alembic_config(
        CIVIL_REGISTRY, connection=connection, metadatas=models_of(CIVIL_REGISTRY)
    )
    with connection.begin():
        command.upgrade(config, BEFORE)
        connection.execute(insert(BEFORE_THE_FLAG), _birth())


async def _late_flags(db: Database) -> list[tuple[str, bool]]:
    async with db.writer.connect() as connection:
        rows = await connection.execute(
            select(BIRTHS.c.registration_number, BIRTHS.c.late_registration)
        )
        return [(row[0], row[1]) for row in rows.all()]


async def test_births_registered_at_the_first_revision_read_on_time(db: Database) -> None:
    async with db.writer.connect() as connection:
        await connection.run_sync(_at_first_revision_with_a_birth)

    change = await db.migrate(CIVIL_REGISTRY, *models_of(CIVIL_REGISTRY))

    assert change == SchemaChange(CIVIL_REGISTRY, BEFORE, HEAD)
    assert await schema_differences(db, CIVIL_REGISTRY) == []
    assert await _late_flags(db) == [("KS-00685-2026-000001", False)]


async def test_a_database_from_before_migrations_gets_the_column_when_adopted(
    db: Database,
) -> None:
    """Its tables made by ``create_all`` of an older version: no late flag on births."""
    await db.create_all(*models_of(CIVIL_REGISTRY))
    async with db.writer.begin() as connection:
        await connection.execute(
            text("ALTER TABLE birth_registrations DROP COLUMN late_registration")
        )
        await connection.execute(insert(BEFORE_THE_FLAG), _birth())

    change = await db.migrate(CIVIL_REGISTRY, *models_of(CIVIL_REGISTRY))

    assert change == SchemaChange(CIVIL_REGISTRY, None, HEAD, adopted=True)
    assert await stamped(db) == HEAD
    assert await schema_differences(db, CIVIL_REGISTRY) == []
    assert await _late_flags(db) == [("KS-00685-2026-000001", False)]
