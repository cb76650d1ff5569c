"""Events of social insurance (BHXH Việt Nam)."""

from __future__ import annotations

from datetime import date
from typing import Final

from pydantic import BaseModel, Field

from lienthong.contracts.envelope import event_type
from lienthong.contracts.reasons import Reason

SOURCE: Final = "insurance"
CARD_ISSUED: Final = event_type(SOURCE, "health_card_issued")
CARD_REJECTED: Final = event_type(SOURCE, "health_card_rejected")


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


class HealthCardRejected(BaseModel):
    """Social insurance refused the card."""

    dossier_id: str = Field(description="Dossier id.")
    reason: Reason
