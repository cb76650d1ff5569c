"""Typed event handlers: one style for every service.

A service's handlers are methods of one :class:`ServiceHandlers` class, each declared against
the payload model it handles (``@handles(BirthRegistered)``). The runtime looks the event type up
in the catalogue, parses and validates the payload once, and passes a :class:`Message` carrying
both the envelope and the typed payload. A handler returns the payloads it decides (an agency's
decisions); the runtime wraps each in its envelope — type and topic from the catalogue, the
causing event's id, the decision time — and stages it in the outbox.

Two hooks make handling batch-aware: :meth:`ServiceHandlers.prefetch` does a batch's I/O before
the transaction (one HTTP lookup for every parent), :meth:`ServiceHandlers.preload` reads what a
whole batch needs inside it (one query for every dossier), so no handler queries per event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.catalogue import EventSpec, spec_for_payload
from lienthong.contracts.envelope import CloudEvent
from lienthong.domain.calendar import vietnam_date

P = TypeVar("P", bound=BaseModel)
S = TypeVar("S")


@dataclass(frozen=True)
class Message(Generic[P]):
    """One consumed event: its envelope and its parsed, validated payload."""

    event: CloudEvent
    payload: P

    @property
    def dossier_id(self) -> str:
        """The dossier the event is about (the chain's correlation id)."""
        return self.event.correlationid

    @property
    def day(self) -> date:
        """The day the event happened, in Vietnam: what an agency's day-counting rules use.

        Never the day the message happens to be read: a replay a week later decides the same.
        """
        return vietnam_date(self.event.time)


@dataclass(frozen=True)
class HandlerContext:
    """What a handler may know besides the message: the batch's lookups and state, and now."""

    now: datetime
    """The simulated instant the agency decides (before its processing delay)."""
    lookups: Any = None
    """What :meth:`ServiceHandlers.prefetch` returned for the batch."""
    batch: Any = None
    """What :meth:`ServiceHandlers.preload` returned for the batch."""

    @property
    def today(self) -> date:
        """The simulated date in Vietnam: the date an official writes on a decision."""
        return vietnam_date(self.now)


Decisions = list[BaseModel]
"""The payloads a handler decides; the runtime turns each into an event."""

Method = Callable[[S, AsyncSession, Message[P], HandlerContext], Awaitable[Decisions]]
BoundHandler = Callable[[AsyncSession, Message[Any], HandlerContext], Awaitable[Decisions]]

_HANDLES = "__lienthong_handles__"


def handles(*payloads: type[P]) -> Callable[[Method[S, P]], Method[S, P]]:
    """Declare a method as the handler of the events whose payload model is one of ``payloads``.

    Several models (e.g. every version of one event) may share a handler; it then receives a
    ``Message`` of their common base.
    """
    for payload in payloads:
        spec_for_payload(payload)  # fail at class definition for a model the catalogue lacks

    def mark(method: Method[S, P]) -> Method[S, P]:
        setattr(method, _HANDLES, payloads)
        return method

    return mark


@dataclass(frozen=True)
class Route:
    """An event type this service handles: its catalogue entry and its bound handler."""

    spec: EventSpec
    handler: BoundHandler


class ServiceHandlers:
    """Base of every service's handlers; subclasses set ``service`` and decorate methods."""

    service: str
    """The agency whose events these are (a class attribute; a simulated agency sets its own)."""

    def routes(self) -> dict[str, Route]:
        """Every handled event type, with the handler bound to this instance."""
        found: dict[str, Route] = {}
        for klass in reversed(type(self).__mro__):
            for name, attribute in vars(klass).items():
                for payload in getattr(attribute, _HANDLES, ()):
                    spec = spec_for_payload(payload)
                    found[spec.type] = Route(spec, getattr(self, name))
        return found

    async def prefetch(self, messages: list[Message[Any]]) -> Any:
        """I/O a batch needs, done before its transaction; raise TransientError to retry."""
        return None

    async def preload(
        self, session: AsyncSession, messages: list[Message[Any]], lookups: Any
    ) -> Any:
        """State a batch needs, read inside its transaction in as few queries as possible.

        ``lookups`` is what :meth:`prefetch` returned (it may say which rows are needed).

        Called again for the rest of the batch after an event's savepoint was rolled back.
        """
        return None

    async def finish(self, session: AsyncSession, state: Any) -> None:
        """Write what the handlers changed in ``state`` in bulk (after the batch, or after
        each event when events are applied one savepoint at a time)."""
