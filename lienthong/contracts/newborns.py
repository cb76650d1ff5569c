"""The REST exchange that puts the child's personal ID number on the birth certificate.

Domain primer, lines 24–26: while registering a birth the civil registry obtains the child's số
định danh cá nhân from the population database, which allocates it and records the newborn; the
number is written on the birth registration and the electronic birth certificate, and the later
steps (thường trú, thẻ BHYT) use it. So the civil registry calls
``POST /api/v1/citizens/newborns`` on the population service inside its registration, and the
population service answers with the number.

The call is idempotent per dossier: a registration retried (a crash, a rolled-back batch, a
second instance deciding the same dossier) gets the number issued the first time, never a
second one.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from lienthong.contracts.declarations import PersonalId, Strict
from lienthong.domain.personal_id import Sex

__all__ = ["IssuedNumber", "NewbornNumbers", "NewbornNumbersIssued", "NewbornRequest"]


class NewbornRequest(Strict):
    """One child whose birth the civil registry is registering now."""

    dossier_id: str = Field(
        min_length=1,
        max_length=100,
        description="Dossier id (mã hồ sơ) of the birth: asking again for it returns the same "
        "number.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    family_name: str = Field(
        min_length=1, max_length=100, description="Họ of the child, NFC.", examples=["Trần"]
    )
    middle_name: str = Field(
        default="", max_length=100, description="Chữ đệm, NFC; may be empty.", examples=["Minh"]
    )
    given_name: str = Field(
        min_length=1, max_length=100, description="Tên of the child, NFC.", examples=["An"]
    )
    sex: Sex = Field(description="Giới tính of the child (the G digit).", examples=["male"])
    date_of_birth: date = Field(
        description="Ngày sinh of the child (the YY digits).", examples=["2026-11-02"]
    )
    birth_province_code: str = Field(
        pattern=r"^\d{2}$",
        description="2-digit code of the province registering the birth (the PPP digits).",
        examples=["01"],
    )
    mother_personal_id: PersonalId = Field(
        description="The mother's personal ID number: with the name and date of birth, what makes "
        "a birth one birth (the number's random digits are drawn from them)."
    )
    father_personal_id: PersonalId | None = Field(
        default=None,
        description="The father's personal ID number, when declared.",
        examples=["001200842560"],
    )

    @property
    def full_name(self) -> str:
        """Họ, chữ đệm và tên joined by single spaces."""
        return " ".join(
            part for part in (self.family_name, self.middle_name, self.given_name) if part
        )


class NewbornNumbers(Strict):
    """The births of one call (a registry batch may name several)."""

    births: list[NewbornRequest] = Field(
        min_length=1,
        max_length=1000,
        description="The children to number, at most 1,000 a call.",
    )


class IssuedNumber(BaseModel):
    """The number a child was given."""

    dossier_id: str = Field(
        description="The dossier id of the request.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    personal_id: str = Field(
        description="Số định danh cá nhân issued to the child, 12 digits PPP G YY RRRRRR.",
        examples=["001226123456"],
    )
    already_issued: bool = Field(
        description="True when this dossier had been given the number before (a retry).",
        examples=[False],
    )


class NewbornNumbersIssued(BaseModel):
    """The answer: one number per child asked for, in the order asked."""

    issued: list[IssuedNumber] = Field(description="One entry per birth of the request.")
