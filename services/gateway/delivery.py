"""How a dossier's results reach the requester (hình thức nhận kết quả), and which they are.

The form's ``delivery.method`` decides it: VNeID and e-mail deliver the electronic documents
(giấy khai sinh điện tử, trích lục khai tử điện tử…); post and collection at the office deliver
them on paper (bản giấy). A document is listed once its agency has issued it, so a tester reads
what the requester has received so far and in which form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from lienthong.contracts.forms import ELECTRONIC_DELIVERY, DeliveryMethod
from lienthong.contracts.services import CIVIL_REGISTRY, INSURANCE, POPULATION
from services.gateway.delivery_models import DeliveryView, ResultDocument
from services.gateway.models import DossierStep
from services.gateway.tracker import StepStatus

__all__ = ["delivery_of"]


@dataclass(frozen=True)
class _Issued:
    document: str
    number_key: str | None
    """The key of the step's result that holds the document's number."""


ISSUED: Final[Mapping[tuple[str, str], _Issued]] = {
    ("birth", CIVIL_REGISTRY): _Issued("birth_certificate", "birth_certificate_number"),
    ("birth", POPULATION): _Issued("residence_registration", "household_id"),
    ("birth", INSURANCE): _Issued("health_insurance_card", "card_code"),
    ("death", CIVIL_REGISTRY): _Issued("death_extract", "death_extract_number"),
    ("death", POPULATION): _Issued("residence_removal", None),
    ("death", INSURANCE): _Issued("funeral_benefit_decision", None),
}
"""(flow, agency) → the document a done step issues."""


def delivery_of(kind: str, form: Mapping[str, Any], steps: Iterable[DossierStep]) -> DeliveryView:
    """The delivery of a stored dossier: its form's choice, and the documents of its done steps.

    The stored form was validated when it was received; a form stored before a rule was added
    (an older ``post`` without an address) is still shown rather than failing the request.
    """
    chosen: Mapping[str, Any] = form.get("delivery") or {}
    method = DeliveryMethod(chosen.get("method", DeliveryMethod.VNEID))
    electronic = method in ELECTRONIC_DELIVERY
    documents = []
    for step in steps:
        issued = ISSUED.get((kind, step.agency))
        if issued is None or step.status != StepStatus.DONE:
            continue
        result = step.result or {}
        number = result.get(issued.number_key) if issued.number_key else None
        documents.append(
            ResultDocument(
                document=issued.document,
                agency=step.agency,
                number=str(number) if number is not None else None,
                form="electronic" if electronic else "paper",
            )
        )
    address = chosen.get("address") if method == DeliveryMethod.POST else None
    return DeliveryView(method=method, electronic=electronic, address=address, documents=documents)
