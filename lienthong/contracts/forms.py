"""The public forms: Form 01 (birth) and Form 02 (death), as the portal receives them.

This is the gateway's input contract. The models check structure; the checks that need today's
date or the reference data run at the gateway's door (``form_checks.py``). The event the gateway
publishes is not the form: it carries only the declaration the agencies need (``gateway.py``).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from lienthong.contracts.declarations import (
    BenefitClaim,
    BirthCertificateMedium,
    ChildInfo,
    DeathNotice,
    DeceasedInfo,
    HealthInsuranceRequest,
    Name,
    ParentInfo,
    PersonalId,
    PlaceOfDeath,
    ResidenceRequest,
    Strict,
)
from lienthong.contracts.text_fields import NfcText

__all__ = [
    "ELECTRONIC_DELIVERY",
    "BirthDossier",
    "DeathDossier",
    "Delivery",
    "DeliveryMethod",
    "DossierForm",
    "Relationship",
    "RequesterInfo",
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


ELECTRONIC_DELIVERY: frozenset[DeliveryMethod] = frozenset(
    {DeliveryMethod.VNEID, DeliveryMethod.EMAIL}
)
"""Methods that deliver the electronic documents; post and in_person deliver paper copies."""


class RequesterInfo(Strict):
    """Người yêu cầu: who submits the dossier."""

    full_name: Name = Field(
        description="Họ, chữ đệm và tên of the requester (NFC or NFD; stored in NFC).",
        examples=["Nguyễn Thị Lan"],
    )
    personal_id: PersonalId = Field(
        description="The requester's personal ID number (số định danh cá nhân), 12 digits.",
        examples=["001195012345"],
    )
    relationship: Relationship = Field(
        description="Quan hệ với người được khai sinh / người chết: the requester's relationship "
        "to the child (Form 01) or to the deceased (Form 02).",
        examples=["mother"],
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


class Delivery(Strict):
    """Hình thức nhận kết quả."""

    method: DeliveryMethod = Field(
        default=DeliveryMethod.VNEID, description="Delivery channel.", examples=["vneid"]
    )
    address: Annotated[str, NfcText(max_length=300)] | None = Field(
        default=None,
        description="Postal address the paper results are sent to; required when method is post.",
        examples=["Số 12, phố Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"],
    )

    @model_validator(mode="after")
    def _post_needs_an_address(self) -> Self:
        """Results by post without an address would be lost: refused at the door."""
        if self.method == DeliveryMethod.POST and not (self.address or "").strip():
            raise ValueError("address is required when method is post")
        return self


class BirthDossier(Strict):
    """Form 01 — one declaration for three procedures (khai sinh, thường trú, BHYT)."""

    kind: Literal["birth"] = Field(description="Procedure group.", examples=["birth"])
    reference: Annotated[str, NfcText(max_length=100, min_length=1)] | None = Field(
        default=None,
        description="Client reference; resubmitting the same reference returns the same dossier.",
        examples=["HS-2026-000123"],
    )
    requester: RequesterInfo = Field(
        description="Người yêu cầu: who submits the dossier, a parent or relative of the child."
    )
    child: ChildInfo = Field(description="Người được khai sinh: the child whose birth it is.")
    mother: ParentInfo = Field(description="Mẹ (required).")
    father: ParentInfo | None = Field(default=None, description="Cha (optional).")
    marriage_certificate_number: Annotated[str, NfcText(max_length=50)] | None = Field(
        default=None,
        description="Giấy chứng nhận kết hôn.",
        examples=["123/2020/KH"],
    )
    paternity_evidence: Annotated[str, NfcText(max_length=200, min_length=1)] | None = Field(
        default=None,
        description="Chứng cứ chứng minh quan hệ cha con (e.g. a DNA test report's number) when "
        "a father is declared and the parents are not married: without it, or the marriage "
        "certificate, the dossier is returned for completion (Decree 123/2015/NĐ-CP art. 15).",
        examples=["XN-ADN-2026-0153"],
    )
    medical_birth_certificate_number: Annotated[str, NfcText(max_length=50, min_length=1)] = Field(
        description="Number of the birth certificate from the hospital (giấy chứng sinh).",
        examples=["GCS-01-2026-004512"],
    )
    medical_birth_certificate_medium: BirthCertificateMedium = Field(
        default=BirthCertificateMedium.ELECTRONIC,
        description="electronic: sent by the health facility over the linkage and checked "
        "against its register; paper: the civil registry verifies it, and the group's limit "
        "becomes 5 working days instead of 3.",
        examples=["electronic"],
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


class DeathDossier(Strict):
    """Form 02 — khai tử, xóa đăng ký thường trú and the funeral benefit in one declaration."""

    kind: Literal["death"] = Field(description="Procedure group.", examples=["death"])
    reference: Annotated[str, NfcText(max_length=100, min_length=1)] | None = Field(
        default=None,
        description="Client reference; resubmitting the same reference returns the same dossier.",
        examples=["HS-2026-000456"],
    )
    requester: RequesterInfo = Field(description="Người yêu cầu: a relative of the deceased.")
    deceased: DeceasedInfo = Field(description="Người chết.")
    date_of_death: date = Field(
        description="Ngày chết; not in the future.", examples=["2026-11-15"]
    )
    place_of_death: PlaceOfDeath = Field(
        description="Nơi chết: the commune and the place where the person died."
    )
    cause: Annotated[str, NfcText(max_length=200)] | None = Field(
        default=None, description="Nguyên nhân chết.", examples=["Bệnh già"]
    )
    death_notice: DeathNotice = Field(description="Giấy báo tử.")
    late_registration_reason: Annotated[str, NfcText(max_length=500)] | None = Field(
        default=None,
        description="Why the death is registered after the 15-day limit (khai tử quá hạn).",
        examples=["Gia đình ở xa, không kịp đăng ký"],
    )
    benefit_claim: BenefitClaim = Field(
        default_factory=BenefitClaim, description="The funeral benefit claim."
    )
    delivery: Delivery = Field(
        default_factory=Delivery, description="Hình thức nhận kết quả: how results are delivered."
    )


DossierForm = Annotated[BirthDossier | DeathDossier, Field(discriminator="kind")]
"""Every kind of dossier the portal accepts, told apart by ``kind``."""
