"""The one overdue rule (quá hạn), in Python for views and in SQL for filters and counts.

A dossier or step is overdue when it was finished after its due time, or is still open past it.
Both renderings below say exactly that; ``tests/integration/test_overdue.py`` checks they agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_


def is_overdue(due_at: datetime | None, finished_at: datetime | None, now: datetime) -> bool:
    """Finished after its due time, or still open past it; never without a due time."""
    if due_at is None:
        return False
    return (finished_at or now) > due_at


def overdue_sql(due: Any, finished: Any, now: datetime) -> Any:
    """:func:`is_overdue` as a SQL condition on the columns ``due`` and ``finished``."""
    return or_(
        and_(finished.is_not(None), due.is_not(None), finished > due),
        and_(finished.is_(None), due.is_not(None), due < now),
    )
