"""One writer at a time for work several instances of a service may start at once.

On PostgreSQL a transaction-level advisory lock, keyed by a name, makes the second instance wait
until the first one's transaction ends (and the lock goes with the transaction, even if the
process dies); it then finds the work done. On SQLite a write transaction (``BEGIN IMMEDIATE``)
already holds the single writer lock, so there is nothing to add.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text

__all__ = ["advisory_key", "hold_advisory_lock"]


def advisory_key(name: str) -> int:
    """A stable 64-bit key for *name* (``hash()`` differs from one process to the next)."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def hold_advisory_lock(connection: Connection, name: str) -> None:
    """Wait for, then hold until this transaction ends, the lock called *name* (PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key(name)})
