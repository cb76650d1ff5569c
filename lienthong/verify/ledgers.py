"""The services' ``/admin/ledger`` answers as typed records, and the snapshot they make together.

Parsing is strict about what the checks need (a missing field is a :class:`LedgerError` naming
it) and ignores the rest, so a ledger may grow without breaking ``verify``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from lienthong.contracts.services import GATEWAY
from lienthong.verify.facts import FACTS


class LedgerError(ValueError):
    """A ledger (or the failures list) does not have the shape ``verify`` reads."""


@dataclass(frozen=True)
class Decision:
    """Events of one type a service staged for one dossier."""

    event_type: str
    count: int
    unpublished: int = 0
    next_available_at: datetime | None = None
    """Earliest simulated time one of the unpublished ones may be published."""


@dataclass(frozen=True)
class Parked:
    """An event a service consumed and holds (``held``) or will retry (``retry``)."""

    event_type: str
    kind: str
    reason: str


@dataclass(frozen=True)
class ActiveFault:
    """A fault on now at a service; ``flow`` None hits both flows."""

    service: str
    kind: str
    flow: str | None = None
    provinces: tuple[str, ...] = ()

    def describe(self) -> str:
        """``down at population (death only, provinces 01, 79)``."""
        limits = [f"{self.flow} only"] if self.flow else []
        if self.provinces:
            limits.append(f"provinces {', '.join(self.provinces)}")
        return f"{self.kind} at {self.service}" + (f" ({'; '.join(limits)})" if limits else "")


@dataclass(frozen=True)
class Step:
    """One agency step of a dossier, as the gateway tracks it."""

    agency: str
    status: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    due_at: datetime | None = None
    reason_code: str | None = None


@dataclass(frozen=True)
class DossierRow:
    """One dossier of the gateway's table, with its steps."""

    dossier_id: str
    flow: str
    status: str
    submitted_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    due_at: datetime | None = None
    steps: tuple[Step, ...] = ()
    province_code: str = ""
    """The province whose office handles it ("" when the form names none)."""

    def step(self, agency: str) -> Step | None:
        """The step of ``agency``, if the dossier has one."""
        return next((step for step in self.steps if step.agency == agency), None)

    @property
    def waiting(self) -> tuple[str, ...]:
        """The agencies it reached that have not decided (pending, or failed and waiting)."""
        return tuple(
            step.agency
            for step in self.steps
            if step.started_at is not None and step.status not in ("done", "rejected")
        )


@dataclass
class Ledger:
    """One service's ledger: the runtime part, and its domain part (facts, or dossiers)."""

    service: str
    now: datetime
    speed: float = 1.0
    decisions: dict[str, list[Decision]] = field(default_factory=dict)
    parked: dict[str, list[Parked]] = field(default_factory=dict)
    faults: list[ActiveFault] = field(default_factory=list)
    facts: dict[str, dict[str, int]] = field(default_factory=dict)
    unlinked: dict[str, dict[str, int]] = field(default_factory=dict)
    dossiers: dict[str, DossierRow] = field(default_factory=dict)
    counters: dict[str, Any] | None = None
    unanswered: dict[str, int] = field(default_factory=dict)
    """A simulated agency's consumed events it published nothing for, by event type."""

    def decided(self, dossier_id: str, *event_types: str) -> list[Decision]:
        """This service's decisions about ``dossier_id`` of the given types."""
        return [d for d in self.decisions.get(dossier_id, []) if d.event_type in event_types]


@dataclass(frozen=True)
class Failure:
    """An open failure (dead letter) the gateway lists."""

    dossier_id: str
    agency: str | None
    reason: str


class SilentRule(Protocol):
    """A mock rule that makes a simulated agency answer nothing (``services/mock/rules.py``);
    written as ``str(rule)``."""

    def matches(self, agency: str, event_type: str) -> bool:
        """Whether it is about *agency* answering an event of *event_type*."""


@dataclass
class Snapshot:
    """Every service's ledger, the gateway's open failures, and dossiers too new to judge."""

    ledgers: dict[str, Ledger]
    failures: list[Failure] = field(default_factory=list)
    late: set[str] = field(default_factory=set)
    """Dossiers an agency knew but the gateway's ledger did not yet: submitted while the
    ledgers were being read, so left out of every check."""
    notes: list[str] = field(default_factory=list)
    external: frozenset[str] = frozenset()
    """Agencies the run leaves to the user's own implementation: no ledger of theirs is read,
    and nothing only they could show is judged."""
    silent_rules: tuple[SilentRule, ...] | None = None
    """The run's ``silent`` mock rules (None: not known, e.g. found through ``--url``)."""
    silenced: dict[tuple[str, str], str] = field(default_factory=dict)
    """(dossier, agency) → why a silent rule explains its wait (:mod:`~lienthong.verify.silence`,
    worked out by ``reconcile`` over every dossier at once)."""

    @property
    def gateway(self) -> Ledger:
        """The gateway's ledger."""
        return self.ledgers[GATEWAY]

    def reconciled(self, agency: str) -> bool:
        """Whether the agency's ledger was read (not external)."""
        return agency in self.ledgers

    def fact(self, name: str, agency: str) -> dict[str, int]:
        """``{dossier id: rows}`` of one fact at its agency (none when its ledger was not read)."""
        ledger = self.ledgers.get(agency)
        return ledger.facts.get(name, {}) if ledger is not None else {}


# -- parsing ----------------------------------------------------------------------------------


def _need(body: Any, key: str, where: str) -> Any:
    if not isinstance(body, dict) or key not in body:
        raise LedgerError(f"{where}: no {key!r}")
    return body[key]


def _instant(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise LedgerError(f"{where}: {value!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _maybe_instant(value: Any, where: str) -> datetime | None:
    return None if value is None else _instant(value, where)


def _tally(body: Any, where: str) -> dict[str, int]:
    try:
        return {str(key): int(n) for key, n in body.items()}
    except (AttributeError, TypeError, ValueError):
        raise LedgerError(f"{where}: expected {{key: count}}") from None


def _counts(body: Any, where: str) -> dict[str, dict[str, int]]:
    if not isinstance(body, dict):
        raise LedgerError(f"{where}: expected {{name: {{key: count}}}}")
    return {str(name): _tally(rows, f"{where}, {name}") for name, rows in body.items()}


def parse_ledger(body: Any) -> Ledger:
    """A ledger from its JSON; :class:`LedgerError` names what is missing."""
    service = str(_need(body, "service", "ledger"))
    where = f"{service}'s ledger"
    clock = _need(body, "clock", where)
    ledger = Ledger(
        service=service,
        now=_instant(_need(clock, "now", where), where),
        speed=float(clock.get("speed") or 1.0),
    )
    decisions: dict[str, list[Decision]] = defaultdict(list)
    for row in _need(body, "decisions", where):
        decisions[str(_need(row, "dossier_id", where))].append(
            Decision(
                event_type=str(_need(row, "event_type", where)),
                count=int(_need(row, "count", where)),
                unpublished=int(row.get("unpublished") or 0),
                next_available_at=_maybe_instant(row.get("next_available_at"), where),
            )
        )
    ledger.decisions = dict(decisions)
    parked: dict[str, list[Parked]] = defaultdict(list)
    for row in _need(body, "parked", where):
        parked[str(row.get("dossier_id"))].append(
            Parked(str(row.get("event_type")), str(row.get("kind")), str(row.get("reason")))
        )
    ledger.parked = dict(parked)
    ledger.faults = [
        ActiveFault(service, str(f.get("kind")), f.get("flow"), tuple(f.get("provinces") or ()))
        for f in _need(body, "faults", where)
        if f.get("active")
    ]
    domain = _need(body, "domain", where)
    if service == GATEWAY:
        ledger.dossiers = {
            row.dossier_id: row for row in map(_dossier, _need(domain, "dossiers", where))
        }
        ledger.counters = domain.get("counters")
    else:
        ledger.facts = _counts(_need(domain, "facts", where), where)
        for fact in FACTS:
            if fact.agency == service and fact.name not in ledger.facts:
                raise LedgerError(f"{where}: no fact {fact.name!r} (an older version?)")
        ledger.unlinked = _counts(domain.get("unlinked") or {}, where)
        ledger.unanswered = _tally(domain.get("unanswered") or {}, f"{where}, unanswered")
    return ledger


def _dossier(body: Any) -> DossierRow:
    where = "the gateway's ledger"
    return DossierRow(
        dossier_id=str(_need(body, "dossier_id", where)),
        flow=str(_need(body, "flow", where)),
        status=str(_need(body, "status", where)),
        submitted_at=_instant(_need(body, "submitted_at", where), where),
        updated_at=_instant(_need(body, "updated_at", where), where),
        closed_at=_maybe_instant(body.get("closed_at"), where),
        due_at=_maybe_instant(body.get("due_at"), where),
        province_code=str(body.get("province_code") or ""),
        steps=tuple(
            Step(
                agency=str(_need(step, "agency", where)),
                status=str(_need(step, "status", where)),
                started_at=_maybe_instant(step.get("started_at"), where),
                finished_at=_maybe_instant(step.get("finished_at"), where),
                due_at=_maybe_instant(step.get("due_at"), where),
                reason_code=step.get("reason_code"),
            )
            for step in _need(body, "steps", where)
        ),
    )


def parse_failures(body: Any) -> tuple[list[Failure], int, int]:
    """One page of ``GET /api/v1/failures``: its unresolved failures, its size, and the total.

    Each names its dossier, the agency that gave up and why; one already resolved (the agency
    decided after all) is no reason to wait and is skipped; open and redriven ones are.
    """
    items, total = _need(body, "items", "the failures"), _need(body, "total", "the failures")
    if not isinstance(items, list) or not isinstance(total, int):
        raise LedgerError("the failures: expected {'total': n, 'items': [...]}")
    failures = [
        Failure(
            str(item["dossier_id"]),
            item.get("agency"),
            f"{item.get('error_kind') or 'failed'} ({item.get('status') or 'open'})",
        )
        for item in items
        if isinstance(item, dict) and item.get("dossier_id") and item.get("status") != "resolved"
    ]
    return failures, len(items), total
