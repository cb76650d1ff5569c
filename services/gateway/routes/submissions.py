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
from services.gateway.examples import dossier_examples
from services.gateway.models import Dossier
from services.gateway.times import utc

router = APIRouter(prefix="/admin/submissions", tags=["admin"])


class Submitted(BaseModel):
    """One dossier as it was submitted."""

    dossier_id: str = Field(
        description="Dossier id (mã hồ sơ) the portal gave it.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    kind: str = Field(
        description="Procedure group: birth (Form 01) or death (Form 02).", examples=["birth"]
    )
    submitted_at: datetime = Field(
        description="Simulated time the portal received it.", examples=["2026-11-16T02:30:00Z"]
    )
    keyed: bool = Field(
        description="Whether it came with an Idempotency-Key or reference.", examples=[True]
    )
    request_hash: str = Field(
        description="Fingerprint of the form (SHA-256 of its canonical JSON, hex): equal forms, "
        "equal hash.",
        examples=["523ba93a54f0db07573418796fb81a5acd0c5e0aad3080b6d01a67dfe04ba8bb"],
    )
    form: dict[str, Any] = Field(
        description="The form as received (Form 01 or Form 02).",
        examples=[example.get("value") for example in dossier_examples().values()][:1],
    )


class SubmittedPage(BaseModel):
    """One page of submissions, oldest first."""

    items: list[Submitted] = Field(description="This page of submissions, oldest first.")
    more: bool = Field(
        description="Another page follows (ask with a larger offset).", examples=[False]
    )


@router.get("", response_model=SubmittedPage, summary="Forms received in a time window")
async def list_submissions(
    session: ReadSessionDep,
    since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only forms submitted at or after this simulated time (with an offset).",
            examples=["2026-11-16T00:00:00+07:00"],
        ),
    ] = None,
    until: Annotated[
        AwareDatetime | None,
        Query(
            description="Only forms submitted before this simulated time (with an offset).",
            examples=["2026-11-17T00:00:00+07:00"],
        ),
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
