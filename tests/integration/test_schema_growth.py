"""A data dir written by an older version keeps working: tables only grow, indexes follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, inspect

from lienthong.runtime.db import Database


def version(extra: bool) -> MetaData:
    """The ``things`` table, before (``extra`` False) and after a nullable column and an index."""
    metadata = MetaData()
    columns: list[Column[Any]] = [
        Column("id", Integer, primary_key=True),
        Column("name", String, nullable=False),
    ]
    if extra:
        columns.append(Column("province_code", String, nullable=True))
    table = Table("things", metadata, *columns)
    if extra:
        Index("ix_things_province", table.c.province_code)
    return metadata


async def test_a_newer_version_adds_its_nullable_columns_and_indexes(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await db.create_all(version(extra=False))
    async with db.session() as session:
        connection = await session.connection()
        await connection.exec_driver_sql("INSERT INTO things (id, name) VALUES (1, 'kept')")

    await db.create_all(version(extra=True))
    await db.create_all(version(extra=True))  # and again: nothing to add, nothing fails

    async with db.read_session() as session:
        connection = await session.connection()
        columns, indexes = await connection.run_sync(
            lambda sync: (
                [c["name"] for c in inspect(sync).get_columns("things")],
                [i["name"] for i in inspect(sync).get_indexes("things")],
            )
        )
        rows = (
            await connection.exec_driver_sql("SELECT id, name, province_code FROM things")
        ).all()
    await db.dispose()
    assert columns == ["id", "name", "province_code"]
    assert indexes == ["ix_things_province"]
    assert [tuple(row) for row in rows] == [(1, "kept", None)]
