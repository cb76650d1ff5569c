"""The parts of a declaration that agencies receive: child, parents, residence, the deceased.

Shared by the public forms (``forms.py``) and by the events that carry a declaration onwards
(``gateway.py``, ``civil_registry.py``). Validation here is **structural only** — formats,
lengths, patterns, Unicode normalisation — never today's date or live reference data, so an event
validated today is still valid when it is replayed next year. What the portal checks at its door
(dates not in the future, communes that exist, ID numbers that agree with sex and birth year) is
``form_checks.py``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lienthong.domain.personal_id import Sex, validate_personal_id
from lienthong.domain.text import nfc

__all__ = [
    "BenefitClaim",
    "Birthplace",
    "ChildInfo",
    "CommuneCode",
    "DeathNotice",
    "DeathNoticeIssuer",
    "DeceasedInfo",
    "HealthInsuranceRequest",
    "Name",
    "ParentInfo",
    "PersonalId",
    "PlaceOfDeath",
    "ProvinceCode",
    "ResidenceRequest",
    "Sex",
    "Strict",
]


def _personal_id_format(value: str) -> str:
    return validate_personal_id(value)


PersonalId = Annotated[
    str,
    AfterValidator(_personal_id_format),
    Field(
        description="Personal ID number (số định danh cá nhân): 12 digits PPP G YY RRRRRR.",
        examples=["001190012345"],
    ),
]
Name = Annotated[
    str,
    AfterValidator(nfc),
    Field(min_length=1, max_length=100, description="Name, NFC or NFD; stored in NFC."),
]
CommuneCode = Annotated[
    str,
    Field(pattern=r"^\d{5}$", description="5-digit commune code (mã xã, 2025 list)."),
]
ProvinceCode = Annotated[
    str,
    Field(pattern=r"^\d{2}$", description="2-digit province code (mã tỉnh, 2025 list)."),
]


class Strict(BaseModel):
    """Unknown fields are refused (a typo must not vanish silently); strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Birthplace(Strict):
    """Nơi sinh: the commune of birth and, if any, the health facility."""

    commune_code: CommuneCode = Field(
        description="Commune of birth (xã/phường nơi sinh): its 5-digit code in the 2025 list.",
        examples=["00070"],
    )
    facility_name: str | None = Field(
        default=None,
        max_length=200,
        description="Hospital or clinic of birth.",
        examples=["Bệnh viện Phụ sản Hà Nội"],
    )


class ChildInfo(Strict):
    """Người được khai sinh: the child."""

    family_name: Name = Field(description="Họ.", examples=["Trần"])
    middle_name: str = Field(
        default="", max_length=100, description="Chữ đệm (may be empty).", examples=["Minh"]
    )
    given_name: Name = Field(description="Tên.", examples=["An"])
    date_of_birth: date = Field(
        description="Ngày sinh; not in the future.", examples=["2026-11-02"]
    )
    sex: Sex = Field(description="Giới tính.", examples=["male"])
    birthplace: Birthplace = Field(description="Nơi sinh.")
    ethnicity: str = Field(default="Kinh", max_length=50, description="Dân tộc.", examples=["Kinh"])
    nationality: str = Field(
        default="VN",
        pattern=r"^[A-Z]{2}$",
        description="Quốc tịch, ISO 3166-1 alpha-2.",
        examples=["VN"],
    )
    hometown_province_code: ProvinceCode | None = Field(
        default=None, description="Quê quán: province code.", examples=["01"]
    )

    @model_validator(mode="after")
    def _normalise_middle_name(self) -> Self:
        object.__setattr__(self, "middle_name", nfc(self.middle_name))
        return self

    @property
    def full_name(self) -> str:
        """Họ, chữ đệm và tên joined, NFC."""
        return nfc(" ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p))


class ParentInfo(Strict):
    """Thông tin cha/mẹ, checked by the civil registry against the population database."""

    full_name: Name = Field(
        description="Họ, chữ đệm và tên: the parent's full name as in the population database "
        "(NFC or NFD; stored in NFC).",
        examples=["Nguyễn Thị Lan"],
    )
    date_of_birth: date = Field(description="Ngày sinh.", examples=["1995-04-12"])
    personal_id: PersonalId = Field(
        description="The parent's personal ID number (số định danh cá nhân), 12 digits PPP G YY "
        "RRRRRR: the key the civil registry looks the parent up by.",
        examples=["001195012345"],
    )


class ResidenceRequest(Strict):
    """Đăng ký thường trú: where the child is registered, in whose household."""

    commune_code: CommuneCode = Field(
        description="Commune of permanent residence (nơi thường trú): 5-digit code, 2025 list.",
        examples=["00070"],
    )
    address: Name = Field(
        description="House number, street, hamlet.", examples=["Số 12, phố Hàng Bạc"]
    )
    household_head_personal_id: PersonalId = Field(
        description="Personal ID number of the household head (chủ hộ), 12 digits.",
        examples=["001090012345"],
    )
    household_head_consent: bool = Field(
        description="The household head agrees to register the child (ý kiến đồng ý của chủ hộ).",
        examples=[True],
    )


class HealthInsuranceRequest(Strict):
    """Cấp thẻ BHYT cho trẻ dưới 6 tuổi."""

    initial_clinic_code: str = Field(
        pattern=r"^\d{5}$",
        description="Preferred initial clinic (nơi đăng ký KCB ban đầu): 2-digit province + 3.",
        examples=["01001"],
    )


class DeceasedInfo(Strict):
    """Người chết: checked by the civil registry against the population database."""

    full_name: Name = Field(
        description="Họ, chữ đệm và tên of the deceased, as in the population database (NFC or "
        "NFD; stored in NFC).",
        examples=["Nguyễn Văn Bình"],
    )
    date_of_birth: date = Field(description="Ngày sinh.", examples=["1948-03-02"])
    sex: Sex = Field(description="Giới tính.", examples=["male"])
    personal_id: PersonalId = Field(
        description="The deceased's personal ID number (số định danh cá nhân), 12 digits: the "
        "citizen the population database marks deceased.",
        examples=["001048012345"],
    )


class PlaceOfDeath(Strict):
    """Nơi chết."""

    commune_code: CommuneCode = Field(
        description="Commune where the death occurred (xã/phường nơi chết): 5-digit code, 2025 "
        "list.",
        examples=["00070"],
    )
    description: str | None = Field(
        default=None,
        max_length=200,
        description="Hospital, home address or other place.",
        examples=["Bệnh viện Bạch Mai"],
    )


class DeathNoticeIssuer(StrEnum):
    """Who issued the death notice (giấy báo tử)."""

    HOSPITAL = "hospital"
    POLICE = "police"
    COMMUNE = "commune"
    OTHER = "other"


class DeathNotice(Strict):
    """Giấy báo tử (or the document replacing it), from the hospital, police or commune."""

    number: str = Field(
        min_length=1, max_length=50, description="Its number.", examples=["GBT-01-2026-000381"]
    )
    issuer: DeathNoticeIssuer = Field(description="Who issued it.", examples=["hospital"])
    issued_on: date = Field(description="Ngày cấp.", examples=["2026-11-15"])


class BenefitClaim(Strict):
    """Đề nghị hưởng trợ cấp mai táng / hỗ trợ chi phí mai táng."""

    requested: bool = Field(
        default=True, description="Whether a funeral benefit is claimed.", examples=[True]
    )
    disaster_death: bool = Field(
        default=False,
        description="Died in a natural disaster (thiên tai): support is 50× instead of 20×.",
        examples=[False],
    )
