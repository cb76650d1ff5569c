"""Which database errors are a lost race (decide the event again) and which restart the batch."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError

from lienthong.runtime.applying import is_lost_race, must_restart_transaction


class PostgresError(Exception):
    """What asyncpg's errors look like through SQLAlchemy's adapter: a ``sqlstate``."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _integrity(orig: Exception) -> IntegrityError:
    return IntegrityError("INSERT …", {}, orig)


def test_a_unique_violation_is_a_lost_race_on_either_store() -> None:
    assert is_lost_race(_integrity(PostgresError("23505")))  # unique_violation
    sqlite = Exception("UNIQUE constraint failed: birth_registrations.duplicate_key")
    assert is_lost_race(_integrity(sqlite))


def test_other_integrity_errors_are_bugs_not_races() -> None:
    assert not is_lost_race(_integrity(PostgresError("23503")))  # foreign_key_violation
    assert not is_lost_race(_integrity(PostgresError("23502")))  # not_null_violation
    assert not is_lost_race(_integrity(Exception("NOT NULL constraint failed: t.c")))
    assert not is_lost_race(RuntimeError("handler bug"))


def test_a_deadlock_or_serialization_failure_restarts_the_whole_batch() -> None:
    assert must_restart_transaction(OperationalError("UPDATE …", {}, PostgresError("40P01")))
    assert must_restart_transaction(OperationalError("UPDATE …", {}, PostgresError("40001")))
    assert not must_restart_transaction(_integrity(PostgresError("23505")))
    assert not must_restart_transaction(RuntimeError("handler bug"))
