"""What the observability endpoints answer: sync counters, latency, throughput, agency health."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

GroupBy = Literal["day", "province"]


class AgencyCounts(BaseModel):
    """Per agency step and flow: how many dossiers reached it and what became of them."""

    sent: int = Field(
        description="Dossiers that reached this agency: synced + rejected + failed + pending.",
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
                "completed": 110,
                "rejected": 8,
                "failed": 1,
                "total": 122,
            }
        ],
    )
    on_time: int = Field(description="Dossiers closed within the group deadline.")
    overdue: int = Field(description="Closed late, or still open past the deadline now.")
    agencies: dict[str, AgencyCounts]


class StatsGroup(BaseModel):
    """The same figures for one day or one province."""

    key: str = Field(
        description="The Vietnam date (YYYY-MM-DD) or the province code.", examples=["01"]
    )
    name: str | None = Field(
        description="The province's name (null for a day).", examples=["Thành phố Hà Nội"]
    )
    flows: dict[str, FlowStats]


class StatsFilters(BaseModel):
    """The filters an answer was computed with (null: not filtered)."""

    flow: str | None = None
    agency: str | None = None
    province: str | None = None
    since: date | None = None
    until: date | None = None
    group_by: GroupBy | None = None


class Stats(BaseModel):
    """Sync counters, the 'requests vs. synced' figure of the source reports, kept exactly."""

    generated_at: datetime = Field(
        description="Simulated time of the answer: what 'overdue' is judged against."
    )
    filters: StatsFilters
    flows: dict[str, FlowStats]
    groups: list[StatsGroup] | None = Field(
        default=None, description="Per day or per province when ``group_by`` is given."
    )


class LatencySummary(BaseModel):
    """Latency of one hop over some samples, in seconds of simulated time."""

    count: int = Field(description="Samples.", examples=[480])
    p50: float | None = Field(description="Median (null without samples).", examples=[0.41])
    p95: float | None = Field(examples=[0.93])
    p99: float | None = Field(examples=[1.2])
    max: float | None = Field(description="Exact.", examples=[1.87])


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
    window: LatencySummary
    overall: LatencySummary


class FlowLatency(BaseModel):
    """Every hop of one flow, in chain order, then end to end."""

    hops: list[HopLatency]


class LatencyStats(BaseModel):
    """Per-hop latency percentiles."""

    generated_at: datetime
    window_seconds: int = Field(description="Length of the sliding window (simulated).")
    resolution: float = Field(
        description="A percentile is at most this much (relative) above "
        "the exact figure; max is exact.",
        examples=[0.0443],
    )
    flows: dict[str, FlowLatency]


class ThroughputPoint(BaseModel):
    """What happened in one bucket of simulated time."""

    at: datetime = Field(description="Start of the bucket.")
    submitted: int
    completed: int
    rejected: int
    dead_lettered: int


class Throughput(BaseModel):
    """Dossiers per bucket over the last minutes."""

    generated_at: datetime
    bucket_seconds: int
    series: list[ThroughputPoint]


class AgencyHealth(BaseModel):
    """One agency as the gateway sees it."""

    status: str = Field(description="ok | starting | unhealthy | unreachable", examples=["ok"])
    lag: dict[str, int] = Field(
        description="Messages its consumer group has not committed yet, per topic.",
        examples=[{"lienthong.civil_registry": 0}],
    )
    lag_total: int | None = Field(description="Sum of lag (null: the broker could not be read).")
    last_success_at: datetime | None = Field(description="When it last synced a step.")
    last_failure_at: datetime | None = Field(
        description="When a message to it was last dead-lettered."
    )
    last_failure_reason: str | None
    faults: list[dict[str, Any]] = Field(description="Faults switched on at it now.")
    dead_letters: dict[str, int] = Field(
        description="Its failures: open (unresolved) and total.", examples=[{"open": 1, "total": 3}]
    )


class AgenciesHealth(BaseModel):
    """Every agency's health."""

    generated_at: datetime
    agencies: dict[str, AgencyHealth]
