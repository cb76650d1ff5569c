"""A simulated agency's part of ``/admin/ledger``: its facts are the decisions it published.

A simulated agency keeps no records of its decisions, but ``lienthong verify`` must still
reconcile a run in mock mode: what it decided is in its outbox, committed with the inbox entry
of the event it answered, so each decision that would have created a record counts as that
record, per dossier.

A ``silent`` rule answers nothing: the event is in the inbox and no outbox row names it as its
cause. Those are counted per event type (``unanswered``) so that ``verify`` can tell a silence
the tester configured from an event lost on its way (:mod:`lienthong.verify.silence`). The inbox
keeps no dossier id, so this count is over the whole run, even for ``?dossier_id=``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.admin_ledger import rows_of
from lienthong.runtime.service import Service
from lienthong.runtime.tables import InboxRecord, OutboxMessage
from lienthong.verify.facts import FACTS


async def ledger(service: Service, session: AsyncSession, dossier_id: str | None) -> dict[str, Any]:
    """Each fact of the agency: its decisions (every version) per dossier; nothing unlinked;
    and the consumed events it answered nothing to, per type."""
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
    return {
        "facts": facts,
        "unlinked": {},
        "unanswered": await unanswered(service.name, session),
    }


async def unanswered(consumer: str, session: AsyncSession) -> dict[str, int]:
    """``{event type: n}`` of the events *consumer* applied (its inbox) that none of its
    outbox rows names as its cause (``causationid``): what it answered nothing to."""
    answered = {
        _cause(value) for (value,) in await rows_of(session, sa_select(col(OutboxMessage.value)))
    }
    consumed = sa_select(col(InboxRecord.event_id), col(InboxRecord.event_type)).where(
        col(InboxRecord.consumer) == consumer
    )
    silent = Counter(
        str(event_type)
        for event_id, event_type in await rows_of(session, consumed)
        if event_id not in answered
    )
    return dict(sorted(silent.items()))


def _cause(value: bytes) -> str | None:
    """The ``causationid`` of an outbox row's event (structured-mode JSON), if it has one."""
    try:
        cause = json.loads(value).get("causationid")
    except (ValueError, AttributeError):
        return None
    return str(cause) if cause else None
