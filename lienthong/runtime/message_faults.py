"""Faults on the wire (lỗi đường truyền): what the relay does to the messages a service publishes.

The relay asks :class:`MessageFaults` for a :class:`SendPlan` of each batch of outbox rows:

- ``duplicate`` — a hit row is sent twice in a row: consumers' inboxes must absorb it;
- ``delay`` — a hit row is held back by a duration drawn from the fault's ``latency`` (simulated
  time): its ``available_at`` moves forward, so the relay's query stops returning it and the rows
  behind it go on (a held row never blocks the head of the outbox). It is held once: the row
  then carries a ``lienthong-delayed`` header, which survives a restart and is sent with it;
- ``reorder`` — the batch's rows in scope are cut into windows of ``window`` and each window hit
  is sent in a seeded shuffled order, so events of one dossier may arrive out of order;
- ``poison`` — before a hit row, a bad message with the same key goes to the same topic (the real
  one still follows): bytes that are not JSON, JSON that is not a CloudEvent, or a CloudEvent of
  a real type of that topic whose data violates its payload model. Its bytes derive from the
  event id, so the consumer's dead letter ids are the same in every run.

Every roll is the board's seeded roll about the event id, so the same run hits the same messages.
Dead letters are left alone: they are the sandbox's own bookkeeping, and poisoning them would
make consumers dead-letter their dead letters forever.

Every message goes out in CloudEvents structured mode, with the ``content-type`` header
(``lienthong/contracts/kafka_binding.py``) — a poison message too: it stands for a real producer's
message gone wrong, and the consumer must judge its bytes, not its header.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from lienthong.contracts.envelope import CloudEvent, derived_id
from lienthong.contracts.faults import POISON_KINDS, Fault, FaultKind, PoisonKind
from lienthong.contracts.kafka_binding import structured_headers
from lienthong.contracts.scope import Scope, province_of
from lienthong.contracts.steps import flow_of
from lienthong.contracts.topics import DEAD_LETTERS
from lienthong.runtime.clock import SimClock
from lienthong.runtime.delays import parse_delay
from lienthong.runtime.faults import FaultBoard, in_scope
from lienthong.runtime.tables import OutboxMessage

DELAYED_HEADER: Final = "lienthong-delayed"
"""Header of a row the ``delay`` fault held back (seconds of simulated time): held only once."""


@dataclass(frozen=True)
class Outgoing:
    """One message to hand to the producer."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]] | None = None


@dataclass
class SendPlan:
    """What one relay round sends, which rows it then marks published, which it holds back."""

    messages: list[Outgoing] = field(default_factory=list)
    sent: list[OutboxMessage] = field(default_factory=list)
    held: dict[int, tuple[datetime, dict[str, str]]] = field(default_factory=dict)
    """Row id → its new ``available_at`` and headers."""


def outgoing(row: OutboxMessage) -> Outgoing:
    """The message of an outbox row, as published without faults: its stored bytes and key, the
    structured-mode ``content-type`` header, then the row's own headers (a redrive's generation).
    """
    return Outgoing(row.topic, row.key.encode(), row.value, structured_headers(row.headers))


def plain_plan(rows: list[OutboxMessage]) -> SendPlan:
    """Every row once, in order: the relay without faults."""
    return SendPlan(messages=[outgoing(row) for row in rows], sent=list(rows))


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Fields:
    """A JSON object read through attributes, so :func:`province_of` reads raw payloads too."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._data.get(name)
        return _Fields(value) if isinstance(value, dict) else value


def row_scope(row: OutboxMessage, with_province: bool) -> Scope:
    """The flow of a row's event type and (only when asked: it parses the JSON) its province."""
    flow = flow_of(row.event_type)
    province = None
    if with_province:
        try:
            data = json.loads(row.value).get("data")
        except (ValueError, AttributeError):
            data = None
        province = province_of(_Fields(data)) if isinstance(data, dict) else None
    return Scope(flow=flow, province=province)


def poison_message(row: OutboxMessage, kind: PoisonKind, source: str) -> Outgoing:
    """A bad message about ``row``: same topic and key, bytes derived from its event id.

    It carries the structured-mode ``content-type`` header like every message a service sends:
    the fault breaks the bytes, not the way they are declared.
    """
    poison_id = derived_id("poison", kind, row.event_id)
    if kind == "not_json":
        value = f"<poison not-json {poison_id} of {row.event_id}>".encode()
    elif kind == "not_cloudevent":
        value = json.dumps(
            {"poison": kind, "poison_id": poison_id, "about": row.event_id}, sort_keys=True
        ).encode()
    else:
        value = CloudEvent(
            id=poison_id,
            source=source,
            type=row.event_type,
            subject=row.key,
            time=_utc(row.available_at),
            correlationid=row.key,
            causationid=row.event_id,
            data={"poison": kind, "dossier_id": row.key},
        ).to_bytes()
    return Outgoing(row.topic, row.key.encode(), value, structured_headers())


class MessageFaults:
    """Applies one service's message faults (its :class:`FaultBoard`) to each relay batch."""

    def __init__(self, board: FaultBoard, clock: SimClock) -> None:
        self._board = board
        self._clock = clock

    def plan(self, rows: list[OutboxMessage]) -> SendPlan:
        """The messages of ``rows`` with whatever faults are on; unchanged when none is."""
        on = {
            kind: fault
            for kind in (FaultKind.DELAY, FaultKind.REORDER, FaultKind.POISON, FaultKind.DUPLICATE)
            if (fault := self._board.active(kind)) is not None
        }
        if not on or not rows:
            return plain_plan(rows)
        with_province = any(fault.provinces for fault in on.values())
        scopes = {
            id(row): row_scope(row, with_province) for row in rows if row.topic != DEAD_LETTERS
        }
        plan = SendPlan()
        due = list(rows)
        if FaultKind.DELAY in on:
            due = self._hold(due, on[FaultKind.DELAY], scopes, plan)
        if FaultKind.REORDER in on:
            due = self._reorder(due, on[FaultKind.REORDER], scopes)
        for row in due:
            scope = scopes.get(id(row))
            if scope is not None and self._hit(FaultKind.POISON, row, scope):
                plan.messages.append(poison_message(row, self._poison_kind(on, row), self._source))
            plan.messages.append(outgoing(row))
            if scope is not None and self._hit(FaultKind.DUPLICATE, row, scope):
                plan.messages.append(outgoing(row))
            plan.sent.append(row)
        return plan

    @property
    def _source(self) -> str:
        return self._board.service

    def _hit(self, kind: FaultKind, row: OutboxMessage, scope: Scope) -> bool:
        return self._board.hits(kind, about=row.event_id, scope=scope) is not None

    def _poison_kind(self, on: dict[FaultKind, Fault], row: OutboxMessage) -> PoisonKind:
        chosen = on[FaultKind.POISON].poison
        if chosen is not None:
            return chosen
        draw: int = self._board.rng("poison", row.event_id).randrange(len(POISON_KINDS))
        return POISON_KINDS[draw]

    def _hold(
        self, rows: list[OutboxMessage], fault: Fault, scopes: dict[int, Scope], plan: SendPlan
    ) -> list[OutboxMessage]:
        """Rows sent now; the ones the fault holds back go into ``plan.held``."""
        distribution = parse_delay(fault.latency or "none")
        now = self._clock.now()
        due: list[OutboxMessage] = []
        for row in rows:
            scope = scopes.get(id(row))
            if (
                row.id is None
                or scope is None
                or DELAYED_HEADER in (row.headers or {})
                or not self._hit(FaultKind.DELAY, row, scope)
            ):
                due.append(row)
                continue
            delay = distribution.sample(self._board.rng("delay", row.event_id))
            if delay <= timedelta(0):
                due.append(row)
                continue
            headers = {**(row.headers or {}), DELAYED_HEADER: f"{delay.total_seconds():g}"}
            plan.held[row.id] = (max(_utc(row.available_at), now) + delay, headers)
        return due

    def _reorder(
        self, rows: list[OutboxMessage], fault: Fault, scopes: dict[int, Scope]
    ) -> list[OutboxMessage]:
        """Shuffle windows of the rows in scope among their own places; the others stay put."""
        places = [
            n for n, row in enumerate(rows) if (s := scopes.get(id(row))) and in_scope(fault, s)
        ]
        result = list(rows)
        for start in range(0, len(places), fault.window):
            window = places[start : start + fault.window]
            first = rows[window[0]]
            if len(window) < 2 or not self._hit(FaultKind.REORDER, first, scopes[id(first)]):
                continue
            order = [rows[n] for n in window]
            self._board.rng("reorder", first.event_id).shuffle(order)
            for place, row in zip(window, order, strict=True):
                result[place] = row
        return result
