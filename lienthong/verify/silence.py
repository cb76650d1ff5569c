"""Dossiers a simulated agency left unanswered on purpose: a ``silent`` mock rule is a reason.

``lienthong up --only civil_registry --mock insurance=silent`` makes the simulated insurance
consume its events and publish nothing, so the dossier's step stays pending, as configured. That
is a visible reason to wait, not a discrepancy — but only for dossiers the agency did consume:
an event lost on its way there must still be found.

The runtime's inbox keeps an applied event's id and type, not its dossier, so a simulated
agency's ledger (``services/mock/ledger.py``) counts, per event type, the events it consumed and
answered nothing to (``unanswered``: in its inbox, named as the cause by none of its outbox
rows). A dossier is *silenced* at agency A when:

- a silent rule of the run matches A and the event the dossier's step at A starts from;
- that event was published (its producer's outbox says so; for a producer that is not read, an
  external one, the gateway shows A's step started);
- A decided nothing on the dossier (no answer, refusal or dead letter) and holds nothing parked;
- A left at least as many events of that type unanswered as there are such dossiers. When more
  dossiers wait than A left unanswered, some never reached A — which ones cannot be told — so
  none is excused, and a note says so.

A share (``insurance=silent@25%``) needs no draw redone here: the dossiers the rule did not pick
were answered, so they are not candidates. When the run's rules are not known (a sandbox found
through ``--url``), a simulated agency's unanswered events are taken as its rules' doing, and
the reason says the rules were not read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from lienthong.verify.facts import FACT_OF_STEP, FAILED, input_events, input_producer, short
from lienthong.verify.ledgers import DossierRow, Ledger, SilentRule, Snapshot

Silenced = dict[tuple[str, str], str]
"""(dossier id, agency) → the reason, e.g. ``silenced by the mock rule insurance=silent``."""


def silenced(snapshot: Snapshot) -> tuple[Silenced, list[str]]:
    """Every silenced (dossier, agency) with its reason, and notes on what could not be."""
    found: Silenced = {}
    notes: list[str] = []
    for agency, ledger in sorted(snapshot.ledgers.items()):
        if not ledger.unanswered:
            continue
        waiting: dict[str, list[str]] = defaultdict(list)
        for dossier in snapshot.gateway.dossiers.values():
            if _unanswered_at(snapshot, ledger, dossier):
                waiting[dossier.flow].append(dossier.dossier_id)
        for flow, dossier_ids in sorted(waiting.items()):
            types = input_events(flow, agency)
            rules = _silent_rules(snapshot.silent_rules, agency, types)
            left = sum(ledger.unanswered.get(event_type, 0) for event_type in types)
            if left == 0 or rules == []:
                continue
            if len(dossier_ids) > left:
                notes.append(
                    f"{agency} answered nothing to {left} {short(types[0])} events, but "
                    f"{len(dossier_ids)} {flow} dossiers wait there without an answer: some "
                    "never reached it, so none counts as silenced"
                )
                continue
            reason = _reason(agency, rules)
            found.update({(dossier_id, agency): reason for dossier_id in dossier_ids})
    return found, notes


def _unanswered_at(snapshot: Snapshot, ledger: Ledger, dossier: DossierRow) -> bool:
    """Whether the dossier's input reached the topic of *ledger*'s agency, which decided
    nothing on it and holds nothing of it."""
    agency, dossier_id = ledger.service, dossier.dossier_id
    fact = FACT_OF_STEP.get((dossier.flow, agency))
    if fact is None or dossier_id in snapshot.late or ledger.parked.get(dossier_id):
        return False
    if ledger.decided(dossier_id, *fact.done_types, *fact.refused_types, FAILED):
        return False
    producer = snapshot.ledgers.get(input_producer(dossier.flow, agency))
    if producer is None:
        step = dossier.step(agency)
        return step is not None and step.started_at is not None
    inputs = producer.decided(dossier_id, *input_events(dossier.flow, agency))
    return any(decision.unpublished < decision.count for decision in inputs)


def _silent_rules(
    rules: Sequence[SilentRule] | None, agency: str, types: Sequence[str]
) -> list[SilentRule] | None:
    """The silent rules about *agency* answering one of *types*; None when none are known."""
    if rules is None:
        return None
    return [rule for rule in rules if any(rule.matches(agency, t) for t in types)]


def _reason(agency: str, rules: list[SilentRule] | None) -> str:
    if rules is None:
        return (
            f"silenced by a mock rule of the simulated {agency} (consumed, answered nothing; "
            "the run's rules are not known through --url)"
        )
    written = " or ".join(str(rule) for rule in rules)
    plural = "rules" if len(rules) > 1 else "rule"
    return f"silenced by the mock {plural} {written} ({agency} consumed it, answered nothing)"
