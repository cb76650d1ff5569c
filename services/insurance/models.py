"""Tables of social insurance: health insurance cards (thẻ BHYT)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from lienthong.runtime.tables import utcnow


class InsuranceTable(SQLModel, registry=registry()):
    """Base of this service's tables: its own metadata, apart from every other service's."""


class HealthCardBase(InsuranceTable):
    """What a card shows."""

    card_code: str = Field(primary_key=True, max_length=15)
    personal_id: str = Field(index=True, description="Since 1/8/2025 the insured person's key.")
    bhxh_number: str = Field(unique=True, max_length=10)
    beneficiary_group: str = Field(default="TE", description="TE: children under 6")
    benefit_level: int = 1
    province_code: str
    initial_clinic_code: str
    valid_from: date
    valid_until: date
    status: str = Field(default="active", description="active | ended")


class HealthCard(HealthCardBase, table=True):
    """Thẻ BHYT: one row per issued card."""

    __tablename__ = "health_cards"

    dossier_id: str | None = Field(default=None, unique=True)
    issued_at: datetime = Field(default_factory=utcnow)


class HealthCardPublic(HealthCardBase):
    """A card as the API returns it."""
