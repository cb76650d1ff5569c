"""Bring a service's database to the newest revision of its history, once, whoever starts first.

A service runs :func:`upgrade_to_head` at every start, inside one write transaction
(``Database.migrate``):

* an empty database gets every revision of the service's history, in order;
* a database at the head is left alone (nothing but one read of ``alembic_version``);
* a database made before migrations existed — the service's tables there, no
  ``alembic_version`` — is *adopted*: brought up to the models the way every start used to
  (missing tables, nullable or server-defaulted columns and indexes added; tables only grow)
  and stamped at the head, so the data dirs of older versions keep working;
* a database at a revision this code does not know (written by a newer version) is refused.

Several instances of one agency may start at once on PostgreSQL: a transaction-level advisory
lock keyed by the history serialises them, so the second finds the work done (and the lock goes
with the transaction, even if the process dies). On SQLite the transaction already holds the
writer lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, inspect
from sqlalchemy.schema import CreateColumn

from lienthong.runtime.advisory import hold_advisory_lock

HERE = Path(__file__).resolve().parent
"""The migration environment (``env.py``, ``script.py.mako``): Alembic's script location."""
VERSIONS = HERE / "versions"
"""One folder per history, named after the service."""
FILE_TEMPLATE = "%%(rev)s_%%(slug)s"
"""Revision files are named ``<service>_<nnnn>_<message>.py`` (``%%`` escapes ConfigParser)."""


@dataclass(frozen=True)
class SchemaChange:
    """What a start did to its database's schema (for the log and the tests)."""

    history: str
    before: str | None
    """The revision found (``None``: no ``alembic_version``, a new or an adopted database)."""
    after: str
    """The revision left: always the head."""
    adopted: bool = False
    """The database predates migrations: grown to the models in place and stamped."""

    @property
    def changed(self) -> bool:
        """Whether anything was written (a second start of the same version writes nothing)."""
        return self.adopted or self.before != self.after


def histories() -> list[str]:
    """The services that have a migration history (each a package under ``versions/``)."""
    return sorted(
        folder.name
        for folder in VERSIONS.iterdir()
        if folder.is_dir() and (folder / "__init__.py").is_file()
    )


def _escaped(path: Path) -> str:
    return str(path).replace("%", "%%")


def alembic_config(
    history: str,
    *,
    connection: Connection | None = None,
    metadatas: Sequence[MetaData] = (),
    versions: Path | None = None,
    process_revision_directives: Callable[..., None] | None = None,
) -> Config:
    """An Alembic configuration built in code (no ``alembic.ini``): *history*'s folder as the
    only version location, and what ``env.py`` reads from ``attributes`` — the connection to
    run on, the models to compare with (a list of metadatas) and an optional autogenerate hook.

    ``versions`` replaces the history's folder (a test writes revisions somewhere else).
    """
    folder = versions or VERSIONS / history
    if not folder.is_dir():
        raise LookupError(
            f"no migration history for {history!r} (expected {folder}); start one with "
            f'scripts/new_migration.py {history} "initial"'
        )
    config = Config()
    config.set_main_option("script_location", _escaped(HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", _escaped(folder))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.attributes.update(
        connection=connection,
        target_metadata=list(metadatas),
        history=history,
        process_revision_directives=process_revision_directives,
    )
    return config


def head_of(config: Config) -> str | None:
    """The newest revision of the configured history (an error if it has branched)."""
    return ScriptDirectory.from_config(config).get_current_head()


def grow_in_place(connection: Connection, metadata: MetaData) -> None:
    """Create missing tables, add missing nullable columns and indexes (tables only grow).

    How every start kept a data dir of an older version working before migrations; now only
    the adoption of such a database (and ``Database.create_all``, for tables outside any
    history) uses it. A NOT NULL column is added too when the model gives it a server default
    (the value its revision fills existing rows with): the database is stamped at the head,
    so no revision would add it later.
    """
    metadata.create_all(connection)
    inspector = inspect(connection)
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if column.nullable:
                kind = column.type.compile(dialect=connection.dialect)
                connection.exec_driver_sql(
                    f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'
                )
            elif column.server_default is not None:
                definition = CreateColumn(column).compile(dialect=connection.dialect)
                connection.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN {definition}')
        for index in table.indexes:  # create_all makes indexes only with a new table
            index.create(connection, checkfirst=True)


def _holds_tables(connection: Connection, metadatas: Sequence[MetaData]) -> bool:
    present = set(inspect(connection).get_table_names())
    return any(name in present for metadata in metadatas for name in metadata.tables)


def _serialise(connection: Connection, history: str) -> None:
    """Make concurrent starters of one history wait for each other, until this transaction ends
    (on SQLite the write transaction is the lock already)."""
    hold_advisory_lock(connection, f"lienthong.migrations:{history}")


def _sqlite_foreign_keys(connection: Connection, on: bool | None = None) -> bool:
    """Read (and with *on*, set) SQLite's foreign key enforcement, on the driver's connection:
    through SQLAlchemy the statement would open a transaction first, where it does nothing."""
    driver = connection.connection.dbapi_connection
    assert driver is not None, "a live connection"
    cursor = driver.cursor()
    try:
        if on is not None:
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
        cursor.execute("PRAGMA foreign_keys")
        row = cursor.fetchone()
        return bool(row and row[0])
    finally:
        cursor.close()


def migrate(
    connection: Connection, /, history: str, metadatas: Sequence[MetaData], **options: Any
) -> SchemaChange:
    """:func:`upgrade_to_head` in a transaction of its own on *connection* (not in one yet).

    On SQLite foreign keys are off meanwhile and checked before the commit, as Alembic's batch
    mode needs: it copies a table, drops the old one and renames the copy, and the drop of a
    table others refer to would fail — or, deferred, fail the commit — with them on.
    """
    sqlite = connection.dialect.name == "sqlite"
    enforced = sqlite and _sqlite_foreign_keys(connection)
    if enforced:
        _sqlite_foreign_keys(connection, on=False)
    try:
        with connection.begin():
            change = upgrade_to_head(connection, history, metadatas, **options)
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"{history}: migrating broke foreign keys: {broken[:5]}")
        return change
    finally:
        if enforced:
            _sqlite_foreign_keys(connection, on=True)


def upgrade_to_head(
    connection: Connection, /, history: str, metadatas: Sequence[MetaData], **options: Any
) -> SchemaChange:
    """Bring the database behind *connection* to the head of *history* (see the module).

    Runs inside the caller's transaction (``env.py`` opens none of its own; :func:`migrate`
    opens it), so a failed revision leaves nothing half done: both databases have
    transactional DDL.

    *metadatas* are the models the history describes (the runtime's and the service's): what
    an adopted database is grown to. *options* go to :func:`alembic_config`.
    """
    _serialise(connection, history)
    config = alembic_config(history, connection=connection, metadatas=metadatas, **options)
    head = head_of(config)
    if head is None:
        raise LookupError(f"the migration history of {history!r} has no revision")
    before = MigrationContext.configure(connection).get_current_revision()
    if before is None and _holds_tables(connection, metadatas):
        for metadata in metadatas:
            grow_in_place(connection, metadata)
        command.stamp(config, head)
        return SchemaChange(history, None, head, adopted=True)
    if before != head:
        command.upgrade(config, head)  # an unknown `before` (a newer version's) fails here
    return SchemaChange(history, before, head)
