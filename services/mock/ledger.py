"""A simulated agency's part of ``/admin/ledger``: its facts are the decisions it published.

A simulated agency keeps no records, but ``lienthong verify`` must still reconcile a run in mock
mode: what it decided is in its outbox, committed with the inbox entry of the event it answered,
so each decision that would have created a record counts as that record, per dossier.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.admin_ledger import rows_of
from lienthong.runtime.service import Service
from lienthong.runtime.tables import OutboxMessage
from lienthong.verify.facts import FACTS


async def ledger(service: Service, session: AsyncSession, dossier_id: str | None) -> dict[str, Any]:
    """Each fact of the agency: its decisions (every version) per dossier; nothing unlinked."""
    facts: dict[str, dict[str, int]] = {}
    key = col(OutboxMessage.key)
    for fact in (fact for fact in FACTS if fact.agency == service.name):
        query = (
            sa_select(key, func.count())
            .where(col(OutboxMessage.event_type).in_(fact.done_types))
            .group_by(key)
        )
        if dossier_id is not None:
            query = query.where(key == dossier_id)
        facts[fact.name] = {str(k): int(n) for k, n in await rows_of(session, query)}
    return {"facts": facts, "unlinked": {}}
