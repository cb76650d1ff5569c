"""Tables of social insurance: cards (thẻ BHYT), insured people, funeral benefit decisions."""

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
    ended_on: date | None = Field(default=None, description="When the card ended (death).")


class HealthCard(HealthCardBase, table=True):
    """Thẻ BHYT: one row per issued card."""

    __tablename__ = "health_cards"

    dossier_id: str | None = Field(default=None, unique=True)
    issued_at: datetime = Field(default_factory=utcnow)


class HealthCardPublic(HealthCardBase):
    """A card as the API returns it."""


class InsuredPerson(InsuranceTable, table=True):
    """What BHXH knows about one person: pension, contributions, social assistance.

    People with no row are uninsured.
    """

    __tablename__ = "insured_persons"

    personal_id: str = Field(primary_key=True, max_length=12)
    bhxh_number: str = Field(unique=True, max_length=10)
    pensioner: bool = False
    compulsory_months: int = 0
    voluntary_months: int = 0
    contributing: bool = False
    social_assistance: bool = Field(
        default=False, description="Monthly social-assistance beneficiary (bảo trợ xã hội)."
    )


class FuneralBenefitBase(InsuranceTable):
    """A funeral benefit decision."""

    personal_id: str = Field(primary_key=True, max_length=12, description="One per death.")
    dossier_id: str = Field(unique=True)
    benefit: str = Field(description="funeral_allowance | funeral_support | none")
    amount_vnd: int
    basis: str
    reason_code: str | None = None
    date_of_death: date
    decided_on: date


class FuneralBenefit(FuneralBenefitBase, table=True):
    """Quyết định hưởng chế độ mai táng."""

    __tablename__ = "funeral_benefits"

    created_at: datetime = Field(default_factory=utcnow)


class FuneralBenefitPublic(FuneralBenefitBase):
    """A decision as the API returns it."""
