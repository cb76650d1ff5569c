"""Events the gateway (Cổng Dịch vụ công) publishes: a dossier has been received.

The event is not the form. It carries what the agencies need of the declaration, validated
structurally only, and the date the portal received it — the date every agency rule that counts
days (registration windows, "not in the future") counts to. Requester, delivery and the client's
reference stay at the gateway.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final, Self

from pydantic import AwareDatetime, BaseModel, Field

from lienthong.contracts.declarations import (
    BenefitClaim,
    BirthCertificateMedium,
    ChildInfo,
    DeathNotice,
    DeceasedInfo,
    HealthInsuranceRequest,
    ParentInfo,
    PlaceOfDeath,
    ResidenceRequest,
)
from lienthong.contracts.envelope import event_type
from lienthong.contracts.forms import BirthDossier, DeathDossier

SOURCE: Final = "gateway"
BIRTH_DOSSIER_SUBMITTED: Final = event_type(SOURCE, "birth_dossier_submitted")
DEATH_DOSSIER_SUBMITTED: Final = event_type(SOURCE, "death_dossier_submitted")


class _Submitted(BaseModel):
    """What every received dossier's event carries: its id and when the portal received it."""

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ).", examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"]
    )
    received_at: AwareDatetime = Field(
        description="When the portal received the dossier (simulated time, UTC): the day "
        "agencies count their windows to.",
        examples=["2026-11-16T02:30:00Z"],
    )

    @classmethod
    def from_form(
        cls, dossier_id: str, received_at: datetime, form: BirthDossier | DeathDossier
    ) -> Self:
        """The declaration of a received form, as the agencies get it: the fields they need."""
        carried = {name: getattr(form, name) for name in cls.model_fields if hasattr(form, name)}
        return cls(**carried, dossier_id=dossier_id, received_at=received_at)


class BirthDossierSubmitted(_Submitted):
    """Form 01 was accepted by the portal: the civil registry is to register the birth."""

    child: ChildInfo = Field(description="Người được khai sinh.")
    mother: ParentInfo = Field(description="Mẹ.")
    father: ParentInfo | None = Field(default=None, description="Cha, when declared.")
    medical_birth_certificate_number: str = Field(
        description="Giấy chứng sinh from the hospital.", examples=["GCS-01-2026-004512"]
    )
    medical_birth_certificate_medium: BirthCertificateMedium = Field(
        default=BirthCertificateMedium.ELECTRONIC,
        description="electronic (checked against the health facility's register) or paper "
        "(the civil registry verifies it). Absent from events of earlier versions: electronic.",
        examples=["electronic"],
    )
    marriage_certificate_number: str | None = Field(
        default=None, description="Giấy chứng nhận kết hôn.", examples=["123/2020/KH"]
    )
    paternity_evidence: str | None = Field(
        default=None,
        description="Evidence of paternity for a declared father of unmarried parents.",
        examples=[None],
    )
    residence: ResidenceRequest = Field(description="Đăng ký thường trú requested.")
    health_insurance: HealthInsuranceRequest = Field(description="Cấp thẻ BHYT requested.")


class DeathDossierSubmitted(_Submitted):
    """Form 02 was accepted by the portal: the civil registry is to register the death."""

    deceased: DeceasedInfo = Field(description="Người chết.")
    date_of_death: date = Field(description="Ngày chết.", examples=["2026-11-15"])
    place_of_death: PlaceOfDeath = Field(description="Nơi chết: the commune and the place.")
    death_notice: DeathNotice = Field(description="Giấy báo tử.")
    late_registration_reason: str | None = Field(
        default=None,
        description="Why the death is registered after the 15-day limit (khai tử quá hạn), "
        "when it is; null otherwise.",
        examples=["Gia đình ở xa, không kịp đăng ký"],
    )
    benefit_claim: BenefitClaim = Field(description="The funeral benefit claim.")
