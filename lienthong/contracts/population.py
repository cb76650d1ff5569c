"""Events of the population database (CSDL quốc gia về dân cư, C06)."""

from __future__ import annotations

from datetime import date
from typing import Final

from pydantic import BaseModel, Field

from lienthong.contracts.declarations import HealthInsuranceRequest
from lienthong.contracts.envelope import event_type
from lienthong.contracts.reasons import Refusal
from lienthong.domain.personal_id import Sex

SOURCE: Final = "population"
CITIZEN_REGISTERED: Final = event_type(SOURCE, "citizen_registered")
CITIZEN_REJECTED: Final = event_type(SOURCE, "citizen_rejected")
DEATH_RECORDED: Final = event_type(SOURCE, "death_recorded")
DEATH_RECORD_REJECTED: Final = event_type(SOURCE, "death_record_rejected")


class CitizenRegistered(BaseModel):
    """A newborn got a personal ID number (số định danh cá nhân) and permanent residence."""

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    personal_id: str = Field(
        description="The child's new personal ID number (số định danh cá nhân), 12 digits PPP G "
        "YY RRRRRR: PPP the registering province, G the century and sex, YY the birth year.",
        examples=["001226123456"],
    )
    full_name: str = Field(
        description="Họ, chữ đệm và tên of the child, NFC, as registered.",
        examples=["Trần Minh An"],
    )
    date_of_birth: date = Field(description="Ngày sinh of the child.", examples=["2026-11-02"])
    sex: Sex = Field(description="Giới tính of the child.", examples=["male"])
    household_id: str = Field(
        description="Household (hộ) the child joined: the household head's, HO + province + 8 "
        "digits.",
        examples=["HO0100000001"],
    )
    commune_code: str = Field(
        description="Commune of permanent residence (5-digit code): the household's.",
        examples=["00070"],
    )
    province_code: str = Field(
        description="Province of permanent residence (2-digit code): the household's.",
        examples=["01"],
    )
    birth_registration_number: str = Field(
        description="Số đăng ký khai sinh the civil registry gave the birth.",
        examples=["KS-00070-2026-000017"],
    )
    health_insurance: HealthInsuranceRequest = Field(
        description="Carried from the birth dossier so insurance needs no second lookup."
    )
    verification_required: bool = Field(
        default=False,
        description="The household head is not a parent: residence needed verification, so "
        "the 5-working-day limits apply.",
        examples=[False],
    )


class CitizenRejected(Refusal):
    """The population database refused the residence registration or the ID number."""


class DeathRecorded(BaseModel):
    """The citizen is marked deceased and their permanent residence removed (xóa thường trú)."""

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    personal_id: str = Field(
        description="Personal ID number of the citizen now marked deceased, 12 digits.",
        examples=["001048012345"],
    )
    date_of_death: date = Field(
        description="Ngày chết, as the civil registry registered it.", examples=["2026-11-15"]
    )
    residence_removed_on: date = Field(
        description="Ngày xóa đăng ký thường trú: the day permanent residence was removed "
        "(Vietnam date).",
        examples=["2026-11-16"],
    )
    previous_household_id: str | None = Field(
        default=None,
        description="Household the deceased belonged to; null when they had none.",
        examples=["HO0100000001"],
    )
    previous_commune_code: str | None = Field(
        default=None,
        description="Commune of the removed permanent residence (5-digit code); null when "
        "there was none.",
        examples=["00070"],
    )
    new_household_head_personal_id: str | None = Field(
        default=None,
        description="Who heads the household now, when the deceased did (its oldest living "
        "member); null otherwise.",
        examples=["001075012345"],
    )


class DeathRecordRejected(Refusal):
    """The population database refused to record the death."""
