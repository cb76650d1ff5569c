"""Writing the next revision, and the schema step of a service's start, on SQLite.

``new_revision`` (what ``scripts/new_migration.py`` runs) writes what the models changed as a
revision that runs on a database with rows — including the table copy SQLite needs to change a
column, on a table other tables refer to. A started service (the agency or its simulated
stand-in) follows its history, and only its first start writes to the schema.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, String, insert, select, text

from lienthong.contracts.services import CIVIL_REGISTRY, GATEWAY
from lienthong.migrations.revisions import NoChanges, new_revision
from lienthong.migrations.schema import VERSIONS, migrate
from lienthong.runtime.db import Database
from lienthong.runtime.service import Parts
from lienthong.runtime.tables import RUNTIME_METADATA
from services.civil_registry.settings import CivilRegistrySettings
from services.gateway.bootstrap import bootstrap as gateway
from services.gateway.settings import GatewaySettings
from services.mock.allocations import MockTable
from services.mock.bootstrap import bootstrap_mock
from services.schemas import MODELS
from tests.fakes import RecordingBroker
from tests.integration.conftest import frozen_clock
from tests.integration.migration_helpers import (
    differences,
    merged,
    models_of,
    schema_differences,
    stamped,
)

NOW = datetime(2026, 11, 16, tzinfo=UTC)


def _sqlite(path: Path) -> Database:
    return Database(f"sqlite+aiosqlite:///{path}")


def _lint_clean(path: Path) -> bool:
    """Whether the project's ruff finds nothing to say about a written revision."""
    ruff = str(Path(sys.executable).with_name("ruff"))
    checks = ([ruff, "check", "--no-cache", str(path)], [ruff, "format", "--check", str(path)])
    return all(subprocess.run(argv, capture_output=True).returncode == 0 for argv in checks)


async def test_a_model_change_becomes_a_revision_that_runs_on_a_database_with_rows(
    tmp_path: Path,
) -> None:
    versions = tmp_path / GATEWAY
    shutil.copytree(VERSIONS / GATEWAY, versions, ignore=shutil.ignore_patterns("__pycache__"))
    changed = merged(*models_of(GATEWAY))
    dossiers = changed.tables["dossiers"]
    dossiers.append_column(Column("channel", String, nullable=True))
    dossiers.c.request_hash.nullable = True  # SQLite copies the table for this one
    db = _sqlite(tmp_path / "gateway.db")
    await db.migrate(GATEWAY, *models_of(GATEWAY))  # at 0001, with a dossier and its step
    async with db.writer.begin() as connection:
        dossier = {"dossier_id": "D1", "kind": "birth", "status": "submitted", "form": {}}
        await connection.execute(
            insert(dossiers).values(**dossier, request_hash="h", submitted_at=NOW, updated_at=NOW),
            {"verification_required": False},
        )
        await connection.execute(
            insert(changed.tables["dossier_steps"]).values(
                dossier_id="D1", agency="population", position=2, status="pending"
            )
        )

    written = new_revision(GATEWAY, "dossier channel", [changed], versions=versions)
    try:
        async with db.writer.connect() as connection:
            change = await connection.run_sync(migrate, GATEWAY, [changed], versions=versions)
            found = await connection.run_sync(differences, changed)
        async with db.read_session() as session:
            connection = await session.connection()
            step = (await connection.execute(text("SELECT dossier_id FROM dossier_steps"))).all()
            kept = (
                await connection.execute(select(dossiers.c.dossier_id, dossiers.c.channel))
            ).all()
            enforced = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
    finally:
        await db.dispose()

    assert written.name == "gateway_0002_dossier_channel.py"
    source = written.read_text()
    assert 'down_revision: str | Sequence[str] | None = "gateway_0001"' in source
    assert 'op.batch_alter_table("dossiers"' in source
    assert _lint_clean(written)
    assert (change.before, change.after) == ("gateway_0001", "gateway_0002")
    assert found == []
    assert [tuple(row) for row in kept] == [("D1", None)]
    assert [tuple(row) for row in step] == [("D1",)]
    assert enforced == 1  # foreign keys are back on for the pool's connection
    with pytest.raises(NoChanges):
        new_revision(GATEWAY, "again", [changed], versions=versions)


async def test_a_service_started_twice_migrates_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="lienthong.runtime.service")
    for _ in range(2):
        parts = Parts(broker=RecordingBroker(), clock=frozen_clock())
        service = gateway(GatewaySettings(data_dir=str(tmp_path)), parts)
        await service.start()
        await service.stop()

    said = [record.getMessage() for record in caplog.records if " schema " in record.getMessage()]
    assert said == ["gateway schema migrated from nothing to gateway_0001"]


async def test_a_simulated_agency_follows_the_agencys_history(tmp_path: Path) -> None:
    db = _sqlite(tmp_path / "civil_registry_mock.db")
    parts = Parts(db=db, broker=RecordingBroker(), clock=frozen_clock())
    settings = CivilRegistrySettings(data_dir=str(tmp_path))
    service = bootstrap_mock(CIVIL_REGISTRY, settings, [], parts)
    await service.start()
    try:
        revision = await stamped(db)
        agency = await schema_differences(db, CIVIL_REGISTRY)
        expected = merged(RUNTIME_METADATA, MODELS[CIVIL_REGISTRY], MockTable.metadata)
        async with db.writer.connect() as connection:
            with_own_tables = await connection.run_sync(differences, expected)
    finally:
        await service.stop()

    assert revision == "civil_registry_0003"
    assert with_own_tables == []  # its own tables (create_all in its start-up hook) besides
    assert {table.name for _, table in agency} == set(MockTable.metadata.tables)
