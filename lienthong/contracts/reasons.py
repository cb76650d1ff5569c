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

    code: str = Field(
        description="Stable reason code from the catalogue (GET /api/v1/reasons): what tests "
        "assert on.",
        examples=["mother_not_found"],
    )
    message: str = Field(
        description="English explanation, with the case's detail in parentheses when there is one.",
        examples=["The mother is not in the national population database."],
    )
    message_vi: str = Field(
        default="",
        description="Vietnamese explanation (lý do từ chối).",
        examples=["Không tìm thấy thông tin người mẹ trong CSDL quốc gia về dân cư."],
    )


class Refusal(BaseModel):
    """Base of every agency refusal event: which dossier, and why (a stable reason code).

    The gateway reads ``reason`` from this base, so every refusal carries it under that name.
    """

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave the dossier: the same on every event "
        "of its chain.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    reason: Reason = Field(description="Why the agency refused: a stable code and messages.")


@dataclass(frozen=True)
class ReasonCode:
    """One catalogue entry."""

    agency: str
    code: str
    message: str
    message_vi: str
    flow: str | None = None
    """The flow whose step it refuses (``birth`` or ``death``); None for either (a fault's)."""

    def reason(self, detail: str | None = None) -> Reason:
        """The event/REST form of this entry, with an optional case-specific detail appended."""
        suffix = f" ({detail})" if detail else ""
        return Reason(code=self.code, message=self.message + suffix, message_vi=self.message_vi)


CATALOGUE: Final[dict[str, ReasonCode]] = {}
"""Every reason by code; codes are unique across agencies."""


def _entry(
    agency: str, code: str, message: str, message_vi: str, *, flow: str | None = None
) -> ReasonCode:
    if code in CATALOGUE:
        raise ValueError(f"reason code {code!r} declared twice")
    entry = ReasonCode(agency=agency, code=code, message=message, message_vi=message_vi, flow=flow)
    CATALOGUE[code] = entry
    return entry


def by_agency(agency: str) -> list[ReasonCode]:
    """The catalogue of one agency, in declaration order."""
    return [entry for entry in CATALOGUE.values() if entry.agency == agency]


# --- civil_registry (hộ tịch) ---------------------------------------------------------------
MOTHER_NOT_FOUND: Final = _entry(
    "civil_registry",
    "mother_not_found",
    "The mother is not in the national population database.",
    "Không tìm thấy thông tin người mẹ trong CSDL quốc gia về dân cư.",
    flow="birth",
)
MOTHER_MISMATCH: Final = _entry(
    "civil_registry",
    "mother_data_mismatch",
    "The mother's name, date of birth or sex differ from the population database.",
    "Thông tin người mẹ không khớp với CSDL quốc gia về dân cư.",
    flow="birth",
)
NOT_COMPLETED_IN_TIME: Final = _entry(
    "civil_registry",
    "not_completed_in_time",
    "The dossier was returned for completion and not completed in the time allowed "
    "(7 working days).",
    "Hồ sơ đã được trả để bổ sung nhưng không được bổ sung trong thời hạn (07 ngày làm việc).",
)
FATHER_NOT_FOUND: Final = _entry(
    "civil_registry",
    "father_not_found",
    "The father is not in the national population database.",
    "Không tìm thấy thông tin người cha trong CSDL quốc gia về dân cư.",
    flow="birth",
)
FATHER_MISMATCH: Final = _entry(
    "civil_registry",
    "father_data_mismatch",
    "The father's name, date of birth or sex differ from the population database.",
    "Thông tin người cha không khớp với CSDL quốc gia về dân cư.",
    flow="birth",
)
PARENT_DECEASED: Final = _entry(
    "civil_registry",
    "parent_deceased_before_birth",
    "The mother is recorded as deceased before the child's date of birth, or the father more "
    "than 300 days before it (Law on Marriage and Family 2014, art. 88).",
    "Mẹ đã được ghi nhận chết trước ngày sinh của trẻ, hoặc cha đã chết trước ngày sinh quá 300 "
    "ngày (Điều 88 Luật Hôn nhân và gia đình 2014).",
    flow="birth",
)
DUPLICATE_BIRTH: Final = _entry(
    "civil_registry",
    "duplicate_birth_registration",
    "This child's birth is already registered (same mother, name and date of birth).",
    "Trẻ đã được đăng ký khai sinh (trùng mẹ, họ tên và ngày sinh).",
    flow="birth",
)

DECEASED_NOT_FOUND: Final = _entry(
    "civil_registry",
    "deceased_not_found",
    "The deceased is not in the national population database.",
    "Không tìm thấy người chết trong CSDL quốc gia về dân cư.",
    flow="death",
)
DECEASED_MISMATCH: Final = _entry(
    "civil_registry",
    "deceased_data_mismatch",
    "The deceased's name, date of birth or sex differ from the population database.",
    "Thông tin người chết không khớp với CSDL quốc gia về dân cư.",
    flow="death",
)
ALREADY_DECEASED: Final = _entry(
    "civil_registry",
    "already_deceased",
    "The person is already recorded as deceased.",
    "Người này đã được ghi nhận là đã chết.",
    flow="death",
)
DEATH_ALREADY_REGISTERED: Final = _entry(
    "civil_registry",
    "death_already_registered",
    "A death is already registered for this person.",
    "Người này đã được đăng ký khai tử.",
    flow="death",
)
DEATH_BEFORE_BIRTH: Final = _entry(
    "civil_registry",
    "death_before_birth",
    "The date of death is before the date of birth.",
    "Ngày chết trước ngày sinh.",
    flow="death",
)
DEATH_IN_FUTURE: Final = _entry(
    "civil_registry",
    "death_date_in_future",
    "The date of death is after the registration date.",
    "Ngày chết sau ngày đăng ký.",
    flow="death",
)

# --- population (CSDL quốc gia về dân cư, cư trú) ----------------------------------------------
HOUSEHOLD_HEAD_NOT_FOUND: Final = _entry(
    "population",
    "household_head_not_found",
    "The household head is not a living citizen of the population database.",
    "Không tìm thấy chủ hộ trong CSDL quốc gia về dân cư.",
    flow="birth",
)
HOUSEHOLD_HEAD_ELSEWHERE: Final = _entry(
    "population",
    "household_head_not_in_commune",
    "The household head does not have permanent residence in the declared commune.",
    "Chủ hộ không đăng ký thường trú tại xã/phường đã khai.",
    flow="birth",
)
CITIZEN_ALREADY_REGISTERED: Final = _entry(
    "population",
    "citizen_already_registered",
    "A personal ID number was already issued for this birth registration.",
    "Đã cấp số định danh cá nhân cho đăng ký khai sinh này.",
    flow="birth",
)

CITIZEN_NOT_FOUND: Final = _entry(
    "population",
    "citizen_not_found",
    "No citizen has this personal ID number.",
    "Không tìm thấy công dân có số định danh cá nhân này.",
    flow="death",
)
CITIZEN_ALREADY_DECEASED: Final = _entry(
    "population",
    "citizen_already_deceased",
    "The citizen is already recorded as deceased.",
    "Công dân đã được ghi nhận là đã chết.",
    flow="death",
)

# --- insurance (BHXH) ------------------------------------------------------------------------
NOT_UNDER_SIX: Final = _entry(
    "insurance",
    "not_under_six",
    "The child is past 72 months and past the card's last day (30/9 of the year they turned "
    "72 months, or the end of that month); the free child card (TE1) does not apply.",
    "Trẻ đã đủ 72 tháng tuổi và đã quá thời hạn sử dụng thẻ (30/9 của năm đủ 72 tháng tuổi "
    "hoặc cuối tháng đủ 72 tháng tuổi), không thuộc đối tượng cấp thẻ BHYT trẻ em dưới 6 tuổi.",
    flow="birth",
)
CARD_ALREADY_ISSUED: Final = _entry(
    "insurance",
    "card_already_issued",
    "The child already holds a valid health insurance card.",
    "Trẻ đã có thẻ BHYT còn giá trị sử dụng.",
    flow="birth",
)

NOT_INSURED: Final = _entry(
    "insurance",
    "not_insured",
    "No social insurance contributions, no pension and no social assistance: no funeral benefit.",
    "Không tham gia BHXH, không hưởng lương hưu, không hưởng trợ giúp xã hội: không có chế độ "
    "mai táng.",
    flow="death",
)
INSUFFICIENT_CONTRIBUTIONS: Final = _entry(
    "insurance",
    "insufficient_contributions",
    "Contributions are below the minimum for the funeral allowance.",
    "Thời gian đóng BHXH chưa đủ điều kiện hưởng trợ cấp mai táng.",
    flow="death",
)
BENEFIT_NOT_CLAIMED: Final = _entry(
    "insurance",
    "benefit_not_claimed",
    "No funeral benefit was claimed.",
    "Không đề nghị hưởng chế độ mai táng.",
    flow="death",
)
BENEFIT_ALREADY_DECIDED: Final = _entry(
    "insurance",
    "benefit_already_decided",
    "A funeral benefit was already decided for this person.",
    "Đã giải quyết chế độ mai táng cho người này.",
    flow="death",
)

# --- faults injected by testers (lỗi giả lập, see lienthong.contracts.faults) -------------------


def _signature_invalid(agency: str) -> ReasonCode:
    return _entry(
        agency,
        f"{agency}_signature_invalid",
        f"The digital signature on the {agency.replace('_', ' ')}'s result failed verification.",
        "Chữ ký số trên kết quả giải quyết không hợp lệ (lỗi chữ ký số).",
    )


CIVIL_REGISTRY_SIGNATURE_INVALID: Final = _signature_invalid("civil_registry")
POPULATION_SIGNATURE_INVALID: Final = _signature_invalid("population")
INSURANCE_SIGNATURE_INVALID: Final = _signature_invalid("insurance")
SIGNATURE_INVALID: Final[dict[str, ReasonCode]] = {
    entry.agency: entry
    for entry in (
        CIVIL_REGISTRY_SIGNATURE_INVALID,
        POPULATION_SIGNATURE_INVALID,
        INSURANCE_SIGNATURE_INVALID,
    )
}
"""The reports' "lỗi chữ ký số": one code per agency (codes are unique across agencies)."""

POPULATION_DATA_MISMATCH: Final = _entry(
    "population",
    "population_data_mismatch",
    "The population database's record disagrees with the dossier.",
    "Dữ liệu trong CSDL quốc gia về dân cư không khớp với hồ sơ.",
)
INSURANCE_DATA_MISMATCH: Final = _entry(
    "insurance",
    "insurance_data_mismatch",
    "The social insurance record disagrees with the dossier.",
    "Dữ liệu BHXH không khớp với hồ sơ.",
)
DATA_MISMATCH: Final[dict[tuple[str, str], ReasonCode]] = {
    ("civil_registry", "birth"): MOTHER_MISMATCH,
    ("civil_registry", "death"): DECEASED_MISMATCH,
    ("population", "birth"): POPULATION_DATA_MISMATCH,
    ("population", "death"): POPULATION_DATA_MISMATCH,
    ("insurance", "birth"): INSURANCE_DATA_MISMATCH,
    ("insurance", "death"): INSURANCE_DATA_MISMATCH,
}
"""The reports' "dữ liệu bị sai lệch", by agency and flow: the civil registry's existing
``*_data_mismatch`` reasons, and one per agency for the others."""
