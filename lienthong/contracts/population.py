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

    dossier_id: str = Field(description="Dossier id.")
    personal_id: str = Field(
        description="The new 12-digit personal ID number.", examples=["001226123456"]
    )
    full_name: str = Field(examples=["Trần Minh An"])
    date_of_birth: date
    sex: Sex
    household_id: str = Field(description="Household (hộ) the child joined.")
    commune_code: str = Field(description="Commune of permanent residence.", examples=["00070"])
    province_code: str = Field(description="Province of permanent residence.", examples=["01"])
    birth_registration_number: str = Field(description="The civil registry's number.")
    health_insurance: HealthInsuranceRequest = Field(
        description="Carried from the birth dossier so insurance needs no second lookup."
    )
    verification_required: bool = Field(
        default=False,
        description="The household head is not a parent: residence needed verification, so "
        "the 5-working-day limits apply.",
    )


class CitizenRejected(Refusal):
    """The population database refused the residence registration or the ID number."""


class DeathRecorded(BaseModel):
    """The citizen is marked deceased and their permanent residence removed (xóa thường trú)."""

    dossier_id: str = Field(description="Dossier id.")
    personal_id: str
    date_of_death: date
    residence_removed_on: date
    previous_household_id: str | None = None
    previous_commune_code: str | None = None
    new_household_head_personal_id: str | None = Field(
        default=None, description="Who heads the household now, when the deceased did."
    )


class DeathRecordRejected(Refusal):
    """The population database refused to record the death."""
