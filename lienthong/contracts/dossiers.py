"""Form 01: the combined birth dossier (tờ khai liên thông khai sinh – thường trú – BHYT).

This is the gateway's public input contract and, unchanged, the payload of the gateway's
``dossier_submitted`` event. Validation here is what the portal can check without asking any
agency: formats, dates, codes and the agreement between an ID number and its owner's sex and
birth year. Whether people exist is for the agencies to decide.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, NamedTuple, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.personal_id import Sex, validate_personal_id
from lienthong.domain.text import nfc

__all__ = [
    "BenefitClaim",
    "BirthDossier",
    "ChildInfo",
    "DeathDossier",
    "DeathNotice",
    "DeceasedInfo",
    "DeliveryMethod",
    "DossierForm",
    "FieldProblem",
    "HealthInsuranceRequest",
    "ParentInfo",
    "Relationship",
    "RequesterInfo",
    "ResidenceRequest",
    "Sex",
]


class FieldProblem(NamedTuple):
    """A cross-field validation failure: where (path inside the form) and why."""

    loc: tuple[str, ...]
    message: str


def _personal_id_format(value: str) -> str:
    return validate_personal_id(value)


def _not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError(f"{value.isoformat()} is in the future")
    return value


def _known_commune(value: str) -> str:
    if load_admin_units().commune(value) is None:
        raise ValueError(f"unknown commune code {value!r} (Decision 19/2025/QĐ-TTg list)")
    return value


def _known_province(value: str) -> str:
    if load_admin_units().province(value) is None:
        raise ValueError(f"unknown province code {value!r} (one of the 34 provinces since 2025)")
    return value


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
PastDate = Annotated[date, AfterValidator(_not_in_future)]
CommuneCode = Annotated[
    str,
    Field(pattern=r"^\d{5}$", description="5-digit commune code (mã xã, 2025 list)."),
    AfterValidator(_known_commune),
]
ProvinceCode = Annotated[
    str,
    Field(pattern=r"^\d{2}$", description="2-digit province code (mã tỉnh, 2025 list)."),
    AfterValidator(_known_province),
]


class Relationship(StrEnum):
    """How the requester (người yêu cầu) is related to the child or the deceased."""

    MOTHER = "mother"
    FATHER = "father"
    GRANDPARENT = "grandparent"
    SPOUSE = "spouse"
    CHILD = "child"
    SIBLING = "sibling"
    RELATIVE = "relative"
    OTHER = "other"


class DeliveryMethod(StrEnum):
    """How results are delivered (hình thức nhận kết quả)."""

    VNEID = "vneid"
    EMAIL = "email"
    POST = "post"
    IN_PERSON = "in_person"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RequesterInfo(_Strict):
    """Người yêu cầu: who submits the dossier."""

    full_name: Name = Field(examples=["Nguyễn Thị Lan"])
    personal_id: PersonalId
    relationship: Relationship = Field(
        description="Relationship to the child.", examples=["mother"]
    )
    phone: str | None = Field(
        default=None,
        pattern=r"^\+?\d{9,12}$",
        description="Phone number.",
        examples=["0912345678"],
    )
    email: str | None = Field(
        default=None,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="E-mail address.",
        examples=["lan.nguyen@example.vn"],
    )


class Birthplace(_Strict):
    """Nơi sinh: the commune of birth and, if any, the health facility."""

    commune_code: CommuneCode = Field(examples=["00070"])
    facility_name: str | None = Field(
        default=None,
        max_length=200,
        description="Hospital or clinic of birth.",
        examples=["Bệnh viện Phụ sản Hà Nội"],
    )


class ChildInfo(_Strict):
    """Người được khai sinh: the child."""

    family_name: Name = Field(description="Họ.", examples=["Trần"])
    middle_name: str = Field(
        default="", max_length=100, description="Chữ đệm (may be empty).", examples=["Minh"]
    )
    given_name: Name = Field(description="Tên.", examples=["An"])
    date_of_birth: PastDate = Field(
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


class ParentInfo(_Strict):
    """Thông tin cha/mẹ, checked by the civil registry against the population database."""

    full_name: Name = Field(examples=["Nguyễn Thị Lan"])
    date_of_birth: PastDate = Field(description="Ngày sinh.", examples=["1995-04-12"])
    personal_id: PersonalId


class ResidenceRequest(_Strict):
    """Đăng ký thường trú: where the child is registered, in whose household."""

    commune_code: CommuneCode = Field(examples=["00070"])
    address: Name = Field(
        description="House number, street, hamlet.", examples=["Số 12, phố Hàng Bạc"]
    )
    household_head_personal_id: PersonalId = Field(
        description="Personal ID number of the household head (chủ hộ)."
    )
    household_head_consent: bool = Field(
        description="The household head agrees to register the child (ý kiến đồng ý của chủ hộ).",
        examples=[True],
    )


class HealthInsuranceRequest(_Strict):
    """Cấp thẻ BHYT cho trẻ dưới 6 tuổi."""

    initial_clinic_code: str = Field(
        pattern=r"^\d{5}$",
        description="Preferred initial clinic (nơi đăng ký KCB ban đầu): 2-digit province + 3.",
        examples=["01001"],
    )


class Delivery(_Strict):
    """Hình thức nhận kết quả."""

    method: DeliveryMethod = Field(
        default=DeliveryMethod.VNEID, description="Delivery channel.", examples=["vneid"]
    )
    address: str | None = Field(
        default=None,
        max_length=300,
        description="Postal address when method is post.",
        examples=["Số 12, phố Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"],
    )


class BirthDossier(_Strict):
    """Form 01 — one declaration for three procedures (khai sinh, thường trú, BHYT)."""

    kind: Literal["birth"] = Field(description="Procedure group.", examples=["birth"])
    reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Client reference; resubmitting the same reference returns the same dossier.",
        examples=["HS-2026-000123"],
    )
    requester: RequesterInfo = Field(description="Người yêu cầu: who submits the dossier.")
    child: ChildInfo = Field(description="Người được khai sinh: the child.")
    mother: ParentInfo = Field(description="Mẹ (required).")
    father: ParentInfo | None = Field(default=None, description="Cha (optional).")
    marriage_certificate_number: str | None = Field(
        default=None,
        max_length=50,
        description="Giấy chứng nhận kết hôn.",
        examples=["123/2020/KH"],
    )
    medical_birth_certificate_number: str = Field(
        min_length=1,
        max_length=50,
        description="Electronic birth certificate from the hospital (giấy chứng sinh).",
        examples=["GCS-01-2026-004512"],
    )
    residence: ResidenceRequest = Field(
        description="Đăng ký thường trú: where and in whose household the child is registered."
    )
    health_insurance: HealthInsuranceRequest = Field(
        description="Cấp thẻ BHYT: the child's card request."
    )
    delivery: Delivery = Field(
        default_factory=Delivery, description="Hình thức nhận kết quả: how results are delivered."
    )

    def problems(self) -> list[FieldProblem]:
        """Cross-field checks, each tied to the field it is about (for a field-level 422).

        Kept out of pydantic validators because those can only blame the whole model.
        """
        found: list[FieldProblem] = []
        parents: list[tuple[str, ParentInfo, Sex]] = [("mother", self.mother, Sex.FEMALE)]
        if self.father is not None:
            parents.append(("father", self.father, Sex.MALE))
        for role, parent, sex in parents:
            try:
                validate_personal_id(
                    parent.personal_id, sex=sex, date_of_birth=parent.date_of_birth
                )
            except ValueError as error:
                found.append(FieldProblem((role, "personal_id"), str(error)))
            if parent.date_of_birth >= self.child.date_of_birth:
                found.append(
                    FieldProblem(
                        (role, "date_of_birth"), f"the {role} must be born before the child"
                    )
                )
        if not self.residence.household_head_consent:
            found.append(
                FieldProblem(
                    ("residence", "household_head_consent"),
                    "the household head must agree to register the child",
                )
            )
        return found


# --- Form 02: death -------------------------------------------------------------------------


class DeceasedInfo(_Strict):
    """Người chết: checked by the civil registry against the population database."""

    full_name: Name = Field(examples=["Nguyễn Văn Bình"])
    date_of_birth: PastDate = Field(description="Ngày sinh.", examples=["1948-03-02"])
    sex: Sex = Field(description="Giới tính.", examples=["male"])
    personal_id: PersonalId


class PlaceOfDeath(_Strict):
    """Nơi chết."""

    commune_code: CommuneCode = Field(examples=["00070"])
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


class DeathNotice(_Strict):
    """Giấy báo tử (or the document replacing it), from the hospital, police or commune."""

    number: str = Field(
        min_length=1, max_length=50, description="Its number.", examples=["GBT-01-2026-000381"]
    )
    issuer: DeathNoticeIssuer = Field(description="Who issued it.", examples=["hospital"])
    issued_on: PastDate = Field(description="Ngày cấp.", examples=["2026-11-15"])


class BenefitClaim(_Strict):
    """Đề nghị hưởng trợ cấp mai táng / hỗ trợ chi phí mai táng."""

    requested: bool = Field(
        default=True, description="Whether a funeral benefit is claimed.", examples=[True]
    )
    disaster_death: bool = Field(
        default=False,
        description="Died in a natural disaster (thiên tai): support is 50× instead of 20×.",
        examples=[False],
    )


class DeathDossier(_Strict):
    """Form 02 — khai tử, xóa đăng ký thường trú and the funeral benefit in one declaration."""

    kind: Literal["death"] = Field(description="Procedure group.", examples=["death"])
    reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Client reference; resubmitting the same reference returns the same dossier.",
        examples=["HS-2026-000456"],
    )
    requester: RequesterInfo = Field(description="Người yêu cầu: a relative of the deceased.")
    deceased: DeceasedInfo = Field(description="Người chết.")
    date_of_death: PastDate = Field(
        description="Ngày chết; not in the future.", examples=["2026-11-15"]
    )
    place_of_death: PlaceOfDeath = Field(description="Nơi chết.")
    cause: str | None = Field(
        default=None, max_length=200, description="Nguyên nhân chết.", examples=["Bệnh già"]
    )
    death_notice: DeathNotice = Field(description="Giấy báo tử.")
    late_registration_reason: str | None = Field(
        default=None,
        max_length=500,
        description="Why the death is registered after the 15-day limit (khai tử quá hạn).",
        examples=["Gia đình ở xa, không kịp đăng ký"],
    )
    benefit_claim: BenefitClaim = Field(
        default_factory=BenefitClaim, description="The funeral benefit claim."
    )
    delivery: Delivery = Field(
        default_factory=Delivery, description="Hình thức nhận kết quả: how results are delivered."
    )

    def problems(self) -> list[FieldProblem]:
        """Cross-field checks, each tied to the field it is about (for a field-level 422)."""
        found: list[FieldProblem] = []
        deceased = self.deceased
        try:
            validate_personal_id(
                deceased.personal_id, sex=deceased.sex, date_of_birth=deceased.date_of_birth
            )
        except ValueError as error:
            found.append(FieldProblem(("deceased", "personal_id"), str(error)))
        if self.date_of_death < deceased.date_of_birth:
            found.append(
                FieldProblem(("date_of_death",), "the date of death is before the date of birth")
            )
        if self.death_notice.issued_on < self.date_of_death:
            found.append(
                FieldProblem(("death_notice", "issued_on"), "the death notice predates the death")
            )
        return found


DossierForm = Annotated[BirthDossier | DeathDossier, Field(discriminator="kind")]
"""Every kind of dossier the portal accepts, told apart by ``kind``."""
