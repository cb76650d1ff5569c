"""Events of social insurance (BHXH Việt Nam)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Final

from pydantic import BaseModel, Field

from lienthong.contracts.envelope import event_type
from lienthong.contracts.reasons import Reason, Refusal

SOURCE: Final = "insurance"
CARD_ISSUED: Final = event_type(SOURCE, "health_card_issued")
CARD_ISSUED_V2: Final = event_type(SOURCE, "health_card_issued", 2)
CARD_REJECTED: Final = event_type(SOURCE, "health_card_rejected")
FUNERAL_BENEFIT_DECIDED: Final = event_type(SOURCE, "funeral_benefit_decided")
FUNERAL_BENEFIT_REJECTED: Final = event_type(SOURCE, "funeral_benefit_rejected")


ValidFrom = Annotated[
    date,
    Field(
        description="First day of validity: the day of issue (not before the birth).",
        examples=["2026-11-17"],
    ),
]
ValidUntil = Annotated[
    date,
    Field(
        description="Last day of validity: until the child is 72 months old (born before 30/9: "
        "30/9 of that year; otherwise the end of the month they turn 72 months).",
        examples=["2032-11-30"],
    ),
]
InitialClinicCode = Annotated[
    str,
    Field(
        description="Nơi đăng ký khám chữa bệnh ban đầu: the initial clinic's 5-digit code "
        "(2-digit province + 3).",
        examples=["01001"],
    ),
]
"""A card's validity and clinic, the same in every version of the card event."""


class HealthCardIssued(BaseModel):
    """A child's health insurance card (thẻ BHYT trẻ em dưới 6 tuổi) was issued."""

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    personal_id: str = Field(
        description="The insured child's personal ID number (số định danh cá nhân), 12 digits: "
        "since 1/8/2025 the insured person's key.",
        examples=["001226123456"],
    )
    card_code: str = Field(
        description="Mã thẻ BHYT, 15 characters: TE1 (group TE, children under 6, benefit level "
        "1) + 2-digit province + the 10-digit BHXH number.",
        examples=["TE1010123456789"],
    )
    valid_from: ValidFrom
    valid_until: ValidUntil
    initial_clinic_code: InitialClinicCode


class ChildHealthCard(BaseModel):
    """A child's BHYT card as an attribute of the insured person (thẻ BHYT trẻ em dưới 6 tuổi)."""

    legacy_code: str = Field(
        min_length=15,
        max_length=15,
        description="The 15-character card code of Decision 1351/QĐ-BHXH, kept as an attribute "
        "since 1/8/2025: 2-letter beneficiary group + benefit level digit + 2-digit province + "
        "the 10-digit BHXH number.",
        examples=["TE1010123456789"],
    )
    beneficiary_group: str = Field(
        min_length=2,
        max_length=2,
        description="Nhóm đối tượng, the code's first two letters: TE for children under 6.",
        examples=["TE"],
    )
    benefit_level: int = Field(
        ge=1,
        le=5,
        description="Mức hưởng, the code's third character: 1 (100% coverage) for children "
        "under 6.",
        examples=[1],
    )
    province_code: str = Field(
        description="Province (2-digit code) whose BHXH office issued the card: the child's "
        "residence, also the code's 4th and 5th characters.",
        examples=["01"],
    )
    valid_from: ValidFrom
    valid_until: ValidUntil
    initial_clinic_code: InitialClinicCode


class HealthCardIssuedV2(BaseModel):
    """A child's BHYT card was issued, keyed by the insured person (version 2).

    Since 1/8/2025 the personal ID number (số định danh cá nhân) is the insured person's key
    (mã số BHYT) and the 15-character code only an attribute of the card. Version 2 says so:
    the identity is ``insured_id`` and the card is a nested object. A version-1 consumer requires
    the top-level ``card_code`` and ``personal_id``, so this shape would break it: it is a new
    event type (``health_card_issued.v2``) next to version 1, not a change of version 1. During
    a rolling upgrade consumers learn v2 first, then producers switch (``CARD_EVENT_VERSION``).

    The Kafka message key stays the dossier id, as for every event: the gateway orders a
    dossier's hops by it, whichever version carries them.
    """

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    insured_id: str = Field(
        pattern=r"^[0-9]{12}$",
        description="Mã số BHYT of the insured child: their personal ID number (số định danh cá "
        "nhân), 12 digits, the insured person's key since 1/8/2025.",
        examples=["001226123456"],
    )
    card: ChildHealthCard = Field(
        description="The card issued to the insured child: its legacy 15-character code, group, "
        "benefit level, province, validity and initial clinic."
    )


class HealthCardRejected(Refusal):
    """Social insurance refused the card."""


class Benefit(StrEnum):
    """Which funeral benefit was granted."""

    FUNERAL_ALLOWANCE = "funeral_allowance"
    """Trợ cấp mai táng (BHXH): 10 × the reference level."""
    FUNERAL_SUPPORT = "funeral_support"
    """Hỗ trợ chi phí mai táng (social assistance): 20 × the standard level, 50 × for a death
    by a cause of Decree 20/2021 art. 14 (disaster, fire, traffic or serious labour accident…)."""
    NONE = "none"


class FuneralBenefitDecided(BaseModel):
    """The funeral benefit decision (granted or denied) and the end of the deceased's cards."""

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    personal_id: str = Field(
        description="Personal ID number of the deceased, 12 digits.", examples=["001048012345"]
    )
    benefit: Benefit = Field(
        description="Which benefit was granted: funeral_allowance (trợ cấp mai táng, BHXH), "
        "funeral_support (hỗ trợ chi phí mai táng, social assistance) or none.",
        examples=["funeral_allowance"],
    )
    amount_vnd: int = Field(
        ge=0,
        description="Amount granted, in VND: 10 × the reference level (mức tham chiếu) on the "
        "month of death for the allowance, 20 × (50 × for a death by natural disaster, fire, "
        "traffic accident, serious labour accident or other force majeure) the standard "
        "assistance level for the support, 0 for none.",
        examples=[25_300_000],
    )
    basis: str = Field(
        description="What the decision rests on: pensioner, N months of compulsory or voluntary "
        "contributions (currently contributing, under the 2014 law), social assistance "
        "beneficiary, death by a cause of Decree 20/2021 art. 14, or why nothing.",
        examples=["pensioner"],
    )
    reason: Reason | None = Field(
        default=None, description="Why nothing was granted (benefit none); null otherwise."
    )
    cards_ended: list[str] = Field(
        default_factory=list,
        description="Codes of the deceased's BHYT cards ended on the date of death.",
        examples=[[], ["TE1010123456789"]],
    )


class FuneralBenefitRejected(Refusal):
    """Insurance refused to process the claim at all (e.g. a second claim for one death)."""
