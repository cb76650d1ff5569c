"""Events of the civil registry (hộ tịch): birth registered or refused."""

from __future__ import annotations

from datetime import date
from typing import Final

from pydantic import BaseModel, Field

from lienthong.contracts.declarations import (
    BenefitClaim,
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
DEATH_REGISTERED: Final = event_type(SOURCE, "death_registered")
DEATH_REJECTED: Final = event_type(SOURCE, "death_rejected")


class BirthRegistered(BaseModel):
    """Đăng ký khai sinh done: the electronic birth certificate (Giấy khai sinh điện tử) exists.

    Carries what the next agencies need so nobody reads another agency's tables: the child and
    parents for the population database, the residence to register, and the BHYT request.
    """

    dossier_id: str = Field(description="Dossier id.")
    registration_number: str = Field(
        description="Số đăng ký khai sinh in the commune's register.",
        examples=["KS-00070-2026-000017"],
    )
    birth_certificate_number: str = Field(
        description="Electronic birth certificate number.", examples=["GKS-2026-0000017"]
    )
    registered_on: date = Field(description="Ngày đăng ký.")
    registration_province_code: str = Field(
        description="Province of the registering commune; its code prefixes the child's ID number.",
        examples=["01"],
    )
    child: ChildInfo
    mother: ParentInfo
    father: ParentInfo | None = None
    residence: ResidenceRequest
    health_insurance: HealthInsuranceRequest


class BirthRejected(Refusal):
    """The civil registry refused to register the birth."""


class DeathRegistered(BaseModel):
    """Đăng ký khai tử done: the electronic death extract (Trích lục khai tử) exists.

    Population and insurance both react to it, in parallel.
    """

    dossier_id: str = Field(description="Dossier id.")
    registration_number: str = Field(
        description="Số đăng ký khai tử.", examples=["KT-00070-2026-000003"]
    )
    death_extract_number: str = Field(
        description="Electronic death extract number.", examples=["TLKT-2026-00070000003"]
    )
    registered_on: date = Field(description="Ngày đăng ký.")
    deceased: DeceasedInfo
    date_of_death: date
    place_of_death: PlaceOfDeath
    late_registration: bool = Field(
        description="Registered after the legal limit (khai tử quá hạn)."
    )
    days_after_death: int = Field(description="Days between death and registration.")
    benefit_claim: BenefitClaim


class DeathRejected(Refusal):
    """The civil registry refused to register the death."""
