"""The catalogue of refusal reasons (lý do từ chối), one stable code per reason, per agency.

Every ``…Rejected`` event carries a :class:`Reason` built from this catalogue, and the gateway
shows it unchanged, so testers can assert on ``code`` while people read ``message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel, Field


class Reason(BaseModel):
    """Why an agency refused a step: a stable code and the message for people."""

    code: str = Field(description="Stable reason code.", examples=["mother_not_found"])
    message: str = Field(
        description="English explanation.",
        examples=["The mother is not in the national population database."],
    )
    message_vi: str = Field(
        default="",
        description="Vietnamese explanation.",
        examples=["Không tìm thấy thông tin người mẹ trong CSDL quốc gia về dân cư."],
    )


@dataclass(frozen=True)
class ReasonCode:
    """One catalogue entry."""

    agency: str
    code: str
    message: str
    message_vi: str

    def reason(self, detail: str | None = None) -> Reason:
        """The event/REST form of this entry, with an optional case-specific detail appended."""
        suffix = f" ({detail})" if detail else ""
        return Reason(code=self.code, message=self.message + suffix, message_vi=self.message_vi)


def _entry(agency: str, code: str, message: str, message_vi: str) -> ReasonCode:
    return ReasonCode(agency=agency, code=code, message=message, message_vi=message_vi)


# --- civil_registry (hộ tịch) ---------------------------------------------------------------
MOTHER_NOT_FOUND: Final = _entry(
    "civil_registry",
    "mother_not_found",
    "The mother is not in the national population database.",
    "Không tìm thấy thông tin người mẹ trong CSDL quốc gia về dân cư.",
)
MOTHER_MISMATCH: Final = _entry(
    "civil_registry",
    "mother_data_mismatch",
    "The mother's name, date of birth or sex differ from the population database.",
    "Thông tin người mẹ không khớp với CSDL quốc gia về dân cư.",
)
FATHER_NOT_FOUND: Final = _entry(
    "civil_registry",
    "father_not_found",
    "The father is not in the national population database.",
    "Không tìm thấy thông tin người cha trong CSDL quốc gia về dân cư.",
)
FATHER_MISMATCH: Final = _entry(
    "civil_registry",
    "father_data_mismatch",
    "The father's name, date of birth or sex differ from the population database.",
    "Thông tin người cha không khớp với CSDL quốc gia về dân cư.",
)
PARENT_DECEASED: Final = _entry(
    "civil_registry",
    "parent_deceased_before_birth",
    "A parent is recorded as deceased before the child's date of birth.",
    "Cha hoặc mẹ đã được ghi nhận chết trước ngày sinh của trẻ.",
)
DUPLICATE_BIRTH: Final = _entry(
    "civil_registry",
    "duplicate_birth_registration",
    "This child's birth is already registered (same mother, name and date of birth).",
    "Trẻ đã được đăng ký khai sinh (trùng mẹ, họ tên và ngày sinh).",
)

# --- population (CSDL quốc gia về dân cư, cư trú) ----------------------------------------------
HOUSEHOLD_HEAD_NOT_FOUND: Final = _entry(
    "population",
    "household_head_not_found",
    "The household head is not a living citizen of the population database.",
    "Không tìm thấy chủ hộ trong CSDL quốc gia về dân cư.",
)
HOUSEHOLD_HEAD_ELSEWHERE: Final = _entry(
    "population",
    "household_head_not_in_commune",
    "The household head does not have permanent residence in the declared commune.",
    "Chủ hộ không đăng ký thường trú tại xã/phường đã khai.",
)
CITIZEN_ALREADY_REGISTERED: Final = _entry(
    "population",
    "citizen_already_registered",
    "A personal ID number was already issued for this birth registration.",
    "Đã cấp số định danh cá nhân cho đăng ký khai sinh này.",
)

# --- insurance (BHXH) ------------------------------------------------------------------------
NOT_UNDER_SIX: Final = _entry(
    "insurance",
    "not_under_six",
    "The child is not under 72 months old; the free child card (TE1) does not apply.",
    "Trẻ đã đủ 72 tháng tuổi, không thuộc đối tượng cấp thẻ BHYT trẻ em dưới 6 tuổi.",
)
CARD_ALREADY_ISSUED: Final = _entry(
    "insurance",
    "card_already_issued",
    "The child already holds a valid health insurance card.",
    "Trẻ đã có thẻ BHYT còn giá trị sử dụng.",
)

CATALOGUE: Final[dict[str, ReasonCode]] = {
    entry.code: entry
    for entry in (
        MOTHER_NOT_FOUND,
        MOTHER_MISMATCH,
        FATHER_NOT_FOUND,
        FATHER_MISMATCH,
        PARENT_DECEASED,
        DUPLICATE_BIRTH,
        HOUSEHOLD_HEAD_NOT_FOUND,
        HOUSEHOLD_HEAD_ELSEWHERE,
        CITIZEN_ALREADY_REGISTERED,
        NOT_UNDER_SIX,
        CARD_ALREADY_ISSUED,
    )
}
