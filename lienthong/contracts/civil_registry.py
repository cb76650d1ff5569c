"""Events of the civil registry (hộ tịch): birth registered or refused."""

from __future__ import annotations

from datetime import date
from typing import Final

from pydantic import BaseModel, Field

from lienthong.contracts.declarations import (
    BenefitClaim,
    BirthCertificateMedium,
    ChildInfo,
    DeceasedInfo,
    HealthInsuranceRequest,
    ParentInfo,
    PlaceOfDeath,
    ResidenceRequest,
)
from lienthong.contracts.envelope import event_type
from lienthong.contracts.reasons import Refusal

SOURCE: Final = "civil_registry"
BIRTH_REGISTERED: Final = event_type(SOURCE, "birth_registered")
BIRTH_REJECTED: Final = event_type(SOURCE, "birth_rejected")
BIRTH_RETURNED: Final = event_type(SOURCE, "birth_dossier_returned")
DEATH_REGISTERED: Final = event_type(SOURCE, "death_registered")
DEATH_REJECTED: Final = event_type(SOURCE, "death_rejected")


class BirthRegistered(BaseModel):
    """Đăng ký khai sinh done: the electronic birth certificate (Giấy khai sinh điện tử) exists.

    Carries what the next agencies need so nobody reads another agency's tables: the child and
    parents for the population database, the residence to register, and the BHYT request.
    """

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    registration_number: str = Field(
        description="Số đăng ký khai sinh in the civil register (sổ hộ tịch) of the registering "
        "commune: KS-<commune>-<year>-<serial of 6 digits>.",
        examples=["KS-00070-2026-000017"],
    )
    birth_certificate_number: str = Field(
        description="Number of the electronic birth certificate (Giấy khai sinh điện tử): "
        "GKS-<year>-<commune><serial of 6 digits>.",
        examples=["GKS-2026-00070000017"],
    )
    registered_on: date = Field(
        description="Ngày đăng ký: the day the birth was registered (Vietnam date).",
        examples=["2026-11-16"],
    )
    personal_id: str | None = Field(
        default=None,
        description="The child's personal ID number (số định danh cá nhân), obtained from the "
        "population database while registering and written on the birth certificate; 12 "
        "digits PPP G YY RRRRRR. Null on events of earlier versions, or when the population "
        "database does not number at registration: it then issues one at residence.",
        examples=["001226123456"],
    )
    registration_province_code: str = Field(
        description="Province of the registering commune; its code prefixes the child's ID number.",
        examples=["01"],
    )
    child: ChildInfo = Field(description="Người được khai sinh: the child, as registered.")
    mother: ParentInfo = Field(
        description="Mẹ: the mother, as checked against the population database."
    )
    father: ParentInfo | None = Field(
        default=None, description="Cha, when declared; null when the father is not declared."
    )
    residence: ResidenceRequest = Field(
        description="Đăng ký thường trú requested for the child: what the population database "
        "registers."
    )
    health_insurance: HealthInsuranceRequest = Field(
        description="Cấp thẻ BHYT requested for the child: what social insurance issues."
    )
    late_registration: bool = Field(
        default=False,
        description="Submitted after the legal limit of 60 days from the birth (đăng ký khai "
        "sinh quá hạn, Law on Civil Status 2014, art. 15); registered all the same. Absent "
        "from events of earlier versions: false.",
        examples=[False],
    )
    days_after_birth: int | None = Field(
        default=None,
        description="Days from the birth to the day the dossier was submitted; null on events "
        "of earlier versions.",
        examples=[14],
    )
    medical_birth_certificate_medium: BirthCertificateMedium = Field(
        default=BirthCertificateMedium.ELECTRONIC,
        description="The hospital's birth certificate the registration rests on: electronic "
        "(checked against the health facility's register) or paper. Absent from events of "
        "earlier versions: electronic.",
        examples=["electronic"],
    )
    verification_required: bool = Field(
        default=False,
        description="The civil registry verified a paper birth certificate (xác minh): the "
        "group's limit is 5 working days instead of 3. Absent from events of earlier "
        "versions: false.",
        examples=[False],
    )


class RequestedItem(BaseModel):
    """One document or field the requester must supply to complete a returned dossier."""

    field: str = Field(
        description="The form's field that completes it (a dotted path of Form 01 or 02).",
        examples=["marriage_certificate_number"],
    )
    message: str = Field(
        description="What is missing or inconsistent, in English.",
        examples=["A declared father needs the marriage certificate or evidence of paternity."],
    )
    message_vi: str = Field(
        description="The same, in Vietnamese (yêu cầu bổ sung).",
        examples=["Cần bổ sung giấy chứng nhận kết hôn hoặc chứng cứ chứng minh quan hệ cha con."],
    )


class BirthDossierReturned(BaseModel):
    """Trả hồ sơ để bổ sung: the birth dossier lacks documents; nothing is registered yet.

    The requester completes it through the portal within 7 working days (domain.md, birth
    step 5), or the dossier is rejected with ``not_completed_in_time``.
    """

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    returned_on: date = Field(
        description="The day the registry returned it (Vietnam date).", examples=["2026-11-16"]
    )
    items: list[RequestedItem] = Field(
        min_length=1, description="What the requester must supply, one entry per field."
    )


class BirthRejected(Refusal):
    """The civil registry refused to register the birth."""


class DeathRegistered(BaseModel):
    """Đăng ký khai tử done: the electronic death extract (Trích lục khai tử) exists.

    Population and insurance both react to it, in parallel.
    """

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    registration_number: str = Field(
        description="Số đăng ký khai tử in the civil register of the registering commune: "
        "KT-<commune>-<year>-<serial of 6 digits>.",
        examples=["KT-00070-2026-000003"],
    )
    death_extract_number: str = Field(
        description="Number of the electronic death extract (Trích lục khai tử): "
        "TLKT-<year>-<commune><serial of 6 digits>.",
        examples=["TLKT-2026-00070000003"],
    )
    registered_on: date = Field(
        description="Ngày đăng ký: the day the death was registered (Vietnam date).",
        examples=["2026-11-16"],
    )
    deceased: DeceasedInfo = Field(
        description="Người chết: the deceased, as checked against the population database."
    )
    date_of_death: date = Field(description="Ngày chết.", examples=["2026-11-15"])
    place_of_death: PlaceOfDeath = Field(
        description="Nơi chết: the commune and the place where the person died."
    )
    late_registration: bool = Field(
        description="Submitted after the legal limit of 15 days from the death (khai tử quá hạn, "
        "Law on Civil Status 2014, art. 33; a last day off moves to the next working day, Civil "
        "Code 2015, art. 148(5)); registered all the same.",
        examples=[False],
    )
    days_after_death: int = Field(
        description="Days from the death to the day the dossier was submitted.", examples=[1]
    )
    benefit_claim: BenefitClaim = Field(
        description="Đề nghị hưởng chế độ mai táng, carried to social insurance."
    )


class DeathRejected(Refusal):
    """The civil registry refused to register the death."""
