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

    card_code: str = Field(
        primary_key=True,
        max_length=15,
        description="Mã thẻ BHYT, 15 characters: beneficiary group (2 letters) + benefit level "
        "(1 digit) + 2-digit province + the 10-digit BHXH number; TE1… for children under 6.",
        schema_extra={"examples": ["TE1191946914184"]},
    )
    personal_id: str = Field(
        index=True,
        description="Personal ID number of the insured person, 12 digits: since 1/8/2025 the "
        "insured person's key.",
        schema_extra={"examples": ["019225183452"]},
    )
    bhxh_number: str = Field(
        unique=True,
        max_length=10,
        description="Mã số BHXH: the 10-digit social-insurance number, led by the issuing "
        "province's code.",
        schema_extra={"examples": ["1946914184"]},
    )
    beneficiary_group: str = Field(
        default="TE",
        description="Beneficiary group (nhóm đối tượng), 2 letters: TE = children under 6.",
        schema_extra={"examples": ["TE"]},
    )
    benefit_level: int = Field(
        default=1,
        description="Benefit level (mức hưởng), 1 digit: 1 = 100% coverage.",
        schema_extra={"examples": [1]},
    )
    province_code: str = Field(
        description="Province of the issuing BHXH office, 2-digit code (part of the card code).",
        schema_extra={"examples": ["19"]},
    )
    initial_clinic_code: str = Field(
        description="Nơi đăng ký khám chữa bệnh ban đầu: the initial clinic's 5-digit code "
        "(2-digit province + 3).",
        schema_extra={"examples": ["19023"]},
    )
    valid_from: date = Field(
        description="First day of validity (the day of issue, not before the birth).",
        schema_extra={"examples": ["2025-02-26"]},
    )
    valid_until: date = Field(
        description="Last day of validity: a child's card runs until they are 72 months old "
        "(born before 30/9: 30/9 of that year; otherwise the end of the month they turn 72 "
        "months).",
        schema_extra={"examples": ["2031-09-30"]},
    )
    status: str = Field(
        default="active",
        description="active | ended (the holder died).",
        schema_extra={"examples": ["active"]},
    )
    ended_on: date | None = Field(
        default=None,
        description="When the card ended: the holder's date of death; null while active.",
        schema_extra={"examples": [None, "2026-11-15"]},
    )


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

    personal_id: str = Field(
        primary_key=True,
        max_length=12,
        description="Personal ID number of the person, 12 digits.",
        schema_extra={"examples": ["022165417474"]},
    )
    bhxh_number: str = Field(
        unique=True,
        max_length=10,
        description="Mã số BHXH: the 10-digit social-insurance number.",
        schema_extra={"examples": ["2228434108"]},
    )
    pensioner: bool = Field(
        default=False,
        description="Receives a pension (hưởng lương hưu): qualifies for the funeral allowance.",
        schema_extra={"examples": [True]},
    )
    compulsory_months: int = Field(
        default=0,
        description="Months of compulsory social insurance contributions (BHXH bắt buộc).",
        schema_extra={"examples": [344]},
    )
    voluntary_months: int = Field(
        default=0,
        description="Months of voluntary social insurance contributions (BHXH tự nguyện).",
        schema_extra={"examples": [0]},
    )
    contributing: bool = Field(
        default=False,
        description="Currently contributing (đang đóng BHXH).",
        schema_extra={"examples": [False]},
    )
    social_assistance: bool = Field(
        default=False,
        description="Monthly social-assistance beneficiary (bảo trợ xã hội).",
        schema_extra={"examples": [False]},
    )


class FuneralBenefitBase(InsuranceTable):
    """A funeral benefit decision."""

    personal_id: str = Field(
        primary_key=True,
        max_length=12,
        description="Personal ID number of the deceased, 12 digits: one decision per death.",
        schema_extra={"examples": ["022165417474"]},
    )
    dossier_id: str = Field(
        unique=True,
        description="Dossier id (mã hồ sơ) of the death dossier the decision answers.",
        schema_extra={"examples": ["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"]},
    )
    benefit: str = Field(
        description="funeral_allowance (trợ cấp mai táng, BHXH) | funeral_support (hỗ trợ chi "
        "phí mai táng, social assistance) | none",
        schema_extra={"examples": ["funeral_allowance"]},
    )
    amount_vnd: int = Field(
        description="Amount granted, in VND (0 for none).",
        schema_extra={"examples": [25_300_000]},
    )
    basis: str = Field(
        description="What the decision rests on: pensioner, N months of compulsory or voluntary "
        "contributions (currently contributing, under the 2014 law), social assistance "
        "beneficiary, death by a cause of Decree 20/2021 art. 14, or why nothing.",
        schema_extra={"examples": ["pensioner"]},
    )
    reason_code: str | None = Field(
        default=None,
        description="Reason code when nothing was granted (e.g. not_insured); null otherwise.",
        schema_extra={"examples": [None, "not_insured"]},
    )
    date_of_death: date = Field(
        description="Ngày chết: the levels in force on it set the amount.",
        schema_extra={"examples": ["2026-11-15"]},
    )
    decided_on: date = Field(
        description="Day of the decision (Vietnam date).", schema_extra={"examples": ["2026-11-16"]}
    )


class FuneralBenefit(FuneralBenefitBase, table=True):
    """Quyết định hưởng chế độ mai táng."""

    __tablename__ = "funeral_benefits"

    created_at: datetime = Field(default_factory=utcnow)


class FuneralBenefitPublic(FuneralBenefitBase):
    """A decision as the API returns it."""
