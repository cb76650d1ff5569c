"""The services' database schemas, managed by Alembic: one environment, one history per service.

``env.py`` is the one migration environment; it runs on the connection and against the models
handed to it in ``config.attributes`` (no ``alembic.ini``, no URL of its own), so the same
revisions run wherever a service runs — SQLite or PostgreSQL — and inside the transaction the
caller opened. ``versions/<service>/`` holds each service's history: every database keeps its
own ``alembic_version`` row, and a simulated agency's database follows the agency's history.

``migrate`` (:mod:`lienthong.migrations.schema`) is what a service runs at start
(``Database.migrate``); ``scripts/new_migration.py SERVICE "message"`` writes the next revision.
"""

from __future__ import annotations

from lienthong.migrations.schema import (
    SchemaChange,
    alembic_config,
    grow_in_place,
    head_of,
    histories,
    migrate,
    upgrade_to_head,
)

__all__ = [
    "SchemaChange",
    "alembic_config",
    "grow_in_place",
    "head_of",
    "histories",
    "migrate",
    "upgrade_to_head",
]
