"""(e) The gateway's counters, recounted from its dossier rows, must equal what it reports.

The gateway keeps its counters incrementally, in the transactions that move dossiers; here the
same figures are counted again from scratch, one dossier and one step at a time, from the rows
of the same snapshot (the gateway's ledger reads rows and counters in one transaction) — over
all dossiers, per province and per submission day. The running totals (dead letters, redrives)
are recounted from the failures table the ledger also reads.

The rules, as ``/api/v1/stats`` documents them: a step is *sent* once reached, *waiting* before,
*skipped* when refused before it; *on time* when decided (done or rejected) within its deadline;
*overdue* when decided late or still open (pending, failed) past its deadline at the counters'
``generated_at``. A dossier is on time when closed within its deadline, overdue when closed late
or still open past it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from lienthong.contracts.steps import SENT_STATES, STEP_STATES
from lienthong.verify.checks import RuleResult
from lienthong.verify.ledgers import DossierRow, LedgerError, Snapshot, Step

AGENCY_FIELDS = (
    *STEP_STATES,
    "on_time",
    "overdue",
    "dead_lettered",
    "redriven",
)
VIETNAM = timezone(timedelta(hours=7))
STATE_FIELD = {
    "done": "synced",
    "rejected": "rejected",
    "failed": "failed",
    "skipped": "skipped",
    "returned": "returned",
}


def _late(due: datetime | None, finished: datetime | None) -> bool:
    return due is not None and finished is not None and finished > due


def _step_counts(step: Step, now: datetime, counts: dict[str, Any]) -> None:
    if step.status == "pending" and step.started_at is None:
        counts["waiting"] += 1
        return
    counts[STATE_FIELD.get(step.status, "pending")] += 1
    if step.status == "rejected" and step.reason_code:
        by_reason = counts["rejected_by_reason"]
        by_reason[step.reason_code] = by_reason.get(step.reason_code, 0) + 1
    if step.status in ("done", "rejected"):
        late = _late(step.due_at, step.finished_at)
        counts["on_time"] += step.due_at is not None and step.finished_at is not None and not late
        counts["overdue"] += late
    elif step.status in ("pending", "failed") and step.due_at is not None:
        counts["overdue"] += now > step.due_at


def recount(
    dossiers: Iterable[DossierRow], flow: str, now: datetime, failures: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    """The counters of one flow, counted from the rows, in ``/api/v1/stats``'s shape."""
    rows = {dossier.dossier_id: dossier for dossier in dossiers if dossier.flow == flow}
    by_status = Counter(dossier.status for dossier in rows.values())
    agencies: dict[str, dict[str, Any]] = {}

    def counts_of(agency: str) -> dict[str, Any]:
        return agencies.setdefault(
            agency, dict.fromkeys(AGENCY_FIELDS, 0) | {"rejected_by_reason": {}}
        )

    for dossier in rows.values():
        for step in dossier.steps:
            _step_counts(step, now, counts_of(step.agency))
    for failure in failures:
        about = rows.get(str(failure.get("dossier_id")))
        if about is not None and about.step(str(failure.get("agency"))) is not None:
            counts = counts_of(str(failure["agency"]))
            counts["dead_lettered"] += int(failure.get("dead_letters") or 0)
            counts["redriven"] += int(failure.get("redrives") or 0)
    for counts in agencies.values():
        counts["sent"] = sum(counts[name] for name in SENT_STATES)
    closed = [d for d in rows.values() if d.closed_at is not None]
    return {
        "dossiers": {**by_status, "total": len(rows)},
        "on_time": sum(not _late(d.due_at, d.closed_at) and d.due_at is not None for d in closed),
        "overdue": sum(
            d.due_at is not None and (d.closed_at or now) > d.due_at for d in rows.values()
        ),
        "agencies": agencies,
    }


def _compare(result: RuleResult, path: str, reported: Any, counted: Any) -> None:
    result.checked += 1
    if reported != counted:
        result.found(None, f"{path}: /api/v1/stats says {reported}, the dossier rows {counted}")


def _compare_flows(
    result: RuleResult,
    where: str,
    flows: dict[str, Any],
    dossiers: list[DossierRow],
    now: datetime,
    failures: list[dict[str, Any]],
) -> None:
    for flow in sorted({d.flow for d in dossiers} - set(flows)):
        result.found(None, f"{where}{flow} dossiers exist but /api/v1/stats has no {flow} flow")
    for flow, reported in sorted(flows.items()):
        counted = recount(dossiers, flow, now, failures)
        path = f"{where}{flow}"
        statuses = set(reported.get("dossiers", {})) | set(counted["dossiers"])
        for status in sorted(statuses):
            theirs = reported.get("dossiers", {}).get(status, 0)
            _compare(
                result, f"{path}.dossiers.{status}", theirs, counted["dossiers"].get(status, 0)
            )
        for name in ("on_time", "overdue"):
            _compare(result, f"{path}.{name}", reported.get(name), counted[name])
        agencies: dict[str, Any] = reported.get("agencies", {})
        for agency in sorted(set(agencies) | set(counted["agencies"])):
            zero: dict[str, Any] = dict.fromkeys(AGENCY_FIELDS, 0) | {"rejected_by_reason": {}}
            mine, theirs = counted["agencies"].get(agency, zero), agencies.get(agency, zero)
            for name in (*AGENCY_FIELDS, "rejected_by_reason"):
                _compare(result, f"{path}.agencies.{agency}.{name}", theirs.get(name), mine[name])


def _day(dossier: DossierRow) -> str:
    return dossier.submitted_at.astimezone(VIETNAM).date().isoformat()


def counters(snapshot: Snapshot) -> RuleResult:
    """Every figure of ``/api/v1/stats`` — overall, per province, per day — against the same
    figure counted from the rows."""
    result = RuleResult("counters")
    stats = snapshot.gateway.counters
    if stats is None:
        result.note = "skipped: the ledgers were read for one dossier"
        return result
    try:
        now = datetime.fromisoformat(str(stats["generated_at"]))
        flows: dict[str, Any] = stats["flows"]
        failures: list[dict[str, Any]] = list(stats.get("failures") or [])
    except (KeyError, TypeError, ValueError) as error:
        raise LedgerError(f"the gateway's counters: {error}") from None
    dossiers = list(snapshot.gateway.dossiers.values())
    _compare_flows(result, "", flows, dossiers, now, failures)
    for name, key_of in (("by_province", _province), ("by_day", _day)):
        groups = stats.get(name)
        if groups is None:
            continue
        grouped: dict[str, list[DossierRow]] = {}
        for dossier in dossiers:
            grouped.setdefault(key_of(dossier), []).append(dossier)
        reported_keys = {str(group.get("key")) for group in groups}
        for key in sorted(set(grouped) - reported_keys):
            result.found(None, f"{name}: dossiers of {key!r} but no such group in /api/v1/stats")
        for group in groups:
            key = str(group.get("key"))
            members = grouped.get(key, [])
            _compare_flows(
                result, f"{name}[{key}].", group.get("flows", {}), members, now, failures
            )
    return result


def _province(dossier: DossierRow) -> str:
    return dossier.province_code
