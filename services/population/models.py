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

    personal_id: str = Field(
        primary_key=True,
        max_length=12,
        description="Số định danh cá nhân, 12 digits PPP G YY RRRRRR: PPP the province of "
        "birth registration, G the century and sex, YY the birth year, RRRRRR random.",
        schema_extra={"examples": ["001301894721"]},
    )
    family_name: str = Field(
        description="Họ (family name), NFC.", schema_extra={"examples": ["Huỳnh"]}
    )
    middle_name: str = Field(
        default="",
        description="Chữ đệm (middle name), NFC; may be empty.",
        schema_extra={"examples": ["Thanh"]},
    )
    given_name: str = Field(
        description="Tên (given name), NFC.", schema_extra={"examples": ["Thảo"]}
    )
    full_name: str = Field(
        index=True,
        description="Họ, chữ đệm và tên joined by spaces, NFC: what names are compared on.",
        schema_extra={"examples": ["Nguyễn Thị Giang"]},
    )
    sex: Sex = Field(description="Giới tính.", schema_extra={"examples": ["female"]})
    date_of_birth: date = Field(
        index=True, description="Ngày sinh.", schema_extra={"examples": ["1993-07-07"]}
    )
    birth_province_code: str = Field(
        description="2-digit code of the province where the birth was registered (the PPP of "
        "the personal ID number, without its leading 0).",
        schema_extra={"examples": ["01"]},
    )
    alive: bool = Field(
        default=True,
        index=True,
        description="False once a death is recorded.",
        schema_extra={"examples": [True]},
    )
    date_of_death: date | None = Field(
        default=None,
        description="Ngày chết, once a death is recorded; null while alive.",
        schema_extra={"examples": [None, "2026-11-15"]},
    )
    household_id: str | None = Field(
        default=None,
        index=True,
        description="Household (hộ gia đình) of permanent residence: HO + 2-digit province + 8 "
        "digits; null without one (e.g. after death).",
        schema_extra={"examples": ["HO0100000053"]},
    )
    commune_code: str | None = Field(
        default=None,
        index=True,
        description="Commune of permanent residence (thường trú), 5-digit code; null without a "
        "residence.",
        schema_extra={"examples": ["09634"]},
    )
    province_code: str | None = Field(
        default=None,
        index=True,
        description="Province of permanent residence, 2-digit code; null without a residence.",
        schema_extra={"examples": ["01"]},
    )
    address: str | None = Field(
        default=None,
        description="Address of permanent residence (house, street or hamlet, commune, "
        "province); null without a residence.",
        schema_extra={"examples": ["Số 233, thôn Phú Mỹ, Xã Nam Phù, Thành phố Hà Nội"]},
    )
    is_household_head: bool = Field(
        default=False,
        description="Whether the citizen is the head (chủ hộ) of their household.",
        schema_extra={"examples": [False]},
    )
    mother_personal_id: str | None = Field(
        default=None,
        index=True,
        description="The mother's personal ID number, when known (set at birth registration).",
        schema_extra={"examples": [None, "001301894721"]},
    )
    father_personal_id: str | None = Field(
        default=None,
        description="The father's personal ID number, when known (set at birth registration).",
        schema_extra={"examples": [None, "001200842560"]},
    )


class Citizen(CitizenBase, table=True):
    """Công dân: one row per person in the national population database."""

    __tablename__ = "citizens"

    birth_registration_number: str | None = Field(default=None, unique=True)
    birth_dossier_id: str | None = Field(
        default=None,
        unique=True,
        index=True,
        description="The birth dossier the number was issued for, at birth registration (the "
        "civil registry asks once per dossier); null for the seeded population.",
    )
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

    total: int = PydanticField(
        description="How many citizens match the filters (all pages).", examples=[37]
    )
    items: list[CitizenPublic] = PydanticField(
        description="This page of them, by personal ID number."
    )


class CitizenLookup(BaseModel):
    """Several personal ID numbers looked up at once (one call per batch of dossiers)."""

    personal_ids: list[str] = PydanticField(
        min_length=1,
        max_length=1000,
        description="1 to 1000 personal ID numbers (12 digits each) to look up.",
        examples=[["001301894721", "001200842560"]],
    )


class CitizenLookupResult(BaseModel):
    """Which of the asked numbers exist, with their data."""

    found: list[CitizenPublic] = PydanticField(description="The citizens found.")
    missing: list[str] = PydanticField(
        description="The asked numbers the database does not hold, in the order asked.",
        examples=[["079203012345"]],
    )


class HouseholdPublic(BaseModel):
    """A household with its members."""

    household_id: str = PydanticField(
        description="Household id: HO + 2-digit province + 8 digits.", examples=["HO0100000053"]
    )
    head_personal_id: str = PydanticField(
        description="Personal ID number of the household head (chủ hộ).",
        examples=["001200842560"],
    )
    commune_code: str = PydanticField(
        description="Commune of the household's permanent residence, 5-digit code.",
        examples=["09634"],
    )
    province_code: str = PydanticField(
        description="Province of the household's permanent residence, 2-digit code.",
        examples=["01"],
    )
    address: str = PydanticField(
        description="The household's address.",
        examples=["Số 233, thôn Phú Mỹ, Xã Nam Phù, Thành phố Hà Nội"],
    )
    members: list[CitizenPublic] = PydanticField(
        description="Its registered members, oldest first."
    )
