"""``POST /api/v1/dossiers/lookup``: many dossiers in one call, for tools that follow thousands.

``lienthong replay`` and ``record`` follow every dossier they submitted until it is final; one
GET per dossier per poll would cost more than the dossiers themselves at load-test volumes.
"""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import col, select

from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from services.gateway.models import Dossier, DossierStep, DossierView
from services.gateway.views import dossier_view

router = APIRouter(prefix="/api/v1", tags=["dossiers"])

MAX_LOOKUP = 1000


class DossierLookup(BaseModel):
    """The dossier ids to fetch."""

    dossier_ids: list[str] = Field(
        min_length=1,
        max_length=MAX_LOOKUP,
        description=f"1 to {MAX_LOOKUP} dossier ids (repeats are looked up once).",
        examples=[["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b", "3ddf5520-ccf5-5178-b3b9-4356245da237"]],
    )


class DossierLookupResult(BaseModel):
    """The dossiers found, in the order asked, and the ids that are unknown."""

    found: list[DossierView] = Field(
        description="Each dossier found, as GET /api/v1/dossiers/{id} shows it, in the order asked."
    )
    missing: list[str] = Field(
        description="Ids the gateway does not hold, in the order asked.",
        examples=[["3ddf5520-ccf5-5178-b3b9-4356245da237"]],
    )


@router.post("/dossiers/lookup", response_model=DossierLookupResult, summary="Follow many dossiers")
async def lookup_dossiers(
    body: DossierLookup, session: ReadSessionDep, runtime: RuntimeDep
) -> DossierLookupResult:
    """Each dossier as `GET /api/v1/dossiers/{id}` shows it, for up to 1000 ids at once."""
    asked = list(dict.fromkeys(body.dossier_ids))
    rows = (await session.exec(select(Dossier).where(col(Dossier.dossier_id).in_(asked)))).all()
    steps = (
        await session.exec(
            select(DossierStep)
            .where(col(DossierStep.dossier_id).in_(asked))
            .order_by(col(DossierStep.position))
        )
    ).all()
    by_dossier: dict[str, list[DossierStep]] = defaultdict(list)
    for step in steps:
        by_dossier[step.dossier_id].append(step)
    now = runtime.clock.now()
    found = {row.dossier_id: row for row in rows}
    return DossierLookupResult(
        found=[dossier_view(found[i], by_dossier[i], now) for i in asked if i in found],
        missing=[i for i in asked if i not in found],
    )
