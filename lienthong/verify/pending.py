"""Why a dossier is not final yet: a visible reason at the agency it waits for, or none (stuck).

A dossier waiting at an agency is *visibly pending* when one of these is true:

- the agency's decision is staged in its outbox and not published yet (a processing delay, a
  ``latency`` fault), or published and the gateway holds it parked;
- the agency holds the dossier's event parked (``held`` while it is down for the dossier's
  scope, ``retry`` after a transient error), or gave up on it (a dead letter, an open failure:
  the gateway's step is ``failed`` or ``GET /api/v1/failures`` lists it);
- a fault that makes it wait is on: ``down``, ``latency``, ``slow_consumer`` at the agency,
  ``delay`` at the agency or at the service whose event it waits for, ``down`` or
  ``slow_consumer`` at the gateway once the agency decided;
- the event it starts from is still staged at the service that produces it;
- a ``silent`` mock rule of a simulated agency left it unanswered, as configured
  (:mod:`~lienthong.verify.silence`);
- the agency is external (the user's own implementation): what it holds is not read, so its
  wait is not judged.

A fault limited to some provinces counts whatever the dossier's province (the ledger does not
carry it); its description says which provinces.

**Grace.** ``--grace SECONDS`` is real time, what a person watching a run counts; it is turned
into simulated time with the gateway's clock speed and compared with the dossier's last change
(``updated_at``, simulated). A dossier that changed within it is *in flight*, not stuck, even
with no reason: its next event may simply be on its way. The default 0 is for a quiet system.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from lienthong.contracts.services import GATEWAY
from lienthong.verify.facts import (
    FACT_OF_STEP,
    FAILED,
    input_event,
    input_events,
    input_producer,
    short,
)
from lienthong.verify.ledgers import Decision, DossierRow, Ledger, Snapshot

WAITING_FAULTS: Final = frozenset({"down", "latency", "slow_consumer", "delay"})
"""Faults at the agency itself that make a dossier wait there."""
GATEWAY_FAULTS: Final = frozenset({"down", "slow_consumer"})
"""Faults at the gateway that keep it from tracking a decision already made."""
WIRE_FAULTS: Final = frozenset({"delay"})
"""Faults at the producer of an agency's input that hold that input back."""


@dataclass(frozen=True)
class Wait:
    """A dossier waiting at one agency: the visible reasons, or what was looked for."""

    agency: str
    reasons: tuple[str, ...]
    looked: str = ""
    """When there is no reason: what was found instead, for the discrepancy's detail."""


@dataclass(frozen=True)
class Pending:
    """A dossier that is not final: where it waits and why, and whether it is in flight."""

    dossier_id: str
    flow: str
    status: str
    waits: tuple[Wait, ...]
    in_flight: bool

    @property
    def stuck(self) -> bool:
        """Not in flight, and some agency it waits for shows no reason (or none is waited for)."""
        return not self.in_flight and (not self.waits or any(not w.reasons for w in self.waits))

    @property
    def reasons(self) -> list[str]:
        """Every reason found, agency by agency."""
        return [reason for wait in self.waits for reason in wait.reasons]

    def describe(self) -> str:
        """What a person reads next to the dossier id."""
        if not self.waits:
            return f"{self.status} but no agency step is waiting"
        parts = []
        for wait in self.waits:
            why = "; ".join(wait.reasons) if wait.reasons else f"no reason ({wait.looked})"
            parts.append(f"at {wait.agency}: {why}")
        return " | ".join(parts)


def grace_in_simulated_time(snapshot: Snapshot, grace_s: float) -> timedelta:
    """``grace_s`` real seconds at the gateway's clock speed."""
    return timedelta(seconds=grace_s * snapshot.gateway.speed)


def in_flight(snapshot: Snapshot, dossier: DossierRow, grace: timedelta) -> bool:
    """Whether the dossier changed within ``grace`` (simulated) of the gateway's now."""
    return grace > timedelta(0) and snapshot.gateway.now - dossier.updated_at < grace


def pending_of(snapshot: Snapshot, dossier: DossierRow, grace: timedelta) -> Pending:
    """Where a non-final dossier waits, and why."""
    return Pending(
        dossier_id=dossier.dossier_id,
        flow=dossier.flow,
        status=dossier.status,
        waits=tuple(why_waiting(snapshot, dossier, agency) for agency in dossier.waiting),
        in_flight=in_flight(snapshot, dossier, grace),
    )


def _staged(ledger: Ledger, decisions: list[Decision], what: str) -> list[str]:
    reasons = []
    for decision in decisions:
        if decision.unpublished <= 0:
            continue
        when = decision.next_available_at
        if when is not None and when > ledger.now:
            reasons.append(f"{what} staged at {ledger.service} until {when.isoformat()}")
        else:
            reasons.append(f"{what} staged at {ledger.service}, waiting for its relay")
    return reasons


def _faults(ledger: Ledger | None, kinds: frozenset[str], flow: str) -> list[str]:
    if ledger is None:
        return []
    return [
        f"fault {fault.describe()}"
        for fault in ledger.faults
        if fault.kind in kinds and fault.flow in (None, flow)
    ]


def why_waiting(snapshot: Snapshot, dossier: DossierRow, agency: str) -> Wait:
    """The visible reasons ``dossier`` waits at ``agency`` (see the module docstring)."""
    dossier_id, flow = dossier.dossier_id, dossier.flow
    if agency in snapshot.external:
        return Wait(agency, (f"{agency} is external: not reconciled",))
    ledger = snapshot.ledgers.get(agency)
    fact = FACT_OF_STEP.get((flow, agency))
    if ledger is None or fact is None:
        return Wait(agency, (), f"no ledger of {agency} for the {flow} flow")
    reasons: list[str] = []
    step = dossier.step(agency)
    if step is not None and step.status == "failed":
        reasons.append(f"failed at {agency} ({step.reason_code or 'no reason code'})")
    if step is not None and step.status == "returned":
        until = step.due_at.isoformat() if step.due_at else "its complete-by time"
        reasons.append(f"returned by {agency} for completion: the requester has until {until}")
    reasons += [
        f"open failure at {failure.agency or agency}: {failure.reason}"
        for failure in snapshot.failures
        if failure.dossier_id == dossier_id and failure.agency in (None, agency)
    ]
    decisions = ledger.decided(dossier_id, *fact.done_types, *fact.refused_types)
    letters = ledger.decided(dossier_id, FAILED)
    reasons += _staged(ledger, decisions, "decision")
    reasons += _staged(ledger, letters, "dead letter")
    if any(letter.unpublished < letter.count for letter in letters):
        reasons.append(f"dead-lettered at {agency} (open failure)")
    silence = snapshot.silenced.get((dossier_id, agency))
    reasons += [silence] if silence else []
    parked = ledger.parked.get(dossier_id, [])
    reasons += [f"{held.kind} at {agency}: {held.reason}" for held in parked]
    reasons += _faults(ledger, WAITING_FAULTS, flow)
    producer = snapshot.ledgers.get(input_producer(flow, agency))
    reasons += _faults(producer, WIRE_FAULTS, flow)
    if producer is not None:
        upstream = producer.decided(dossier_id, *input_events(flow, agency))
        reasons += _staged(producer, upstream, f"its input ({short(input_event(flow, agency))})")
    published = [d for d in decisions if d.unpublished < d.count]
    if published:
        gateway = snapshot.ledgers.get(GATEWAY)
        tracked = gateway.parked.get(dossier_id, []) if gateway else []
        reasons += [f"{held.kind} at the gateway: {held.reason}" for held in tracked]
        reasons += _faults(gateway, GATEWAY_FAULTS, flow)
        looked = (
            f"{agency} published {short(published[0].event_type)} but the gateway still shows "
            f"the step {step.status if step else 'missing'}"
        )
    else:
        looked = f"no decision at {agency}, nothing parked or staged, no fault on"
    return Wait(agency, tuple(dict.fromkeys(reasons)), "" if reasons else looked)
