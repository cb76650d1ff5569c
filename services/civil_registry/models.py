"""Tables of the civil registry: birth and death registers (sổ hộ tịch) and their counters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import false
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from lienthong.domain.personal_id import Sex
from lienthong.runtime.tables import utcnow


class CivilRegistryTable(SQLModel, registry=registry()):
    """Base of this service's tables: its own metadata, apart from every other service's."""


class BirthRegistrationBase(CivilRegistryTable):
    """What a birth registration shows."""

    registration_number: str = Field(
        primary_key=True,
        description="Số đăng ký khai sinh in the civil register (sổ hộ tịch) of the registering "
        "commune: KS-<commune>-<year>-<serial of 6 digits>.",
        schema_extra={"examples": ["KS-09634-2026-000001"]},
    )
    birth_certificate_number: str = Field(
        unique=True,
        description="Number of the electronic birth certificate (Giấy khai sinh điện tử): "
        "GKS-<year>-<commune><serial of 6 digits>.",
        schema_extra={"examples": ["GKS-2026-09634000001"]},
    )
    dossier_id: str = Field(
        unique=True,
        description="Dossier id (mã hồ sơ) of the portal dossier this registration answers.",
        schema_extra={"examples": ["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"]},
    )
    personal_id: str | None = Field(
        default=None,
        description="The child's personal ID number (số định danh cá nhân), obtained from the "
        "population database while registering: it is on the birth certificate. Null for "
        "registrations made before the registry asked for it, or when population does not "
        "number at registration.",
        schema_extra={"examples": ["001226123456"]},
    )
    commune_code: str = Field(
        index=True,
        description="Registering commune (UBND cấp xã), 5-digit code: the commune of the "
        "child's permanent residence.",
        schema_extra={"examples": ["09634"]},
    )
    province_code: str = Field(
        description="Province of the registering commune, 2-digit code: it prefixes the "
        "child's personal ID number.",
        schema_extra={"examples": ["01"]},
    )
    registered_on: date = Field(
        description="Ngày đăng ký: the day the birth was registered (Vietnam date).",
        schema_extra={"examples": ["2026-11-16"]},
    )
    child_full_name: str = Field(
        description="Họ, chữ đệm và tên of the child, NFC.",
        schema_extra={"examples": ["Lê Minh An"]},
    )
    child_date_of_birth: date = Field(
        description="Ngày sinh of the child.", schema_extra={"examples": ["2026-11-02"]}
    )
    child_sex: Sex = Field(
        description="Giới tính of the child.", schema_extra={"examples": ["male"]}
    )
    mother_personal_id: str = Field(
        index=True,
        description="The mother's personal ID number (số định danh cá nhân), 12 digits.",
        schema_extra={"examples": ["001301894721"]},
    )
    father_personal_id: str | None = Field(
        default=None,
        description="The father's personal ID number, 12 digits; null when no father is declared.",
        schema_extra={"examples": ["001200842560"]},
    )
    late_registration: bool = Field(
        default=False,
        # Rows from before the column (revision civil_registry_0002, or a database adopted
        # from before migrations) read false.
        sa_column_kwargs={"server_default": false()},
        description="Submitted after the legal limit of 60 days from the birth (đăng ký khai "
        "sinh quá hạn, Law on Civil Status 2014, art. 15); registered all the same.",
        schema_extra={"examples": [False]},
    )


class BirthRegistration(BirthRegistrationBase, table=True):
    """Đăng ký khai sinh: one row per registered birth."""

    __tablename__ = "birth_registrations"

    duplicate_key: str = Field(
        unique=True,
        description="mother + name key (NFC, casefolded, one tone-mark placement) + date of "
        "birth: one birth only",
    )
    created_at: datetime = Field(default_factory=utcnow)


class BirthRegistrationPublic(BirthRegistrationBase):
    """A birth registration as the API returns it."""


class DeathRegistrationBase(CivilRegistryTable):
    """What a death registration shows."""

    registration_number: str = Field(
        primary_key=True,
        description="Số đăng ký khai tử in the civil register of the registering commune: "
        "KT-<commune>-<year>-<serial of 6 digits>.",
        schema_extra={"examples": ["KT-06967-2026-000001"]},
    )
    death_extract_number: str = Field(
        unique=True,
        description="Number of the electronic death extract (Trích lục khai tử): "
        "TLKT-<year>-<commune><serial of 6 digits>.",
        schema_extra={"examples": ["TLKT-2026-06967000001"]},
    )
    dossier_id: str = Field(
        unique=True,
        description="Dossier id (mã hồ sơ) of the portal dossier this registration answers.",
        schema_extra={"examples": ["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"]},
    )
    deceased_personal_id: str = Field(
        unique=True,
        description="The deceased's personal ID number, 12 digits: one death per person.",
        schema_extra={"examples": ["022165417474"]},
    )
    deceased_full_name: str = Field(
        description="Họ, chữ đệm và tên of the deceased, NFC.",
        schema_extra={"examples": ["Trần Kim Nhung"]},
    )
    commune_code: str = Field(
        index=True,
        description="Registering commune, 5-digit code: the commune of last residence, else "
        "where the person died.",
        schema_extra={"examples": ["06967"]},
    )
    registered_on: date = Field(
        description="Ngày đăng ký: the day the death was registered (Vietnam date).",
        schema_extra={"examples": ["2026-11-16"]},
    )
    date_of_death: date = Field(description="Ngày chết.", schema_extra={"examples": ["2026-11-15"]})
    late_registration: bool = Field(
        default=False,
        description="Submitted after the legal limit of 15 days from the death (khai tử quá "
        "hạn, Law on Civil Status 2014, art. 33); registered all the same.",
        schema_extra={"examples": [False]},
    )
    late_registration_reason: str | None = Field(
        default=None,
        description="Why the death was registered late, as the requester declared; null when "
        "none was given.",
        schema_extra={"examples": ["Gia đình ở xa, không kịp đăng ký"]},
    )


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
