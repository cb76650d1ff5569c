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

    dossier_id: str = PydanticField(description="Id to follow the dossier with.")
    status: str = PydanticField(description="Current overall status.", examples=["submitted"])


class StepView(BaseModel):
    """One agency step as testers see it."""

    agency: str = PydanticField(examples=["population"])
    status: str = PydanticField(
        description="pending | done | rejected | failed | skipped (not reached: refused before)"
    )
    started_at: datetime | None = PydanticField(description="When the dossier reached it.")
    finished_at: datetime | None = PydanticField(description="When the agency decided.")
    result: dict[str, Any] | None = PydanticField(
        description="Agency result, e.g. personal_id, card_code and valid_until."
    )
    reason: Reason | None = PydanticField(
        description="Why it was refused or failed, or why nothing was granted."
    )
    due_at: datetime | None = PydanticField(
        description="Legal deadline of this step (working days from when it started)."
    )
    overdue: bool = PydanticField(description="Decided after its deadline, or still open past it.")


class DossierView(BaseModel):
    """A dossier with one entry per agency step."""

    dossier_id: str
    kind: str = PydanticField(examples=["birth"])
    status: str = PydanticField(
        description="submitted | in_progress | completed | rejected | failed"
    )
    submitted_at: datetime
    completed_at: datetime | None
    due_at: datetime | None = PydanticField(description="Legal deadline of the whole group.")
    overdue: bool = PydanticField(description="Closed after its deadline, or open past it.")
    steps: list[StepView]


class DossierSummary(BaseModel):
    """A dossier in a list."""

    dossier_id: str
    kind: str
    status: str
    submitted_at: datetime
    completed_at: datetime | None
    due_at: datetime | None
    overdue: bool


class ReasonEntry(BaseModel):
    """One entry of the refusal-reason catalogue."""

    agency: str = PydanticField(examples=["civil_registry"])
    code: str = PydanticField(examples=["mother_not_found"])
    message: str
    message_vi: str
