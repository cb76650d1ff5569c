"""``GET /admin/submissions``: the forms the portal took in a time window, for ``record``.

``lienthong record`` turns a live run into a scenario; it needs what was submitted (the forms,
when, whether the same form came more than once) — which the public API does not show, since
forms carry personal data. Admin only, like ``/admin/faults``; ``record`` replaces the people
by role descriptions before anything is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import col, select

from lienthong.runtime.app import ReadSessionDep
from lienthong.runtime.http import Limit, Offset
from services.gateway.models import Dossier
from services.gateway.times import utc

router = APIRouter(prefix="/admin/submissions", tags=["admin"])


class Submitted(BaseModel):
    """One dossier as it was submitted."""

    dossier_id: str
    kind: str = Field(examples=["birth"])
    submitted_at: datetime = Field(description="Simulated time the portal received it.")
    keyed: bool = Field(description="Whether it came with an Idempotency-Key or reference.")
    request_hash: str = Field(description="Fingerprint of the form: equal forms, equal hash.")
    form: dict[str, Any] = Field(description="The form as received.")


class SubmittedPage(BaseModel):
    """One page of submissions, oldest first."""

    items: list[Submitted]
    more: bool = Field(description="Another page follows (ask with a larger offset).")


@router.get("", response_model=SubmittedPage, summary="Forms received in a time window")
async def list_submissions(
    session: ReadSessionDep,
    since: Annotated[
        AwareDatetime | None, Query(description="Submitted at or after (sim.)")
    ] = None,
    until: Annotated[
        AwareDatetime | None, Query(description="Submitted before (simulated)")
    ] = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> SubmittedPage:
    """Forms with their submission time, oldest first (what ``lienthong record`` reads)."""
    query = select(Dossier)
    if since is not None:
        query = query.where(col(Dossier.submitted_at) >= since)
    if until is not None:
        query = query.where(col(Dossier.submitted_at) < until)
    rows = (
        await session.exec(
            query.order_by(col(Dossier.submitted_at), col(Dossier.dossier_id))
            .limit(limit + 1)
            .offset(offset)
        )
    ).all()
    items = [
        Submitted(
            dossier_id=row.dossier_id,
            kind=row.kind,
            submitted_at=utc(row.submitted_at),
            keyed=row.idempotency_key is not None,
            request_hash=row.request_hash,
            form=row.form,
        )
        for row in rows[:limit]
    ]
    return SubmittedPage(items=items, more=len(rows) > limit)
