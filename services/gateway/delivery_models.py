"""API shapes of a dossier's delivery: how its results reach the requester, and which they are."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from lienthong.contracts.forms import DeliveryMethod

__all__ = ["DeliveryView", "ResultDocument"]


class ResultDocument(BaseModel):
    """One result the requester receives."""

    document: str = Field(
        description="birth_certificate (giấy khai sinh), residence_registration (thông báo đăng "
        "ký thường trú), health_insurance_card (thẻ BHYT), death_extract (trích lục khai tử), "
        "residence_removal (thông báo xóa đăng ký thường trú) or funeral_benefit_decision "
        "(quyết định trợ cấp / hỗ trợ mai táng).",
        examples=["birth_certificate"],
    )
    agency: str = Field(description="The agency that issued it.", examples=["civil_registry"])
    number: str | None = Field(
        description="Its number, where it has one (certificate, extract or card number).",
        examples=["GKS-2026-00070000017"],
    )
    form: Literal["electronic", "paper"] = Field(
        description="electronic (VNeID, e-mail) or paper (post, at the office).",
        examples=["electronic"],
    )


class DeliveryView(BaseModel):
    """How the results are delivered, and those issued so far."""

    method: DeliveryMethod = Field(
        description="The form's delivery.method: vneid, email, post or in_person.",
        examples=["vneid"],
    )
    electronic: bool = Field(
        description="True: the results are the electronic documents (VNeID, e-mail); false: "
        "paper copies (by post to the address, or collected at the office).",
        examples=[True],
    )
    address: str | None = Field(
        description="Where paper results are posted (method post); null otherwise.",
        examples=[None],
    )
    documents: list[ResultDocument] = Field(
        description="The results issued so far, in the order of the steps; each delivered as "
        "the method says.",
    )
