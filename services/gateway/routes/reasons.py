"""``/api/v1/reasons``: the catalogue of refusal reason codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lienthong.contracts.reasons import CATALOGUE, by_agency
from services.gateway.models import ReasonEntry

router = APIRouter(prefix="/api/v1", tags=["reasons"])


@router.get("/reasons", response_model=list[ReasonEntry], summary="Refusal reason codes")
async def list_reasons(
    agency: Annotated[
        str | None,
        Query(
            pattern="^(civil_registry|population|insurance)$",
            description="Only the reasons of this agency: civil_registry, population or "
            "insurance (default: every agency).",
            examples=["civil_registry"],
        ),
    ] = None,
) -> list[ReasonEntry]:
    """Every stable reason code an agency can refuse or deny with, in English and Vietnamese."""
    entries = by_agency(agency) if agency else list(CATALOGUE.values())
    return [
        ReasonEntry(
            agency=e.agency, code=e.code, message=e.message, message_vi=e.message_vi, flow=e.flow
        )
        for e in entries
    ]
