"""The faults switched on at one service (bảng lỗi giả lập): kept, persisted, and rolled.

Every service holds a :class:`FaultBoard`. The admin API (``runtime/admin_faults.py``) sets and
clears faults; the consumer, the relay and the gateway's intake ask the board whether a fault
hits the message in hand. Settings are stored in the service's own database, so a service the
supervisor restarts comes back with the faults it had, and every instance of it sees them.

Whether a fault hits is drawn from a generator derived from the run's seed, the fault and what
it is about (the event id, and the attempt for a retried one): the same run hits the same
messages, whatever the machine's speed or the order of batches.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import Column, delete
from sqlalchemy.types import JSON
from sqlmodel import Field, col, select

from lienthong.contracts.faults import Fault, FaultKind
from lienthong.contracts.scope import Scope
from lienthong.domain.calendar import VIETNAM_TZ
from lienthong.runtime.clock import SimClock
from lienthong.runtime.db import Database
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.tables import RuntimeTable, utcnow

OFFICE_OPENS = time(7, 30)
OFFICE_CLOSES = time(17, 0)
"""Giờ hành chính: the hours the reports say the portal was overloaded in."""


class FaultRecord(RuntimeTable, table=True):
    """A fault that is on, as the admin API set it."""

    __tablename__ = "faults"

    kind: str = Field(primary_key=True)
    setting: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    set_at: datetime = Field(default_factory=utcnow)


def in_office_hours(moment: datetime) -> bool:
    """07:30–17:00, Monday to Friday, Vietnam time."""
    local = moment.astimezone(VIETNAM_TZ)
    return local.weekday() < 5 and OFFICE_OPENS <= local.time() < OFFICE_CLOSES


def in_scope(fault: Fault, scope: Scope) -> bool:
    """Whether ``scope`` is among what ``fault`` is limited to (flow, provinces)."""
    if fault.flow is not None and scope.flow is not None and scope.flow != fault.flow:
        return False
    return not fault.provinces or scope.province in fault.provinces


class FaultBoard:
    """The faults on at one service, and the seeded rolls deciding whom they hit."""

    def __init__(self, service: str, randomness: RandomSource, clock: SimClock) -> None:
        self.service = service
        self._randomness = randomness
        self._clock = clock
        self._faults: dict[FaultKind, Fault] = {}

    def faults(self) -> list[Fault]:
        """Every fault set, whether or not its window is open now, in kind order."""
        return [self._faults[kind] for kind in FaultKind if kind in self._faults]

    def active(self, kind: FaultKind, now: datetime | None = None) -> Fault | None:
        """``kind`` when it is set and on at ``now`` (simulated; default: the clock's now)."""
        fault = self._faults.get(kind)
        if fault is None:
            return None
        moment = now or self._clock.now()
        if fault.starts_at is not None and moment < fault.starts_at:
            return None
        if fault.ends_at is not None and moment >= fault.ends_at:
            return None
        if fault.office_hours and not in_office_hours(moment):
            return None
        return fault

    def hits(
        self, kind: FaultKind, about: str, scope: Scope | None = None, attempt: int = 0
    ) -> Fault | None:
        """The fault when it is on, ``scope`` is within it and the seeded roll falls under its
        rate, else None. ``about`` (an event id) and ``attempt`` make each roll its own."""
        fault = self.active(kind)
        if fault is None or not in_scope(fault, scope or Scope()):
            return None
        if fault.rate >= 1.0:
            return fault
        roll = self._randomness.derive("fault", self.service, kind.value, about, attempt).random()
        return fault if roll < fault.rate else None

    def fully_down(self) -> bool:
        """``down`` on for everything: the consumer pauses and messages wait in Kafka."""
        fault = self.active(FaultKind.DOWN)
        return fault is not None and not fault.provinces and fault.flow is None

    def rng(self, *about: object) -> Any:
        """A generator for what a fault draws (a latency, a poison kind), from the run's seed."""
        return self._randomness.derive("fault", self.service, *about)

    # -- persistence ---------------------------------------------------------------------------

    async def load(self, db: Database) -> None:
        """Read the faults stored by an earlier run of this service (or another instance)."""
        async with db.read_session() as session:
            records = (await session.exec(select(FaultRecord))).all()
        self._faults = {
            FaultKind(record.kind): Fault.model_validate(
                {**record.setting, "service": self.service, "kind": record.kind}
            )
            for record in records
        }

    async def put(self, db: Database, fault: Fault) -> None:
        """Switch ``fault`` on (replacing the same kind), stored first so a restart keeps it."""
        setting = fault.model_dump(mode="json", exclude={"service", "kind"})
        async with db.session() as session:
            await session.exec(delete(FaultRecord).where(col(FaultRecord.kind) == fault.kind.value))
            session.add(FaultRecord(kind=fault.kind.value, setting=setting))
        self._faults[fault.kind] = fault

    async def clear(self, db: Database, kind: FaultKind | None = None) -> list[Fault]:
        """Switch ``kind`` off (all faults when None); returns what was on."""
        cleared = [f for f in self.faults() if kind is None or f.kind is kind]
        async with db.session() as session:
            query = delete(FaultRecord)
            if kind is not None:
                query = query.where(col(FaultRecord.kind) == kind.value)
            await session.exec(query)
        for fault in cleared:
            self._faults.pop(fault.kind, None)
        return cleared
