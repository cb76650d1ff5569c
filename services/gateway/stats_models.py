"""What the observability endpoints answer: sync counters, latency, throughput, agency health."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

GroupBy = Literal["day", "province"]


class AgencyCounts(BaseModel):
    """Per agency step and flow: how many dossiers reached it and what became of them."""

    sent: int = Field(
        description="Dossiers that reached this agency: synced + rejected + failed + pending "
        "+ returned.",
        examples=[120],
    )
    synced: int = Field(description="Done: the agency's record exists.", examples=[110])
    rejected: int = Field(description="Refused by the agency (a business decision).", examples=[6])
    rejected_by_reason: dict[str, int] = Field(
        description="The refusals by reason code.", examples=[{"mother_not_found": 6}]
    )
    failed: int = Field(
        description="Failed now: a message to it was dead-lettered and not yet "
        "redriven to a decision.",
        examples=[1],
    )
    pending: int = Field(description="Reached, not decided yet.", examples=[3])
    returned: int = Field(
        description="Returned for completion now: waiting for the requester, not the agency.",
        examples=[1],
    )
    waiting: int = Field(
        description="Not reached yet: an earlier step is still open or failed.", examples=[4]
    )
    skipped: int = Field(
        description="Never reached: the dossier was refused at an earlier step.", examples=[2]
    )
    on_time: int = Field(description="Decided within the step's deadline.", examples=[108])
    overdue: int = Field(
        description="Decided late, or still open past the deadline now.", examples=[2]
    )
    dead_lettered: int = Field(
        description="Dead letters received about this step (running "
        "total: a redrive that fails again adds one).",
        examples=[2],
    )
    redriven: int = Field(description="Redrives sent for this step (running total).", examples=[1])


class FlowStats(BaseModel):
    """Counts for one procedure group."""

    dossiers: dict[str, int] = Field(
        description="Dossiers by overall status, and total.",
        examples=[
            {
                "submitted": 0,
                "in_progress": 3,
                "returned": 1,
                "completed": 110,
                "rejected": 8,
                "failed": 1,
                "total": 123,
            }
        ],
    )
    on_time: int = Field(description="Dossiers closed within the group deadline.", examples=[117])
    overdue: int = Field(
        description="Closed late, or still open past the deadline now.", examples=[2]
    )
    agencies: dict[str, AgencyCounts] = Field(
        description="The counts of each agency step, by agency: civil_registry, population, "
        "insurance."
    )


class StatsGroup(BaseModel):
    """The same figures for one day or one province."""

    key: str = Field(
        description="The Vietnam date (YYYY-MM-DD) or the province code.", examples=["01"]
    )
    name: str | None = Field(
        description="The province's name (null for a day).", examples=["Thành phố Hà Nội"]
    )
    flows: dict[str, FlowStats] = Field(description="The figures of the group, by flow.")


class StatsFilters(BaseModel):
    """The filters an answer was computed with (null: not filtered)."""

    flow: str | None = Field(
        default=None, description="Only this flow: birth or death.", examples=["birth"]
    )
    agency: str | None = Field(
        default=None, description="Only this agency's step.", examples=["population"]
    )
    province: str | None = Field(
        default=None,
        description="Only dossiers handled by this province's offices (2-digit code).",
        examples=["01"],
    )
    since: date | None = Field(
        default=None,
        description="First Vietnam date of submission counted (inclusive).",
        examples=["2026-11-01"],
    )
    until: date | None = Field(
        default=None,
        description="Last Vietnam date of submission counted (inclusive).",
        examples=["2026-11-30"],
    )
    group_by: GroupBy | None = Field(
        default=None,
        description="day | province: the same figures per group in `groups`.",
        examples=["province"],
    )


class Stats(BaseModel):
    """Sync counters, the 'requests vs. synced' figure of the source reports, kept exactly."""

    generated_at: datetime = Field(
        description="Simulated time of the answer: what 'overdue' is judged against.",
        examples=["2026-11-20T03:00:00Z"],
    )
    filters: StatsFilters = Field(description="The filters the figures were computed with.")
    flows: dict[str, FlowStats] = Field(description="The figures by flow: birth, death.")
    groups: list[StatsGroup] | None = Field(
        default=None, description="Per day or per province when ``group_by`` is given."
    )


class LatencySummary(BaseModel):
    """Latency of one hop over some samples, in seconds of simulated time."""

    count: int = Field(description="Samples.", examples=[480])
    p50: float | None = Field(description="Median (null without samples).", examples=[0.41])
    p95: float | None = Field(
        description="95th percentile (null without samples).", examples=[0.93]
    )
    p99: float | None = Field(description="99th percentile (null without samples).", examples=[1.2])
    max: float | None = Field(
        description="The largest sample, exact (null without samples).", examples=[1.87]
    )


class HopLatency(BaseModel):
    """One hop: over the sliding window and since the start."""

    hop: str = Field(
        examples=["registered"],
        description="registered | citizen | card | deceased_recorded | "
        "benefit_decided | end_to_end",
    )
    agency: str | None = Field(
        description="The agency whose step it is (null: end to end).", examples=["civil_registry"]
    )
    window: LatencySummary = Field(description="Over the sliding window (`window_seconds`).")
    overall: LatencySummary = Field(description="Since the start of the run.")


class FlowLatency(BaseModel):
    """Every hop of one flow, in chain order, then end to end."""

    hops: list[HopLatency] = Field(description="Each hop of the chain, then end_to_end.")


class LatencyStats(BaseModel):
    """Per-hop latency percentiles."""

    generated_at: datetime = Field(
        description="Simulated time of the answer: the end of the sliding window.",
        examples=["2026-11-20T03:00:00Z"],
    )
    window_seconds: int = Field(
        description="Length of the sliding window, in seconds of simulated time.", examples=[300]
    )
    resolution: float = Field(
        description="A percentile is at most this much (relative) above "
        "the exact figure; max is exact.",
        examples=[0.0443],
    )
    flows: dict[str, FlowLatency] = Field(description="The hops of each flow, by flow.")


class ThroughputPoint(BaseModel):
    """What happened in one bucket of simulated time."""

    at: datetime = Field(
        description="Start of the bucket (simulated time, UTC).", examples=["2026-11-20T02:59:55Z"]
    )
    submitted: int = Field(description="Dossiers submitted in the bucket.", examples=[12])
    completed: int = Field(description="Dossiers completed in the bucket.", examples=[11])
    rejected: int = Field(description="Dossiers rejected in the bucket.", examples=[1])
    dead_lettered: int = Field(description="Dead letters received in the bucket.", examples=[0])


class Throughput(BaseModel):
    """Dossiers per bucket over the last minutes."""

    generated_at: datetime = Field(
        description="Simulated time of the answer: the end of the series.",
        examples=["2026-11-20T03:00:00Z"],
    )
    bucket_seconds: int = Field(description="Seconds of simulated time per point.", examples=[5])
    series: list[ThroughputPoint] = Field(
        description="One point per bucket, oldest first; buckets with nothing are zeros."
    )


class AgencyHealth(BaseModel):
    """One agency as the gateway sees it."""

    status: str = Field(description="ok | starting | unhealthy | unreachable", examples=["ok"])
    mode: str | None = Field(
        default=None,
        description="real, or simulated from its contracts (mock mode, `lienthong up --only`); "
        "null when it does not answer (an external agency need not serve /health).",
        examples=["real"],
    )
    lag: dict[str, int] = Field(
        description="Messages its consumer group has not committed yet, per topic.",
        examples=[{"lienthong.civil_registry.events": 0}],
    )
    lag_total: int | None = Field(
        description="Sum of lag (null: the broker could not be read).", examples=[0]
    )
    last_success_at: datetime | None = Field(
        description="When it last synced a step (simulated time); null if never.",
        examples=["2026-11-20T02:59:58.300000Z"],
    )
    last_failure_at: datetime | None = Field(
        description="When a message to it was last dead-lettered (simulated time); null if never.",
        examples=[None, "2026-11-20T01:12:40Z"],
    )
    last_failure_reason: str | None = Field(
        description="That dead letter's error kind and error (cut at 300 characters); null if "
        "never.",
        examples=[None, "transient: lỗi đồng bộ (injected population sync_error)"],
    )
    faults: list[dict[str, Any]] = Field(
        description="Faults switched on at it now, as its GET /admin/faults lists them.",
        examples=[[]],
    )
    dead_letters: dict[str, int] = Field(
        description="Its failures: open (unresolved) and total.", examples=[{"open": 1, "total": 3}]
    )


class AgenciesHealth(BaseModel):
    """Every agency's health."""

    generated_at: datetime = Field(
        description="Simulated time of the answer.", examples=["2026-11-20T03:00:00Z"]
    )
    agencies: dict[str, AgencyHealth] = Field(
        description="Each service by name, the gateway's own consumer included."
    )
