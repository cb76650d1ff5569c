"""Tables of the population database: citizens (công dân) and households (hộ gia đình)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from lienthong.domain.personal_id import Sex
from lienthong.runtime.tables import utcnow


class PopulationTable(SQLModel, registry=registry()):
    """Base of this service's tables: its own metadata, apart from every other service's."""


class Household(PopulationTable, table=True):
    """Hộ gia đình: the unit permanent residence is registered in."""

    __tablename__ = "households"

    household_id: str = Field(primary_key=True)
    head_personal_id: str = Field(index=True)
    commune_code: str = Field(index=True)
    province_code: str
    address: str
    created_at: datetime = Field(default_factory=utcnow)


class CitizenBase(PopulationTable):
    """The fields of a citizen shown to other agencies and testers."""

    personal_id: str = Field(primary_key=True, max_length=12)
    family_name: str
    middle_name: str = ""
    given_name: str
    full_name: str = Field(index=True)
    sex: Sex
    date_of_birth: date = Field(index=True)
    birth_province_code: str
    alive: bool = Field(default=True, index=True)
    date_of_death: date | None = None
    household_id: str | None = Field(default=None, index=True)
    commune_code: str | None = Field(default=None, index=True)
    province_code: str | None = Field(default=None, index=True)
    address: str | None = None
    is_household_head: bool = False
    mother_personal_id: str | None = Field(default=None, index=True)
    father_personal_id: str | None = None


class Citizen(CitizenBase, table=True):
    """Công dân: one row per person in the national population database."""

    __tablename__ = "citizens"

    birth_registration_number: str | None = Field(default=None, unique=True)
    death_registration_number: str | None = Field(default=None, unique=True)
    residence_removed_on: date | None = Field(
        default=None, description="When permanent residence was removed (xóa thường trú)."
    )
    previous_commune_code: str | None = None
    source: str = Field(default="seed", description="seed | birth_registration")
    created_at: datetime = Field(default_factory=utcnow)


class CitizenPublic(CitizenBase):
    """A citizen as the API returns it."""


class CitizenPage(BaseModel):
    """One page of a citizen search."""

    total: int = PydanticField(description="How many citizens match the filters.")
    items: list[CitizenPublic]


class CitizenLookup(BaseModel):
    """Several personal ID numbers looked up at once (one call per batch of dossiers)."""

    personal_ids: list[str] = PydanticField(
        min_length=1, max_length=1000, examples=[["001190012345", "079203012345"]]
    )


class CitizenLookupResult(BaseModel):
    """Which of the asked numbers exist, with their data."""

    found: list[CitizenPublic]
    missing: list[str]


class HouseholdPublic(BaseModel):
    """A household with its members."""

    household_id: str
    head_personal_id: str
    commune_code: str
    province_code: str
    address: str
    members: list[CitizenPublic]
