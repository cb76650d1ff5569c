"""(e) The gateway's counters, recomputed from its dossier rows, must equal what it reports.

``/api/v1/stats`` counts with SQL GROUP BYs; here the same figures are counted again, one
dossier and one step at a time, from the rows of the same snapshot (the gateway's ledger reads
both in one transaction). The overdue rule is the gateway's: finished after the due time, or
still open past it at the counters' ``generated_at``; never without a due time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from lienthong.verify.checks import RuleResult
from lienthong.verify.ledgers import DossierRow, LedgerError, Snapshot

AGENCY_FIELDS = ("sent", "synced", "rejected", "failed", "pending", "on_time", "overdue")


def _overdue(due: datetime | None, finished: datetime | None, now: datetime) -> bool:
    return due is not None and (finished or now) > due


def _on_time(due: datetime | None, finished: datetime | None) -> bool:
    return due is not None and finished is not None and finished <= due


def recount(dossiers: Iterable[DossierRow], flow: str, now: datetime) -> dict[str, Any]:
    """The counters of one flow, counted from the rows, in ``/api/v1/stats``'s shape."""
    rows = [dossier for dossier in dossiers if dossier.flow == flow]
    by_status = Counter(dossier.status for dossier in rows)
    agencies: dict[str, dict[str, int]] = {}
    for dossier in rows:
        for step in dossier.steps:
            if step.started_at is None:
                continue
            counts = agencies.setdefault(step.agency, dict.fromkeys(AGENCY_FIELDS, 0))
            counts["sent"] += 1
            status_field = {"done": "synced", "rejected": "rejected", "failed": "failed"}
            counts[status_field.get(step.status, "pending")] += 1
            counts["on_time"] += _on_time(step.due_at, step.finished_at)
            counts["overdue"] += _overdue(step.due_at, step.finished_at, now)
    return {
        "dossiers": {**by_status, "total": len(rows)},
        "on_time": sum(_on_time(d.due_at, d.closed_at) for d in rows),
        "overdue": sum(_overdue(d.due_at, d.closed_at, now) for d in rows),
        "agencies": agencies,
    }


def _compare(result: RuleResult, path: str, reported: Any, counted: int) -> None:
    result.checked += 1
    if reported != counted:
        result.found(None, f"{path}: /api/v1/stats says {reported}, the dossier rows {counted}")


def counters(snapshot: Snapshot) -> RuleResult:
    """Every figure of ``/api/v1/stats`` against the same figure counted from the rows."""
    result = RuleResult("counters")
    stats = snapshot.gateway.counters
    if stats is None:
        result.note = "skipped: the ledgers were read for one dossier"
        return result
    try:
        now = datetime.fromisoformat(str(stats["generated_at"]))
        flows: dict[str, Any] = stats["flows"]
    except (KeyError, TypeError, ValueError) as error:
        raise LedgerError(f"the gateway's counters: {error}") from None
    dossiers = snapshot.gateway.dossiers.values()
    for flow in sorted({d.flow for d in dossiers} - set(flows)):
        result.found(None, f"{flow} dossiers exist but /api/v1/stats has no {flow} flow")
    for flow, reported in sorted(flows.items()):
        counted = recount(dossiers, flow, now)
        for status, n in sorted(reported.get("dossiers", {}).items()):
            _compare(result, f"{flow}.dossiers.{status}", n, counted["dossiers"].get(status, 0))
        for status in sorted(set(counted["dossiers"]) - set(reported.get("dossiers", {}))):
            _compare(result, f"{flow}.dossiers.{status}", 0, counted["dossiers"][status])
        for name in ("on_time", "overdue"):
            _compare(result, f"{flow}.{name}", reported.get(name), counted[name])
        agencies: dict[str, Any] = reported.get("agencies", {})
        for agency in sorted(set(agencies) | set(counted["agencies"])):
            zero = dict.fromkeys(AGENCY_FIELDS, 0)
            mine = counted["agencies"].get(agency, zero)
            for name in AGENCY_FIELDS:
                theirs = agencies.get(agency, zero).get(name)
                _compare(result, f"{flow}.agencies.{agency}.{name}", theirs, mine[name])
    return result
