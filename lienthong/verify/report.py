"""Running every rule over a snapshot, and the report people (a table) and programs (JSON) read.

Before the rules run, :func:`reconcile` works out which dossiers a ``silent`` mock rule left
unanswered (that needs every dossier at once, so it is done here, on the snapshot): they are
pending with that reason, listed apart so a tester sees the silence they configured.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lienthong.contracts.steps import DOSSIER_STATUSES
from lienthong.verify.checks import (
    FINAL,
    RULES,
    Discrepancy,
    RuleResult,
    cause_before_effect,
    effect_after_cause,
    final_or_pending,
    one_effect_each,
    reached_civil_registry,
)
from lienthong.verify.counters import counters
from lienthong.verify.facts import FLOWS
from lienthong.verify.ledgers import Snapshot
from lienthong.verify.pending import Pending, grace_in_simulated_time, pending_of
from lienthong.verify.silence import silenced

STATUSES = DOSSIER_STATUSES


@dataclass
class Report:
    """What ``verify`` found: per rule, the dossiers by flow and status, who waits and why."""

    rules: list[RuleResult]
    dossiers: dict[str, dict[str, int]]
    pending: list[Pending] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    silenced: list[tuple[str, str, str]] = field(default_factory=list)
    """(dossier, agency, reason) of every wait a silent mock rule explains, open or closed."""
    external: list[str] = field(default_factory=list)
    """The agencies whose ledgers were not read (external)."""

    @property
    def discrepancies(self) -> list[Discrepancy]:
        """Every discrepancy, rule by rule."""
        return [d for rule in self.rules for d in rule.discrepancies]

    @property
    def clean(self) -> bool:
        """Nothing found."""
        return not self.discrepancies


def reconcile(snapshot: Snapshot, grace_s: float = 0.0) -> Report:
    """Run every rule over ``snapshot``; ``grace_s`` real seconds of in-flight allowance."""
    grace = grace_in_simulated_time(snapshot, grace_s)
    snapshot.silenced, silence_notes = silenced(snapshot)
    open_dossiers = [
        dossier
        for dossier in snapshot.gateway.dossiers.values()
        if dossier.status not in FINAL and dossier.dossier_id not in snapshot.late
    ]
    pending = {d.dossier_id: pending_of(snapshot, d, grace) for d in open_dossiers}
    rules = [
        final_or_pending(snapshot, pending),
        one_effect_each(snapshot),
        cause_before_effect(snapshot),
        effect_after_cause(snapshot, grace),
        counters(snapshot),
        reached_civil_registry(snapshot, grace),
    ]
    tally: dict[str, Counter[str]] = {flow: Counter() for flow in FLOWS}
    for dossier in snapshot.gateway.dossiers.values():
        tally.setdefault(dossier.flow, Counter())[dossier.status] += 1
    notes = [f"{agency} is external: not reconciled" for agency in sorted(snapshot.external)]
    notes += [*snapshot.notes, *silence_notes]
    if snapshot.late:
        notes.append(f"{len(snapshot.late)} dossiers arrived while reading, not checked")
    return Report(
        rules=rules,
        dossiers={flow: dict(counts) for flow, counts in tally.items()},
        pending=sorted(pending.values(), key=lambda p: p.dossier_id),
        notes=notes,
        silenced=sorted((d, agency, why) for (d, agency), why in snapshot.silenced.items()),
        external=sorted(snapshot.external),
    )


def as_json(report: Report) -> dict[str, Any]:
    """The whole report, every discrepancy included."""
    return {
        "clean": report.clean,
        "rules": [
            {
                "rule": rule.rule,
                "description": RULES[rule.rule],
                "checked": rule.checked,
                "discrepancies": len(rule.discrepancies),
                **({"note": rule.note} if rule.note else {}),
            }
            for rule in report.rules
        ],
        "dossiers": {
            flow: {**{s: counts.get(s, 0) for s in STATUSES}, "total": sum(counts.values())}
            for flow, counts in report.dossiers.items()
        },
        "pending": [
            {
                "dossier_id": p.dossier_id,
                "flow": p.flow,
                "status": p.status,
                "waiting_at": [wait.agency for wait in p.waits],
                "reasons": p.reasons,
                "in_flight": p.in_flight,
                "stuck": p.stuck,
            }
            for p in report.pending
        ],
        "discrepancies": [
            {"rule": d.rule, "dossier_id": d.dossier_id, "detail": d.detail}
            for d in report.discrepancies
        ],
        "silenced": [
            {"dossier_id": dossier_id, "agency": agency, "reason": reason}
            for dossier_id, agency, reason in report.silenced
        ],
        "external": report.external,
        "notes": report.notes,
    }


def render(report: Report, show: int = 20) -> str:
    """The summary table, then up to ``show`` discrepancies."""
    width = max(len(rule) for rule in RULES)
    lines = [f"{'rule':<{width}}  {'checked':>8}  {'discrepancies':>13}"]
    for rule in report.rules:
        note = f"  ({rule.note})" if rule.note else ""
        lines.append(
            f"{rule.rule:<{width}}  {rule.checked:>8}  {len(rule.discrepancies):>13}{note}"
        )
    lines += ["", f"{'dossiers':<8}" + "".join(f"{s:>13}" for s in (*STATUSES, "total"))]
    for flow, counts in report.dossiers.items():
        figures = [counts.get(s, 0) for s in STATUSES] + [sum(counts.values())]
        lines.append(f"{flow:<8}" + "".join(f"{n:>13}" for n in figures))
    waiting = [p for p in report.pending if not p.stuck]
    flying = sum(p.in_flight for p in waiting)
    lines += ["", f"pending with a reason: {len(waiting) - flying}, in flight: {flying}"]
    if report.silenced:
        lines.append(f"silenced by a mock rule: {len(report.silenced)}")
        lines += [f"  {d} at {agency}: {why}" for d, agency, why in report.silenced[:show]]
        lines += ["  …"] if len(report.silenced) > show else []
    lines += [f"note: {note}" for note in report.notes]
    found = report.discrepancies
    if not found:
        lines += ["", "clean: every dossier and every fact reconciles"]
        return "\n".join(lines)
    first = f" (first {show})" if len(found) > show else ""
    lines += ["", f"{len(found)} discrepancies{first}:"]
    for d in found[:show]:
        lines.append(f"  [{d.rule}] {d.dossier_id or '-'}: {d.detail}")
    return "\n".join(lines)
