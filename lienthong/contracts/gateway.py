"""Events the gateway (Cổng Dịch vụ công) publishes: a dossier has been received."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, Field

from lienthong.contracts.dossiers import DossierForm
from lienthong.contracts.envelope import event_type

SOURCE: Final = "gateway"
DOSSIER_SUBMITTED: Final = event_type(SOURCE, "dossier_submitted")


class DossierSubmitted(BaseModel):
    """A citizen's dossier (hồ sơ) was accepted by the portal and starts its way."""

    dossier_id: str = Field(description="Dossier id.", examples=["d-3f2a9c"])
    form: DossierForm = Field(description="The validated form as submitted.")
