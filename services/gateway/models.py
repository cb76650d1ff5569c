"""Tables and API shapes of the gateway: dossiers (hồ sơ) and their agency steps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import JSON, Column, Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from lienthong.contracts.reasons import Reason
from services.gateway.delivery_models import DeliveryView


class GatewayTable(SQLModel, registry=registry()):
    """Base of this service's tables: its own metadata, apart from every other service's."""


class Dossier(GatewayTable, table=True):
    """Hồ sơ: one submitted form and its overall status."""

    __tablename__ = "dossiers"
    __table_args__ = (
        # Counting what is open past its deadline reads this index alone (no table rows).
        Index("ix_dossiers_open_due", "status", "due_at", "kind", "province_code", "submitted_on"),
    )

    dossier_id: str = Field(primary_key=True)
    kind: str  # two values: an index on it alone would only mislead the planner
    status: str
    idempotency_key: str | None = Field(default=None, unique=True)
    request_hash: str = Field(index=True)
    form: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    province_code: str | None = Field(
        default=None, description="Province whose office handles it (its counters' province)."
    )
    submitted_at: datetime = Field(description="Simulated time the portal received it.")
    submitted_on: date | None = Field(
        default=None, description="Its Vietnam date (the counters' day; null before counters)."
    )
    completed_at: datetime | None = None
    closed_at: datetime | None = Field(
        default=None, description="When it was completed or rejected (the clock stops)."
    )
    due_at: datetime | None = Field(default=None, description="Legal deadline of the group.")
    verification_required: bool = False
    updated_at: datetime = Field(description="Simulated time of the last change.")


class DossierStep(GatewayTable, table=True):
    """One agency's part of a dossier, with its timestamps and result."""

    __tablename__ = "dossier_steps"
    __table_args__ = (
        # Counting the steps open past their deadline reads this index alone (no table rows).
        Index(
            "ix_dossier_steps_open_due",
            "status",
            "due_at",
            "started_at",
            "agency",
            "flow",
            "province_code",
            "submitted_on",
        ),
    )

    dossier_id: str = Field(primary_key=True, foreign_key="dossiers.dossier_id")
    agency: str = Field(primary_key=True)
    position: int
    status: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    due_at: datetime | None = None
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    reason: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    flow: str | None = Field(default=None, description="Its dossier's kind (never changes).")
    province_code: str | None = Field(default=None, description="Its dossier's province.")
    submitted_on: date | None = Field(default=None, description="Its dossier's day.")


class DossierAccepted(BaseModel):
    """Answer to a submission."""

    dossier_id: str = PydanticField(
        description="Id to follow the dossier with (mã hồ sơ): GET /api/v1/dossiers/{id}.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    status: str = PydanticField(
        description="Current overall status: submitted for a new dossier, or the status of the "
        "one an idempotency key or reference already gave.",
        examples=["submitted"],
    )


class StepView(BaseModel):
    """One agency step as testers see it."""

    agency: str = PydanticField(
        description="The agency whose step it is: civil_registry, population or insurance.",
        examples=["population"],
    )
    status: str = PydanticField(
        description="pending | done | rejected | failed | skipped (not reached: refused before)",
        examples=["done"],
    )
    started_at: datetime | None = PydanticField(
        description="When the dossier reached it (simulated time, UTC); null before.",
        examples=["2026-11-16T02:30:00.410000Z"],
    )
    finished_at: datetime | None = PydanticField(
        description="When the agency decided (simulated time, UTC); null before.",
        examples=["2026-11-16T02:30:00.730000Z"],
    )
    result: dict[str, Any] | None = PydanticField(
        description="Agency result, e.g. personal_id, card_code and valid_until.",
        examples=[
            {
                "personal_id": "001226004213",
                "household_id": "HO0100000053",
                "commune_code": "09634",
                "verification_required": False,
            }
        ],
    )
    reason: Reason | None = PydanticField(
        description="Why it was refused or failed, or why nothing was granted."
    )
    due_at: datetime | None = PydanticField(
        description="Legal deadline of this step (working days from when it started).",
        examples=["2026-11-17T16:59:59Z"],
    )
    overdue: bool = PydanticField(
        description="Decided after its deadline, or still open past it.", examples=[False]
    )


class DossierSummary(BaseModel):
    """A dossier in a list."""

    dossier_id: str = PydanticField(
        description="Dossier id (mã hồ sơ): derived from the idempotency key, else from the form.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    kind: str = PydanticField(
        description="Procedure group: birth (Form 01) or death (Form 02).", examples=["birth"]
    )
    status: str = PydanticField(
        description="submitted | in_progress | completed | rejected | failed",
        examples=["in_progress"],
    )
    submitted_at: datetime = PydanticField(
        description="When the portal received it (simulated time, UTC).",
        examples=["2026-11-16T02:30:00Z"],
    )
    completed_at: datetime | None = PydanticField(
        description="When its last step was done (simulated time, UTC); null until then.",
        examples=[None, "2026-11-16T02:30:01.050000Z"],
    )
    due_at: datetime | None = PydanticField(
        description="Legal deadline of the whole group (working days from submission).",
        examples=["2026-11-18T16:59:59Z"],
    )
    overdue: bool = PydanticField(
        description="Closed after its deadline, or open past it.", examples=[False]
    )


class DossierView(DossierSummary):
    """A dossier with one entry per agency step."""

    steps: list[StepView] = PydanticField(
        description="One entry per agency step, in the order the dossier reaches them."
    )
    delivery: DeliveryView = PydanticField(
        description="Hình thức nhận kết quả: electronic or paper, and the results issued so far."
    )


class ReasonEntry(BaseModel):
    """One entry of the refusal-reason catalogue."""

    agency: str = PydanticField(
        description="The agency that refuses with it: civil_registry, population or insurance.",
        examples=["civil_registry"],
    )
    code: str = PydanticField(
        description="Stable reason code, unique across agencies (what refusals carry).",
        examples=["mother_not_found"],
    )
    message: str = PydanticField(
        description="English explanation.",
        examples=["The mother is not in the national population database."],
    )
    message_vi: str = PydanticField(
        description="Vietnamese explanation (lý do từ chối).",
        examples=["Không tìm thấy thông tin người mẹ trong CSDL quốc gia về dân cư."],
    )
    flow: str | None = PydanticField(
        default=None,
        description="The flow whose step it refuses (birth or death); null for either (the "
        "reasons of injected faults).",
        examples=["birth"],
    )
