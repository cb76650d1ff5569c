"""Events of social insurance (BHXH Việt Nam)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, Field

from lienthong.contracts.envelope import event_type
from lienthong.contracts.reasons import Reason, Refusal

SOURCE: Final = "insurance"
CARD_ISSUED: Final = event_type(SOURCE, "health_card_issued")
CARD_REJECTED: Final = event_type(SOURCE, "health_card_rejected")
FUNERAL_BENEFIT_DECIDED: Final = event_type(SOURCE, "funeral_benefit_decided")
FUNERAL_BENEFIT_REJECTED: Final = event_type(SOURCE, "funeral_benefit_rejected")


class HealthCardIssued(BaseModel):
    """A child's health insurance card (thẻ BHYT trẻ em dưới 6 tuổi) was issued."""

    dossier_id: str = Field(description="Dossier id.")
    personal_id: str = Field(description="The insured child's personal ID number.")
    card_code: str = Field(
        description="15-character card code, TE1 + province + 10 digits.",
        examples=["TE1010123456789"],
    )
    valid_from: date
    valid_until: date = Field(description="Until 72 months old (or 30/9 of that year).")
    initial_clinic_code: str = Field(examples=["01001"])


class HealthCardRejected(Refusal):
    """Social insurance refused the card."""


class Benefit(StrEnum):
    """Which funeral benefit was granted."""

    FUNERAL_ALLOWANCE = "funeral_allowance"
    """Trợ cấp mai táng (BHXH): 10 × the reference level."""
    FUNERAL_SUPPORT = "funeral_support"
    """Hỗ trợ chi phí mai táng (social assistance): 20 × the standard level, 50 × in disasters."""
    NONE = "none"


class FuneralBenefitDecided(BaseModel):
    """The funeral benefit decision (granted or denied) and the end of the deceased's cards."""

    dossier_id: str = Field(description="Dossier id.")
    personal_id: str
    benefit: Benefit = Field(examples=["funeral_allowance"])
    amount_vnd: int = Field(ge=0, description="Amount granted, VND.", examples=[25_300_000])
    basis: str = Field(description="What the decision rests on.", examples=["pensioner"])
    reason: Reason | None = Field(default=None, description="Why nothing was granted.")
    cards_ended: list[str] = Field(default_factory=list, description="BHYT cards ended.")


class FuneralBenefitRejected(Refusal):
    """Insurance refused to process the claim at all (e.g. a second claim for one death)."""
