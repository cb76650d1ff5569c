"""Applying a batch of routed messages inside the batch's transaction.

Two ways, one result. The **fast path** runs every handler against state preloaded for the whole
batch and lets the unit of work write everything in one flush: no statement per event. When
anything fails — a handler raises, or the flush breaks a constraint — its savepoint is rolled
back and the **safe path** replays the batch with one savepoint per event, so the failing event
becomes a dead letter and its neighbours still commit. Either way the inbox rows and the decided
events are returned for one bulk insert each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import ConsumerRecord
from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.dead_letters import dead_letter
from lienthong.runtime.handlers import HandlerContext, Message, Route, ServiceHandlers

log = logging.getLogger(__name__)

Decide = Callable[[CloudEvent, list[BaseModel], datetime], list[CloudEvent]]
"""Wraps one event's decisions into the events it causes (see ``BatchProcessor._decided``)."""


@dataclass(frozen=True)
class Routed:
    """A consumed record, its parsed message and the route that handles it."""

    record: ConsumerRecord
    message: Message[Any]
    route: Route


@dataclass
class Applied:
    """What applying a batch produced."""

    inbox: list[dict[str, Any]] = field(default_factory=list)
    published: list[CloudEvent] = field(default_factory=list)
    dead_letters: list[DeadLettered] = field(default_factory=list)


class _HandlerFailed(Exception):
    """Leaves the fast path: some event of the batch failed."""


async def apply_batch(
    session: AsyncSession,
    consumer: str,
    handlers: ServiceHandlers,
    items: list[Routed],
    lookups: Any,
    now: Callable[[], datetime],
    decide: Decide,
) -> Applied:
    """Apply ``items`` (none of them seen before) inside the caller's transaction."""
    try:
        async with session.begin_nested():
            applied = await _fast(session, consumer, handlers, items, lookups, now, decide)
            await session.flush()
        return applied
    except Exception as error:
        log.info("%s: batch of %d needs the safe path (%r)", consumer, len(items), error)
        session.expunge_all()  # what the rolled-back savepoint touched is stale: read afresh
        return await _safe(session, consumer, handlers, items, lookups, now, decide)


def _inbox_row(consumer: str, event: CloudEvent, at: datetime) -> dict[str, Any]:
    return {
        "consumer": consumer,
        "event_id": event.id,
        "event_type": event.type,
        "processed_at": at,
    }


async def _fast(
    session: AsyncSession,
    consumer: str,
    handlers: ServiceHandlers,
    items: list[Routed],
    lookups: Any,
    now: Callable[[], datetime],
    decide: Decide,
) -> Applied:
    applied = Applied()
    batch = await handlers.preload(session, [item.message for item in items])
    with session.no_autoflush:  # one flush at the end, not one per query a handler makes
        for item in items:
            context = HandlerContext(now=now(), lookups=lookups, batch=batch)
            try:
                decisions = await item.route.handler(session, item.message, context)
            except Exception as error:
                raise _HandlerFailed(repr(error)) from error
            applied.published += decide(item.message.event, decisions, context.now)
            applied.inbox.append(_inbox_row(consumer, item.message.event, context.now))
    return applied


async def _safe(
    session: AsyncSession,
    consumer: str,
    handlers: ServiceHandlers,
    items: list[Routed],
    lookups: Any,
    now: Callable[[], datetime],
    decide: Decide,
) -> Applied:
    applied = Applied()
    batch = await handlers.preload(session, [item.message for item in items])
    for position, item in enumerate(items):
        event = item.message.event
        context = HandlerContext(now=now(), lookups=lookups, batch=batch)
        try:
            async with session.begin_nested():
                decisions = await item.route.handler(session, item.message, context)
                events = decide(event, decisions, context.now)
                await session.flush()
        except Exception as error:
            log.exception("%s: handler for %s failed", consumer, event.type)
            applied.dead_letters.append(
                dead_letter(consumer, item.record, event, "handler_error", repr(error))
            )
            session.expunge_all()  # the rolled-back savepoint expired what it touched
            rest = [later.message for later in items[position + 1 :]]
            batch = await handlers.preload(session, rest) if rest else None
            continue
        applied.published += events
        applied.inbox.append(_inbox_row(consumer, event, context.now))
    return applied
