"""Applying a batch of routed messages inside the batch's transaction.

Two ways, one result. The **fast path** runs every handler against state preloaded for the whole
batch and lets the unit of work write everything in one flush: no statement per event. When
anything fails — a handler raises, or the flush breaks a constraint — its savepoint is rolled
back and the **safe path** replays the batch with one savepoint per event, so the failing event
becomes a dead letter and its neighbours still commit. Either way the inbox rows and the decided
events are returned for one bulk insert each.

Several instances of an agency share a consumer group, so two of them can decide about the same
person at once (two dossiers for one birth, one commune's register counter). The unique
constraints let only one commit; the other's write fails with a unique violation, and that
event is run once more on freshly read state, where the handler's own rule sees what the other
instance wrote and answers as the business would (a duplicate), instead of a dead letter. A
deadlock or serialization failure instead rolls the whole batch back for the consume loop to
retry: the batch's row locks must go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import ConsumerRecord
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.dead_letters import dead_letter
from lienthong.runtime.handlers import HandlerContext, Message, Route, ServiceHandlers

log = logging.getLogger(__name__)

Decide = Callable[[Message[Any], list[BaseModel], datetime], list[CloudEvent]]
"""Wraps one event's decisions into the events it causes (see ``DecisionStamper.decided``)."""

Intercept = Callable[[Message[Any]], list[BaseModel] | None]
"""Decisions that replace the handler's (an injected refusal), or None to run the handler."""


_ABORTING_SQLSTATES = frozenset({"40001", "40P01"})
"""PostgreSQL's serialization failure and deadlock: the whole transaction must start again."""


def _sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error (PostgreSQL), None for anything else."""
    return getattr(error.orig, "sqlstate", None) if isinstance(error, DBAPIError) else None


def is_lost_race(error: BaseException) -> bool:
    """Whether *error* is a unique or primary-key violation: another writer inserted the same
    key first, and running the event again on fresh state decides it (as a duplicate). A
    foreign-key, NOT NULL or CHECK failure is a bug, not a race."""
    if not isinstance(error, IntegrityError):
        return False
    state = _sqlstate(error)
    return state == "23505" if state is not None else "UNIQUE constraint failed" in str(error)


def must_restart_transaction(error: BaseException) -> bool:
    """Whether *error* (a deadlock, a serialization failure) needs the whole batch again.

    The batch's reads hold row locks (``FOR UPDATE``) a savepoint cannot release, so deciding
    the event again inside the same transaction can deadlock again; rolling it all back frees
    them, and the consume loop's database policy retries the batch.
    """
    return _sqlstate(error) in _ABORTING_SQLSTATES


def _no_intercept(message: Message[Any]) -> list[BaseModel] | None:
    return None


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


@dataclass(frozen=True)
class _Batch:
    """One batch being applied: where, by whom, with what."""

    session: AsyncSession
    consumer: str
    handlers: ServiceHandlers
    lookups: Any
    now: Callable[[], datetime]
    decide: Decide
    intercept: Intercept

    async def preload(self, items: list[Routed]) -> Any:
        """The handlers' state for *items*, read afresh (after a rollback, too)."""
        messages = [item.message for item in items]
        return await self.handlers.preload(self.session, messages, self.lookups)

    async def handle(self, item: Routed, state: Any, applied: Applied) -> None:
        """Run one handler and record what it decided (its events and its inbox row)."""
        context = HandlerContext(now=self.now(), lookups=self.lookups, batch=state)
        event = item.message.event
        decisions = self.intercept(item.message)
        if decisions is None:
            decisions = await item.route.handler(self.session, item.message, context)
        applied.published += self.decide(item.message, decisions, context.now)
        applied.inbox.append(
            {
                "consumer": self.consumer,
                "event_id": event.id,
                "event_type": event.type,
                "processed_at": context.now,
            }
        )


async def apply_batch(
    session: AsyncSession,
    consumer: str,
    handlers: ServiceHandlers,
    items: list[Routed],
    lookups: Any,
    now: Callable[[], datetime],
    decide: Decide,
    intercept: Intercept = _no_intercept,
) -> Applied:
    """Apply ``items`` (none of them seen before) inside the caller's transaction."""
    batch = _Batch(session, consumer, handlers, lookups, now, decide, intercept)
    try:
        async with session.begin_nested():
            applied = await _fast(batch, items)
            await session.flush()
        return applied
    except Exception as error:
        if must_restart_transaction(error):
            raise
        log.info(
            "%s: batch of %d needs the safe path (%s)", consumer, len(items), type(error).__name__
        )
        session.expunge_all()  # what the rolled-back savepoint touched is stale: read afresh
        return await _safe(batch, items)


async def _fast(batch: _Batch, items: list[Routed]) -> Applied:
    applied = Applied()
    state = await batch.preload(items)
    for item in items:
        await batch.handle(item, state, applied)
    await batch.handlers.finish(batch.session, state)
    return applied


async def _safe(batch: _Batch, items: list[Routed]) -> Applied:
    applied = Applied()
    state = await batch.preload(items)
    position, rerun = 0, False
    while position < len(items):
        item = items[position]
        try:
            async with batch.session.begin_nested():
                done = Applied()
                await batch.handle(item, state, done)
                await batch.handlers.finish(batch.session, state)
                await batch.session.flush()
        except Exception as error:
            if must_restart_transaction(error):
                raise
            batch.session.expunge_all()  # the rolled-back savepoint expired what it touched
            if is_lost_race(error) and not rerun:
                # The class only: the driver's message quotes the key (a name, an ID number).
                log.info(
                    "%s: %s lost a race (%s); deciding it again",
                    batch.consumer,
                    item.message.event.type,
                    type(error).__name__,
                )
                state, rerun = await batch.preload(items[position:]), True
                continue
            event = item.message.event
            log.exception("%s: handler for %s failed", batch.consumer, event.type)
            applied.dead_letters.append(
                dead_letter(batch.consumer, item.record, event, "handler_error", repr(error))
            )
            position, rerun = position + 1, False
            rest = items[position:]
            state = await batch.preload(rest) if rest else None
            continue
        applied.published += done.published
        applied.inbox += done.inbox
        position, rerun = position + 1, False
    return applied
