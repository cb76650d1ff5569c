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
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from lienthong.contracts.text_fields import MiddleName, Name, NfcText
from lienthong.domain.personal_id import Sex, validate_personal_id
from lienthong.domain.text import nfc

__all__ = [
    "BenefitClaim",
    "BirthCertificateMedium",
    "Birthplace",
    "ChildInfo",
    "CommuneCode",
    "DeathCause",
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
    facility_name: Annotated[str, NfcText(max_length=200)] | None = Field(
        default=None,
        description="Hospital or clinic of birth.",
        examples=["Bệnh viện Phụ sản Hà Nội"],
    )


class ChildInfo(Strict):
    """Người được khai sinh: the child."""

    family_name: Name = Field(description="Họ.", examples=["Trần"])
    middle_name: MiddleName = Field(
        default="", description="Chữ đệm (may be empty).", examples=["Minh"]
    )
    given_name: Name = Field(description="Tên.", examples=["An"])
    date_of_birth: date = Field(
        description="Ngày sinh; not in the future.", examples=["2026-11-02"]
    )
    sex: Sex = Field(description="Giới tính.", examples=["male"])
    birthplace: Birthplace = Field(description="Nơi sinh.")
    ethnicity: Annotated[str, NfcText(max_length=50)] = Field(
        default="Kinh", description="Dân tộc.", examples=["Kinh"]
    )
    nationality: str = Field(
        default="VN",
        pattern=r"^[A-Z]{2}$",
        description="Quốc tịch, ISO 3166-1 alpha-2.",
        examples=["VN"],
    )
    hometown_province_code: ProvinceCode | None = Field(
        default=None, description="Quê quán: province code.", examples=["01"]
    )

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
    description: Annotated[str, NfcText(max_length=200)] | None = Field(
        default=None,
        description="Hospital, home address or other place.",
        examples=["Bệnh viện Bạch Mai"],
    )


class BirthCertificateMedium(StrEnum):
    """How the hospital's birth certificate (giấy chứng sinh) reaches the civil registry.

    Electronic ones come over the health-facility linkage and are checked against the
    facility's register at once; a paper one the civil registry must verify itself, which puts
    the dossier on the 5-working-day path. The reports count few electronic ones: one province
    linked 16,697 of 26,283 births (domain.md, figures from the source reports).
    """

    ELECTRONIC = "electronic"
    """Giấy chứng sinh điện tử, from the health facility's register."""
    PAPER = "paper"
    """Giấy chứng sinh bản giấy: verified by the civil registry (xác minh)."""


class DeathNoticeIssuer(StrEnum):
    """Who issued the death notice (giấy báo tử)."""

    HOSPITAL = "hospital"
    POLICE = "police"
    COMMUNE = "commune"
    OTHER = "other"


class DeathNotice(Strict):
    """Giấy báo tử (or the document replacing it), from the hospital, police or commune."""

    number: Annotated[str, NfcText(max_length=50, min_length=1)] = Field(
        description="Its number.", examples=["GBT-01-2026-000381"]
    )
    issuer: DeathNoticeIssuer = Field(description="Who issued it.", examples=["hospital"])
    issued_on: date = Field(description="Ngày cấp.", examples=["2026-11-15"])


class DeathCause(StrEnum):
    """How the person died, as far as funeral cost support cares (Decree 20/2021/NĐ-CP).

    Art. 14 (emergency assistance) supports the funeral of anyone who died of one of the first
    five, at ≥ 50 × the standard assistance level; ``other`` is every other death (illness, old
    age…), where only a social-assistance beneficiary gets support, ≥ 20 × (art. 11).
    """

    NATURAL_DISASTER = "natural_disaster"
    """Thiên tai."""
    FIRE = "fire"
    """Hỏa hoạn."""
    TRAFFIC_ACCIDENT = "traffic_accident"
    """Tai nạn giao thông."""
    SERIOUS_LABOUR_ACCIDENT = "serious_labour_accident"
    """Tai nạn lao động đặc biệt nghiêm trọng."""
    OTHER_FORCE_MAJEURE = "other_force_majeure"
    """Các lý do bất khả kháng khác."""
    OTHER = "other"
    """None of the causes of art. 14."""


class BenefitClaim(Strict):
    """Đề nghị hưởng trợ cấp mai táng / hỗ trợ chi phí mai táng."""

    requested: bool = Field(
        default=True, description="Whether a funeral benefit is claimed.", examples=[True]
    )
    disaster_death: bool = Field(
        default=False,
        description="Died in a natural disaster (thiên tai): support is 50× instead of 20×. "
        "Kept for clients written before `cause`: true with cause `other` means cause "
        "`natural_disaster`.",
        examples=[False],
    )
    # Left out of what is written while it is the default (``exclude_if``), so a claim with no
    # cause reads as before to consumers still on the contract without it (BenefitClaim is
    # Strict: they refuse fields they do not know). During a rolling upgrade only the claims
    # that name a cause need every reader upgraded; readers fill the default back in.
    cause: DeathCause = Field(
        default=DeathCause.OTHER,
        exclude_if=lambda value: value == DeathCause.OTHER,
        description="How the person died, for funeral cost support (Decree 20/2021/NĐ-CP): "
        "natural_disaster (thiên tai), fire (hỏa hoạn), traffic_accident (tai nạn giao thông), "
        "serious_labour_accident (tai nạn lao động đặc biệt nghiêm trọng) or "
        "other_force_majeure (lý do bất khả kháng khác) — support ≥ 50 × the standard level "
        "whoever died (art. 14); other (the default: illness, old age…) — ≥ 20 × for a "
        "social-assistance beneficiary only (art. 11).",
        examples=["other"],
    )

    @property
    def effective_cause(self) -> DeathCause:
        """``cause``, or ``natural_disaster`` when only ``disaster_death`` says so: a claim
        written before ``cause`` existed (an event replayed, an older client) keeps its 50 ×."""
        if self.cause is DeathCause.OTHER and self.disaster_death:
            return DeathCause.NATURAL_DISASTER
        return self.cause
