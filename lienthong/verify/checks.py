"""The reconciliation rules, one function each: what they checked and what they found.

Each rule looks at the snapshot from one side, so one broken row may show under two rules (a
deleted citizen is a completed birth without its citizen *and* a card without its citizen):
each discrepancy is a true statement of its own. Dossiers in ``snapshot.late`` (submitted while
the ledgers were read) are left out everywhere, and so are the facts of an external agency
(``snapshot.external``, the user's own implementation, whose ledger is not read): no rule
judges what only that agency could show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from lienthong.contracts.dead_letters import DEAD_LETTERED
from lienthong.contracts.services import AGENCIES, CIVIL_REGISTRY
from lienthong.contracts.steps import RETURNS, flow_of
from lienthong.verify.facts import FACT_BY_NAME, FACTS, FAILED, Fact, downstream_of, facts_of, short
from lienthong.verify.ledgers import DossierRow, Snapshot
from lienthong.verify.pending import Pending, in_flight, why_waiting

FINAL: Final = frozenset({"completed", "rejected"})

RULES: Final[dict[str, str]] = {
    "final_or_pending": "every accepted dossier is final, or pending with a visible reason",
    "one_effect_each": "one of each fact per completed dossier, never two for one dossier",
    "cause_before_effect": "no downstream effect without its upstream cause",
    "effect_after_cause": "no upstream fact without its downstream effect, unless refused",
    "counters": "the gateway's counters equal its dossiers table",
    "reached_civil_registry": "every accepted dossier reached the civil registry",
}
"""Every rule, in the order they are reported, with what it means."""


@dataclass(frozen=True)
class Discrepancy:
    """One thing that does not reconcile: the rule, the dossier (if it has one), and what."""

    rule: str
    dossier_id: str | None
    detail: str


@dataclass
class RuleResult:
    """What one rule checked and what it found."""

    rule: str
    checked: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)
    note: str | None = None

    def found(self, dossier_id: str | None, detail: str) -> None:
        """Record a discrepancy of this rule."""
        self.discrepancies.append(Discrepancy(self.rule, dossier_id, detail))


def _dossiers(snapshot: Snapshot) -> Iterator[DossierRow]:
    for dossier in snapshot.gateway.dossiers.values():
        if dossier.dossier_id not in snapshot.late:
            yield dossier


def final_or_pending(snapshot: Snapshot, pending: dict[str, Pending]) -> RuleResult:
    """(a) Every dossier is completed or rejected, or pending with a reason, or in flight."""
    result = RuleResult("final_or_pending")
    for dossier in _dossiers(snapshot):
        result.checked += 1
        if dossier.status in FINAL:
            continue
        waiting = pending[dossier.dossier_id]
        if waiting.stuck:
            result.found(dossier.dossier_id, f"{dossier.status}, stuck: {waiting.describe()}")
    return result


def one_effect_each(snapshot: Snapshot) -> RuleResult:
    """(b) A completed dossier has exactly one of each fact of its flow; none has two."""
    result = RuleResult("one_effect_each")
    seen: set[tuple[str, str]] = set()
    for dossier in _dossiers(snapshot):
        if dossier.status != "completed":
            continue
        for fact in facts_of(dossier.flow):
            if not snapshot.reconciled(fact.agency):
                continue
            result.checked += 1
            seen.add((fact.name, dossier.dossier_id))
            rows = snapshot.fact(fact.name, fact.agency).get(dossier.dossier_id, 0)
            if rows != 1:
                result.found(
                    dossier.dossier_id,
                    f"completed {dossier.flow} with {rows} {fact.name} rows at {fact.agency} "
                    "(expected 1)",
                )
    for fact in FACTS:
        for dossier_id, rows in snapshot.fact(fact.name, fact.agency).items():
            if dossier_id in snapshot.late or (fact.name, dossier_id) in seen:
                continue
            result.checked += 1
            if rows > 1:
                result.found(dossier_id, f"{rows} {fact.name} rows at {fact.agency} (expected 1)")
    _one_decision_each(snapshot, result)
    return result


def _one_decision_each(snapshot: Snapshot, result: RuleResult) -> None:
    """An agency decides a dossier's step once: two decisions (two of one kind, or a result
    and a refusal) mean an event was applied twice, even when a rule refused the second write
    so that no second row exists. A return for completion is not a decision: the agency decides
    the completed dossier afterwards."""
    for agency in AGENCIES:
        ledger = snapshot.ledgers.get(agency)
        if ledger is None:
            continue
        for dossier_id, decisions in ledger.decisions.items():
            if dossier_id in snapshot.late:
                continue
            by_step: dict[str | None, list[str]] = {}
            for decision in decisions:
                if decision.event_type != DEAD_LETTERED and decision.event_type not in RETURNS:
                    step = by_step.setdefault(flow_of(decision.event_type), [])
                    step += [short(decision.event_type)] * decision.count
            for decided in by_step.values():
                result.checked += 1
                if len(decided) > 1:
                    result.found(
                        dossier_id, f"{agency} decided its step {len(decided)} times: {decided}"
                    )


def cause_before_effect(snapshot: Snapshot) -> RuleResult:
    """(c) Every fact has its dossier (of its flow), its upstream fact and its own decision;
    no row is left that no decision claims."""
    result = RuleResult("cause_before_effect")
    dossiers = snapshot.gateway.dossiers
    for fact in FACTS:
        ledger = snapshot.ledgers.get(fact.agency)
        if ledger is None:
            continue
        for dossier_id, rows in sorted(snapshot.fact(fact.name, fact.agency).items()):
            if rows <= 0 or dossier_id in snapshot.late:
                continue
            result.checked += 1
            dossier = dossiers.get(dossier_id)
            if dossier is None:
                result.found(dossier_id, f"{fact.name} for a dossier the gateway does not know")
            elif dossier.flow != fact.flow:
                result.found(dossier_id, f"{fact.name} for a {dossier.flow} dossier")
            upstream = FACT_BY_NAME.get(fact.upstream or "")
            if (
                upstream is not None
                and snapshot.reconciled(upstream.agency)
                and snapshot.fact(upstream.name, upstream.agency).get(dossier_id, 0) <= 0
            ):
                result.found(
                    dossier_id,
                    f"{fact.name} at {fact.agency} without {upstream.name} at {upstream.agency}",
                )
            if not ledger.decided(dossier_id, *fact.done_types):
                result.found(
                    dossier_id, f"{fact.name} without {fact.agency}'s decision {short(fact.done)}"
                )
        for ref, rows in sorted(ledger.unlinked.get(fact.name, {}).items()):
            result.checked += 1
            result.found(
                None,
                f"{fact.name} {ref} ({rows} rows) at {fact.agency} belongs to no dossier: "
                f"no {short(fact.done)} names it",
            )
    return result


def effect_after_cause(snapshot: Snapshot, grace: timedelta) -> RuleResult:
    """(d) Every fact of a dossier that is not completed has its downstream effect, or the
    downstream agency refused, failed, or is still visibly working on it.

    Completed dossiers are :func:`one_effect_each`'s; a dossier still open whose downstream
    agency has not decided is :func:`final_or_pending`'s.
    """
    result = RuleResult("effect_after_cause")
    for dossier in _dossiers(snapshot):
        if dossier.status == "completed":
            continue
        for fact in facts_of(dossier.flow):
            if snapshot.fact(fact.name, fact.agency).get(dossier.dossier_id, 0) <= 0:
                continue
            for effect in downstream_of(fact):
                if not snapshot.reconciled(effect.agency):
                    continue
                result.checked += 1
                detail = _missing_effect(snapshot, dossier, fact, effect, grace)
                if detail is not None:
                    result.found(dossier.dossier_id, detail)
    return result


def _missing_effect(
    snapshot: Snapshot, dossier: DossierRow, cause: Fact, effect: Fact, grace: timedelta
) -> str | None:
    dossier_id = dossier.dossier_id
    if snapshot.fact(effect.name, effect.agency).get(dossier_id, 0) > 0:
        return None
    ledger = snapshot.ledgers[effect.agency]
    if ledger.decided(dossier_id, *effect.refused_types, FAILED):
        return None
    if ledger.decided(dossier_id, *effect.done_types):
        return (
            f"{cause.name} without {effect.name}: {effect.agency} decided "
            f"{short(effect.done)} but holds no {effect.name} row"
        )
    if dossier.status not in FINAL:
        return None  # still open: final_or_pending judges why it waits
    wait = why_waiting(snapshot, dossier, effect.agency)
    if wait.reasons or in_flight(snapshot, dossier, grace):
        return None
    return (
        f"{dossier.status} {dossier.flow} with {cause.name} but no {effect.name}: "
        f"{effect.agency} never decided ({wait.looked})"
    )


def reached_civil_registry(snapshot: Snapshot, grace: timedelta) -> RuleResult:
    """(f) The civil registry decided on, holds, or is visibly about to receive every dossier."""
    result = RuleResult("reached_civil_registry")
    registry = snapshot.ledgers.get(CIVIL_REGISTRY)
    if registry is None:
        result.note = f"{CIVIL_REGISTRY} is external: not reconciled"
        return result
    for dossier in _dossiers(snapshot):
        result.checked += 1
        dossier_id = dossier.dossier_id
        if registry.decisions.get(dossier_id) or registry.parked.get(dossier_id):
            continue
        step = dossier.step(CIVIL_REGISTRY)
        if step is None or step.status != "pending":
            status = step.status if step else "missing"
            result.found(
                dossier_id,
                f"the gateway shows the civil registry's step {status}, "
                "but the civil registry has no trace of the dossier",
            )
            continue
        wait = why_waiting(snapshot, dossier, CIVIL_REGISTRY)
        if not wait.reasons and not in_flight(snapshot, dossier, grace):
            result.found(dossier_id, f"never reached the civil registry ({wait.looked})")
    return result
