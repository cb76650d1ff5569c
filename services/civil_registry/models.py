"""Tables of the civil registry: birth and death registers (sổ hộ tịch) and their counters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from lienthong.domain.personal_id import Sex
from lienthong.runtime.tables import utcnow


class CivilRegistryTable(SQLModel, registry=registry()):
    """Base of this service's tables: its own metadata, apart from every other service's."""


class BirthRegistrationBase(CivilRegistryTable):
    """What a birth registration shows."""

    registration_number: str = Field(primary_key=True)
    birth_certificate_number: str = Field(unique=True)
    dossier_id: str = Field(unique=True)
    commune_code: str = Field(index=True)
    province_code: str
    registered_on: date
    child_full_name: str
    child_date_of_birth: date
    child_sex: Sex
    mother_personal_id: str = Field(index=True)
    father_personal_id: str | None = None


class BirthRegistration(BirthRegistrationBase, table=True):
    """Đăng ký khai sinh: one row per registered birth."""

    __tablename__ = "birth_registrations"

    duplicate_key: str = Field(
        unique=True, description="mother + NFC casefolded name + date of birth: one birth only"
    )
    created_at: datetime = Field(default_factory=utcnow)


class BirthRegistrationPublic(BirthRegistrationBase):
    """A birth registration as the API returns it."""


class DeathRegistrationBase(CivilRegistryTable):
    """What a death registration shows."""

    registration_number: str = Field(primary_key=True)
    death_extract_number: str = Field(unique=True)
    dossier_id: str = Field(unique=True)
    deceased_personal_id: str = Field(unique=True, description="One death per person.")
    deceased_full_name: str
    commune_code: str = Field(index=True)
    registered_on: date
    date_of_death: date
    late_registration: bool = False
    late_registration_reason: str | None = None


class DeathRegistration(DeathRegistrationBase, table=True):
    """Đăng ký khai tử: one row per registered death."""

    __tablename__ = "death_registrations"

    created_at: datetime = Field(default_factory=utcnow)


class DeathRegistrationPublic(DeathRegistrationBase):
    """A death registration as the API returns it."""


class RegisterCounter(CivilRegistryTable, table=True):
    """Last number used in one commune's register for one year (số thứ tự trong sổ)."""

    __tablename__ = "register_counters"

    commune_code: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    kind: str = Field(primary_key=True, default="birth")
    last_number: int = 0
