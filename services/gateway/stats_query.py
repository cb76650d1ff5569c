"""Answering ``/api/v1/stats`` from the counters, not from the dossiers.

The counters hold every figure that does not depend on the clock; what does — a dossier or step
still open past its deadline — is counted from the open rows only, through the
``(status, due_at)`` indexes. An answer over all days reads ``sync_totals`` (a few thousand
rows whatever the number of dossiers); a date range or ``group_by=day`` reads ``sync_days``
(nationwide) or ``sync_counters`` (a province, or per province).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.steps import SENT_STATES
from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.calendar import VIETNAM_TZ
from services.gateway.counter_models import SyncCounter, SyncDay, SyncTotal
from services.gateway.counting import DOSSIER, WAITING
from services.gateway.models import Dossier, DossierStep
from services.gateway.stats_models import AgencyCounts, FlowStats, Stats, StatsFilters, StatsGroup
from services.gateway.tracker import FLOW_AGENCIES, DossierStatus, StepStatus

OPEN_DOSSIER: Final = (DossierStatus.SUBMITTED, DossierStatus.IN_PROGRESS, DossierStatus.FAILED)
OPEN_STEP: Final = (StepStatus.PENDING, StepStatus.FAILED)
STEP_FIELDS: Final = {
    StepStatus.DONE: "synced",
    StepStatus.REJECTED: "rejected",
    StepStatus.FAILED: "failed",
    StepStatus.PENDING: "pending",
    StepStatus.RETURNED: "returned",
    StepStatus.SKIPPED: "skipped",
    WAITING: "waiting",
    "decided_on_time": "on_time",
    "decided_late": "overdue",
    "dead_lettered": "dead_lettered",
    "redriven": "redriven",
}
"""Step counter metric → the field of :class:`AgencyCounts` it adds to."""

ALL: Final = ""
"""The group key of an answer that is not grouped."""


@dataclass(frozen=True)
class Row:
    """One summed counter: its group, flow, agency (``""``: the dossier), metric and reason."""

    group: str
    flow: str
    agency: str
    metric: str
    reason: str
    count: int


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), VIETNAM_TZ)


async def counter_rows(session: AsyncSession, filters: StatsFilters) -> list[Row]:
    """The counters summed per group, flow, agency, metric and reason, filters applied."""
    daily = filters.since is not None or filters.until is not None or filters.group_by == "day"
    provincial = filters.province is not None or filters.group_by == "province"
    table: Any = SyncTotal
    if daily:
        table = SyncCounter if provincial else SyncDay
    group: Any = None
    if filters.group_by == "day":
        group = col(table.day)
    elif filters.group_by == "province":
        group = col(table.province_code)
    columns = [col(table.flow), col(table.agency), col(table.metric), col(table.reason)]
    query = sa_select(*([group] if group is not None else []), *columns, func.sum(table.count))
    if filters.flow is not None:
        query = query.where(col(table.flow) == filters.flow)
    if filters.agency is not None:
        query = query.where(col(table.agency).in_((DOSSIER, filters.agency)))
    query = _where_placed(query, table, "day", filters)
    query = query.group_by(*([group] if group is not None else []), *columns)
    connection = await session.connection()
    rows = []
    for row in (await connection.execute(query)).all():
        key = _key(row[0]) if group is not None else ALL
        flow, agency, metric, reason, n = row[-5:]
        rows.append(Row(key, flow, agency, metric, reason, int(n or 0)))
    return rows


def _where_placed(query: Any, table: Any, day: str, filters: StatsFilters) -> Any:
    """``query`` limited to the filters' province and days (``table``'s column ``day``; a
    table without one is never read with a date filter)."""
    if filters.province is not None:
        query = query.where(col(table.province_code) == filters.province)
    if filters.since is not None:
        query = query.where(col(getattr(table, day)) >= filters.since)
    if filters.until is not None:
        query = query.where(col(getattr(table, day)) <= filters.until)
    return query


def _open_filters(query: Any, table: Any, flow: Any, filters: StatsFilters) -> Any:
    if filters.flow is not None:
        # ``flow || ''``: the same test, but no index on the flow alone (two values; a data
        # dir of an older version has one) can take the place of the covering index.
        query = query.where(flow.concat("") == filters.flow)
    return _where_placed(query, table, "submitted_on", filters)


def _grouping(table: Any, filters: StatsFilters) -> list[Any]:
    if filters.group_by == "day":
        return [col(table.submitted_on)]
    if filters.group_by == "province":
        return [col(table.province_code)]
    return []


async def open_overdue(session: AsyncSession, filters: StatsFilters, now: datetime) -> list[Row]:
    """Dossiers and steps still open past their deadline at ``now`` (``open_late`` rows),
    counted by the database from the ``*_open_due`` indexes alone (steps carry their dossier's
    flow, province and day for this)."""
    kind, flow = col(Dossier.kind), col(DossierStep.flow)
    by_dossier = _grouping(Dossier, filters)
    dossiers = _open_filters(
        sa_select(*by_dossier, kind, func.count()).where(
            col(Dossier.status).in_(OPEN_DOSSIER), col(Dossier.due_at) < now
        ),
        Dossier,
        kind,
        filters,
    ).group_by(*by_dossier, kind)
    by_step = _grouping(DossierStep, filters)
    steps = _open_filters(
        sa_select(*by_step, flow, col(DossierStep.agency), func.count()).where(
            col(DossierStep.status).in_(OPEN_STEP),
            col(DossierStep.due_at) < now,
            col(DossierStep.started_at).is_not(None),
        ),
        DossierStep,
        flow,
        filters,
    ).group_by(*by_step, flow, col(DossierStep.agency))
    if filters.agency is not None:
        steps = steps.where(col(DossierStep.agency) == filters.agency)
    connection = await session.connection()
    rows = []
    for row in (await connection.execute(dossiers)).all():
        key = _key(row[0]) if by_dossier else ALL
        rows.append(Row(key, row[-2], DOSSIER, "open_late", "", int(row[-1])))
    for row in (await connection.execute(steps)).all():
        key = _key(row[0]) if by_step else ALL
        rows.append(Row(key, str(row[-3]), row[-2], "open_late", "", int(row[-1])))
    return rows


def _key(value: Any) -> str:
    """A group key as the answer shows it: a date in ISO form, a province code, "" for none."""
    return value.isoformat() if isinstance(value, date) else str(value or "")


def _flow_stats(flow: str, agencies: Iterable[str], rows: Iterable[Row]) -> FlowStats:
    dossiers: dict[str, int] = {status.value: 0 for status in DossierStatus}
    timely = {"on_time": 0, "overdue": 0}
    counts: dict[str, dict[str, Any]] = {
        agency: {name: 0 for name in AgencyCounts.model_fields} | {"rejected_by_reason": {}}
        for agency in agencies
    }
    for row in rows:
        if row.agency == DOSSIER:
            if row.metric in dossiers:
                dossiers[row.metric] += row.count
            elif row.metric == "closed_on_time":
                timely["on_time"] += row.count
            elif row.metric in ("closed_late", "open_late"):
                timely["overdue"] += row.count
            continue
        agency = counts.get(row.agency)
        if agency is None:
            continue
        name = "overdue" if row.metric == "open_late" else STEP_FIELDS.get(row.metric)
        if name is not None:
            agency[name] += row.count
        if row.metric == StepStatus.REJECTED and row.reason:
            by_reason = agency["rejected_by_reason"]
            by_reason[row.reason] = by_reason.get(row.reason, 0) + row.count
    for agency in counts.values():
        agency["sent"] = sum(agency[name] for name in SENT_STATES)
        agency["rejected_by_reason"] = {
            code: n for code, n in sorted(agency["rejected_by_reason"].items()) if n
        }
    dossiers["total"] = sum(dossiers.values())
    return FlowStats(
        dossiers=dossiers,
        on_time=timely["on_time"],
        overdue=timely["overdue"],
        agencies={agency: AgencyCounts(**values) for agency, values in counts.items()},
    )


def _flows(filters: StatsFilters, rows: list[Row]) -> dict[str, FlowStats]:
    flows = [filters.flow] if filters.flow is not None else list(FLOW_AGENCIES)
    answer = {}
    for flow in flows:
        agencies = [a for a in FLOW_AGENCIES[flow] if filters.agency in (None, a)]
        answer[flow] = _flow_stats(flow, agencies, [row for row in rows if row.flow == flow])
    return answer


def _groups(filters: StatsFilters, rows: list[Row]) -> list[StatsGroup] | None:
    if filters.group_by is None:
        return None
    by_group: defaultdict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_group[row.group].append(row)
    if filters.group_by == "day":
        return [
            StatsGroup(key=key, name=None, flows=_flows(filters, by_group[key]))
            for key in sorted(by_group)
        ]
    units = load_admin_units()
    provinces = [filters.province] if filters.province else [p.code for p in units.provinces()]
    keys = provinces + sorted(set(by_group) - set(provinces))  # "" (unknown) last, if any
    groups = []
    for key in keys:
        province = units.province(key)
        name = province.name if province is not None else None
        groups.append(StatsGroup(key=key, name=name, flows=_flows(filters, by_group.get(key, []))))
    return groups


async def compute_stats(session: AsyncSession, filters: StatsFilters, now: datetime) -> Stats:
    """Every figure of ``/api/v1/stats`` for ``filters``, judged at ``now`` (simulated)."""
    rows = await counter_rows(session, filters) + await open_overdue(session, filters, now)
    ungrouped = [Row(ALL, r.flow, r.agency, r.metric, r.reason, r.count) for r in rows]
    return Stats(
        generated_at=now,
        filters=filters,
        flows=_flows(filters, ungrouped),
        groups=_groups(filters, rows),
    )
