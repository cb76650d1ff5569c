"""The gateway's counters (bộ đếm đồng bộ): kept in the same transaction as what they count.

The source reports count sync requests against records synced by hand, months late; here every
change to a dossier or a step moves these rows in the transaction that changes it, so a figure
is never ahead of or behind the dossiers table. Counters are *state* counts (how many steps are
``done`` now, by reason when refused) plus two running totals (dead letters, redrives); what
depends on the clock — open past the deadline — is counted at read time from an index.

Each counter row is keyed by flow, agency step (``""`` for the dossier itself), the province
whose office handles the dossier and the Vietnam date it was submitted on. Two rollups hold the
same figures with fewer keys — ``sync_totals`` without the date, ``sync_days`` without the
province — so an answer over all days, or per day nationwide, reads a few thousand rows whatever
the number of dossiers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field

from services.gateway.models import GatewayTable


class Figure(GatewayTable):
    """What every counter row has: the figure's flow, agency step, metric, reason and count."""

    flow: str = Field(primary_key=True)
    agency: str = Field(primary_key=True, description='"" for the dossier itself.')
    metric: str = Field(primary_key=True)
    reason: str = Field(primary_key=True, default="", description="Reason code, or empty.")
    count: int = 0


class SyncCounter(Figure, table=True):
    """One figure of one flow, agency step, province and submission day."""

    __tablename__ = "sync_counters"
    __table_args__ = (Index("ix_sync_counters_province_day", "province_code", "day"),)

    province_code: str = Field(primary_key=True, description='"" when the form names none.')
    day: date = Field(primary_key=True, description="Submission date, Vietnam time.")


class SyncDay(Figure, table=True):
    """The same figure over every province, per day."""

    __tablename__ = "sync_days"

    day: date = Field(primary_key=True)


class SyncTotal(Figure, table=True):
    """The same figure over every day."""

    __tablename__ = "sync_totals"

    province_code: str = Field(primary_key=True)


class LatencyOverall(GatewayTable, table=True):
    """A histogram bucket of one hop's latency since the start, with its largest sample."""

    __tablename__ = "latency_overall"

    flow: str = Field(primary_key=True)
    hop: str = Field(primary_key=True)
    bucket: int = Field(primary_key=True)
    count: int = 0
    max_ms: float = 0.0


class LatencyRecent(GatewayTable, table=True):
    """The same, per simulated minute the hop finished in: what the sliding window sums."""

    __tablename__ = "latency_recent"

    minute: int = Field(
        primary_key=True,
        description="Unix minute, simulated (first: a window is a range of the key).",
    )
    flow: str = Field(primary_key=True)
    hop: str = Field(primary_key=True)
    bucket: int = Field(primary_key=True)
    count: int = 0
    max_ms: float = 0.0


class Activity(GatewayTable, table=True):
    """What happened in one simulated second: throughput over time."""

    __tablename__ = "activity"

    second: int = Field(
        sa_column=Column(BigInteger, primary_key=True),
        description="Unix second, simulated (64 bits: a fast clock passes 2038 soon).",
    )
    flow: str = Field(primary_key=True)
    metric: str = Field(primary_key=True, description="submitted | completed | rejected | …")
    count: int = 0


class AgencyActivity(GatewayTable, table=True):
    """When each agency last synced a step, and last failed one (a dead letter)."""

    __tablename__ = "agency_activity"

    agency: str = Field(primary_key=True)
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_failure_reason: str | None = None
