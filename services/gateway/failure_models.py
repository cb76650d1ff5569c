"""The gateway's failures (thư lỗi đã nhận): one row per message an agency gave up on.

Every consumer publishes a dead letter when it gives up; the gateway keeps one row per *failure*
— the same consumer failing the same message in the same way — however often it is redelivered
or redriven, so testers see what is stuck, where, and since when, and can send it again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field

from lienthong.contracts.services import SERVICE_NAMES
from lienthong.runtime.policy import FailureKind
from services.gateway.models import GatewayTable
from services.gateway.tracker import FLOW_AGENCIES


class FailureStatus(StrEnum):
    """Where a failure stands: waiting for someone, sent again, or settled by the agency."""

    OPEN = "open"
    REDRIVEN = "redriven"
    RESOLVED = "resolved"


UNRESOLVED: Final = (FailureStatus.OPEN, FailureStatus.REDRIVEN)

AgencyName = Literal["gateway", "civil_registry", "population", "insurance"]
"""The consumer that failed: any service (the gateway consumes, and may fail, too)."""
FlowName = Literal["birth", "death"]
KindName = Literal["malformed", "unknown_type", "invalid_payload", "handler_error", "transient"]
StatusFilter = Literal["open", "redriven", "resolved", "unresolved", "all"]
"""A status, ``unresolved`` (open or redriven, the default) or ``all``."""

assert set(get_args(AgencyName)) == set(SERVICE_NAMES), "AgencyName must list every service"
assert set(get_args(FlowName)) == set(FLOW_AGENCIES), "FlowName must list every flow"
assert set(get_args(KindName)) == {kind.value for kind in FailureKind}, "KindName: every kind"

PREVIEW_CHARS: Final = 200


class Failure(GatewayTable, table=True):
    """One failure: a consumer, the message it failed (event id, or its bytes) and how."""

    __tablename__ = "failures"
    __table_args__ = (Index("ix_failures_dossier_agency", "dossier_id", "agency"),)

    id: str = Field(primary_key=True, description="Derived: consumer, message, error kind.")
    dossier_id: str | None = Field(default=None)
    flow: str | None = Field(default=None, index=True)
    agency: str = Field(index=True, description="The consumer that gave up.")
    topic: str
    partition: int
    offset: int
    key: str | None = None
    event_id: str | None = None
    event_type: str | None = None
    error_kind: str = Field(index=True)
    error: str
    attempts: int
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    first_failed_at: datetime = Field(description="Simulated time of the first dead letter.")
    last_failed_at: datetime = Field(index=True, description="Simulated time of the last one.")
    occurrences: int = Field(description="Distinct dead letters (one per redrive that failed).")
    generation: int = Field(default=0, description="Redrive generation of the last dead letter.")
    status: str = Field(index=True)
    redrive_count: int = 0
    redriven_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = Field(default=None, description="Event type that settled it.")


class FailureSummary(BaseModel):
    """A failure in a list: everything but the raw bytes, with a short preview of them."""

    id: str = PydanticField(
        description="Failure id (stable across redeliveries and redrives): derived from the "
        "consumer, the event id (or the bytes' hash) and the error kind.",
        examples=["816edf31-00b9-55ed-93a2-ee913fe1fe3e"],
    )
    agency: str = PydanticField(description="The consumer that gave up.", examples=["population"])
    flow: str | None = PydanticField(
        description="birth | death (null when unknown).", examples=["birth"]
    )
    dossier_id: str | None = PydanticField(
        description="The dossier (the message key).",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    topic: str = PydanticField(
        description="Topic the message came from (a redrive goes back).",
        examples=["lienthong.civil_registry.events"],
    )
    partition: int = PydanticField(
        description="Partition of the last failed delivery.", examples=[1]
    )
    offset: int = PydanticField(description="Offset of the last failed delivery.", examples=[4127])
    key: str | None = PydanticField(
        description="Message key.", examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"]
    )
    event_id: str | None = PydanticField(
        description="Event id, when the message parsed.",
        examples=[None, "5dd04d25-c200-5c30-b29f-7d545cdb208c"],
    )
    event_type: str | None = PydanticField(
        description="Event type, when the message parsed.",
        examples=[None, "vn.lienthong.civil_registry.birth_registered.v1"],
    )
    error_kind: str = PydanticField(
        description="malformed | unknown_type | invalid_payload | handler_error | transient",
        examples=["malformed"],
    )
    error: str = PydanticField(
        description="What went wrong the last time.",
        examples=[
            "not a CloudEvent: [{'type': 'json_invalid', 'loc': (), 'msg': 'Invalid JSON: "
            "expected value at line 1 column 1'}]"
        ],
    )
    attempts: int = PydanticField(description="Tries of the last failed delivery.", examples=[1])
    first_failed_at: datetime = PydanticField(
        description="Simulated time it first failed.", examples=["2026-11-16T02:30:01.200000Z"]
    )
    last_failed_at: datetime = PydanticField(
        description="Simulated time it last failed.", examples=["2026-11-16T02:30:01.200000Z"]
    )
    occurrences: int = PydanticField(
        description="Dead letters received (a failed redrive adds 1).", examples=[1]
    )
    status: str = PydanticField(description="open | redriven | resolved", examples=["open"])
    redrive_count: int = PydanticField(description="Redrives sent so far.", examples=[0])
    redriven_at: datetime | None = PydanticField(
        description="Simulated time of the last redrive; null before the first.",
        examples=[None, "2026-11-16T03:05:00Z"],
    )
    resolved_at: datetime | None = PydanticField(
        description="When the agency decided after all; null while unresolved.",
        examples=[None, "2026-11-16T03:05:00.800000Z"],
    )
    resolved_by: str | None = PydanticField(
        description="The decision's event type; null while unresolved.",
        examples=[None, "vn.lienthong.population.citizen_registered.v1"],
    )
    value: str = PydanticField(
        description=f"The message, as text, cut at {PREVIEW_CHARS} chars.",
        examples=[
            "<poison not-json 57ae3f9d-4dbf-50c7-8c9b-afabe50e0f08 of "
            "5dd04d25-c200-5c30-b29f-7d545cdb208c>"
        ],
    )


class FailureDetail(FailureSummary):
    """One failure with the original message bytes, intact."""

    value_base64: str = PydanticField(
        description="The original bytes, in base64 (what a redrive sends).",
        examples=[
            "PHBvaXNvbiBub3QtanNvbiA1N2FlM2Y5ZC00ZGJmLTUwYzctOGM5Yi1hZmFiZTUwZTBmMDggb2YgNWRkMD"
            "RkMjUtYzIwMC01YzMwLWIyOWYtN2Q1NDVjZGIyMDhjPg=="
        ],
    )


class FailurePage(BaseModel):
    """One page of failures and how many match in all."""

    total: int = PydanticField(
        description="Failures matching the filters (all pages).", examples=[3]
    )
    items: list[FailureSummary] = PydanticField(
        description="This page of them, the most recent failure first."
    )


class RedriveResult(BaseModel):
    """What a redrive of one failure did."""

    id: str = PydanticField(
        description="The failure redriven.", examples=["816edf31-00b9-55ed-93a2-ee913fe1fe3e"]
    )
    redriven: bool = PydanticField(
        description="False when it was already resolved (a no-op).", examples=[True]
    )
    redrive: int = PydanticField(
        description="The generation sent (the failure's redrive count).", examples=[1]
    )
    reason: str | None = PydanticField(
        default=None,
        description="Why nothing was sent; null when it was.",
        examples=[
            None,
            "already resolved by vn.lienthong.population.citizen_registered.v1 at "
            "2026-11-16T03:05:00.800000+00:00",
        ],
    )


class FailureSelection(BaseModel):
    """Which failures a bulk redrive sends: the list filters, or ``all``."""

    model_config = ConfigDict(extra="forbid")

    agency: AgencyName | None = PydanticField(
        default=None, description="Consumer that failed.", examples=["population"]
    )
    flow: FlowName | None = PydanticField(
        default=None, description="Only failures of this flow: birth or death.", examples=["birth"]
    )
    kind: KindName | None = PydanticField(
        default=None, description="The error kind.", examples=["transient"]
    )
    status: StatusFilter = PydanticField(
        default="unresolved",
        description="Resolved ones match but are never sent again.",
        examples=["unresolved"],
    )
    since: datetime | None = PydanticField(
        default=None,
        description="Last failed at or after (no offset: Vietnam time).",
        examples=["2026-11-16T08:00:00"],
    )
    until: datetime | None = PydanticField(
        default=None,
        description="Last failed at or before (no offset: Vietnam time).",
        examples=["2026-11-16T17:00:00"],
    )
    dossier_id: str | None = PydanticField(
        default=None,
        max_length=200,
        description="Only the failures of this dossier (the message key).",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    all: bool = PydanticField(
        default=False,
        description="Must be true to send every unresolved failure (no filter).",
        examples=[False],
    )

    def is_empty(self) -> bool:
        """No filter given (a null is none): only ``all`` may ask for everything."""
        given = self.model_fields_set - {"all"}
        return all(getattr(self, name) is None for name in given)


class BulkRedriveResult(BaseModel):
    """What a bulk redrive did."""

    matched: int = PydanticField(description="Failures the selection matched.", examples=[3])
    redriven: int = PydanticField(description="Sent again.", examples=[2])
    already_resolved: int = PydanticField(
        description="Matched but resolved: not sent.", examples=[1]
    )
    ids: list[str] = PydanticField(
        description="The failures sent again.",
        examples=[["816edf31-00b9-55ed-93a2-ee913fe1fe3e", "0a6f5b0e-64d1-5b73-9d43-0f7e39c2a8a4"]],
    )


def summary_fields(row: Failure) -> dict[str, Any]:
    """The list view's fields of ``row``, its times in UTC (SQLite returns them naive)."""
    data = row.model_dump(exclude={"value", "generation"})
    for name, value in data.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            data[name] = value.replace(tzinfo=UTC)
    data["value"] = row.value[: PREVIEW_CHARS * 4].decode(errors="replace")[:PREVIEW_CHARS]
    return data
