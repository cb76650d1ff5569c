"""The overdue rule says the same in Python (views) and in SQL (filters, counts) — on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, create_engine, insert, select

from services.gateway.overdue import is_overdue, overdue_sql

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 18, 16, 59, 59, tzinfo=UTC)
HOUR = timedelta(hours=1)

CASES = [
    # (due, finished, overdue by hand)
    (DUE, DUE - HOUR, False),  # decided before the deadline
    (DUE, DUE, False),  # decided at the last second: still in time
    (DUE, DUE + HOUR, True),  # decided after it
    (DUE, None, False),  # open, deadline still ahead of now
    (NOW - HOUR, None, True),  # open past its deadline
    (None, None, False),  # no deadline yet (a step not reached)
    (None, NOW, False),
]


@pytest.mark.parametrize(("due", "finished", "late"), CASES)
def test_python_and_sql_agree(due: datetime | None, finished: datetime | None, late: bool) -> None:
    assert is_overdue(due, finished, NOW) is late
    metadata = MetaData()
    rows = Table(
        "rows",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("due", DateTime(timezone=True)),
        Column("finished", DateTime(timezone=True)),
    )
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(rows), [{"due": due, "finished": finished}])
        late_in_sql = connection.execute(
            select(rows.c.id).where(overdue_sql(rows.c.due, rows.c.finished, NOW))
        ).all()
    assert bool(late_in_sql) is late
