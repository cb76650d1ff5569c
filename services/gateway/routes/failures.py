"""``/api/v1/failures``: the messages agencies gave up on, and sending them again (redrive)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Path, Query
from sqlalchemy import func
from sqlmodel import col, select

from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from lienthong.runtime.http import Limit, Offset, field_error, get_or_404
from services.gateway.failure_models import (
    AgencyName,
    BulkRedriveResult,
    Failure,
    FailureDetail,
    FailurePage,
    FailureSelection,
    FailureSummary,
    FlowName,
    KindName,
    RedriveResult,
    StatusFilter,
    summary_fields,
)
from services.gateway.redrive import conditions, instant, redrive_matching, redrive_one

router = APIRouter(prefix="/api/v1", tags=["failures"])

_TIME = "Simulated time of the last failure; ISO 8601, without an offset read as Vietnam time."

FailureId = Annotated[
    str,
    Path(
        description="Failure id, as the list shows it (stable across redeliveries and redrives).",
        examples=["816edf31-00b9-55ed-93a2-ee913fe1fe3e"],
    ),
]


def _checked(selection: FailureSelection, location: str) -> FailureSelection:
    """Times that cannot be put in UTC (year 1 at +07:00) or ``since`` after ``until`` (which
    selects nothing, surely by mistake) are a 422 on the field, never a 500."""
    moments: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        try:
            moments[name] = instant(getattr(selection, name))
        except OverflowError:
            raise field_error(location, name, "out of range once put in UTC") from None
    since, until = moments["since"], moments["until"]
    if since is not None and until is not None and since > until:
        raise field_error(location, "until", "must not be before since")
    return selection


@router.get("/failures", response_model=FailurePage, summary="List failures")
async def list_failures(
    session: ReadSessionDep,
    agency: Annotated[
        AgencyName | None,
        Query(description="The consumer that failed.", examples=["population"]),
    ] = None,
    flow: Annotated[FlowName | None, Query(description="birth | death", examples=["birth"])] = None,
    kind: Annotated[
        KindName | None, Query(description="The error kind.", examples=["transient"])
    ] = None,
    status: Annotated[
        StatusFilter,
        Query(
            description="open, redriven, resolved; unresolved (default); all",
            examples=["unresolved"],
        ),
    ] = "unresolved",
    since: Annotated[
        datetime | None,
        Query(description=f"At or after: {_TIME}", examples=["2026-11-16T08:00:00"]),
    ] = None,
    until: Annotated[
        datetime | None,
        Query(description=f"At or before: {_TIME}", examples=["2026-11-16T17:00:00"]),
    ] = None,
    dossier_id: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Only the failures of this dossier (the message key).",
            examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
        ),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> FailurePage:
    """Thư lỗi: what each agency gave up on, newest failure first — unresolved ones by default.

    One entry per failure (the same message failing the same way at the same consumer), however
    often it was redelivered or redriven; `occurrences` counts its dead letters.
    """
    selection = _checked(
        FailureSelection(
            agency=agency,
            flow=flow,
            kind=kind,
            status=status,
            since=since,
            until=until,
            dossier_id=dossier_id,
        ),
        "query",
    )
    where = conditions(selection)
    total = (await session.exec(select(func.count()).select_from(Failure).where(*where))).one()
    rows = (
        await session.exec(
            select(Failure)
            .where(*where)
            .order_by(col(Failure.last_failed_at).desc(), col(Failure.id))
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return FailurePage(
        total=total, items=[FailureSummary.model_validate(summary_fields(row)) for row in rows]
    )


@router.get(
    "/failures/{failure_id}",
    response_model=FailureDetail,
    summary="One failure, with the original bytes",
    responses={404: {"description": "No such failure"}},
)
async def get_failure(failure_id: FailureId, session: ReadSessionDep) -> FailureDetail:
    """Everything the dead letter said, and the message exactly as the consumer received it."""
    row = await get_or_404(session, Failure, failure_id, "failure")
    return FailureDetail(**summary_fields(row), value_base64=base64.b64encode(row.value).decode())


@router.post(
    "/failures/{failure_id}/redrive",
    response_model=RedriveResult,
    summary="Send one failed message again",
    responses={404: {"description": "No such failure"}},
)
async def redrive_failure(failure_id: FailureId, runtime: RuntimeDep) -> RedriveResult:
    """Gửi lại: the original bytes go back on their topic, with header `lienthong-redrive: n`.

    A failure already resolved is not sent: the answer says by which decision, and when.
    """
    result = await redrive_one(runtime, failure_id)
    if result is None:
        raise HTTPException(status_code=404, detail=f"no failure {failure_id}")
    return result


@router.post(
    "/failures/redrive",
    response_model=BulkRedriveResult,
    summary="Send every matching failure again",
    responses={422: {"description": "Unknown filter value, bad time, or no filter at all"}},
)
async def redrive_failures(
    runtime: RuntimeDep,
    selection: Annotated[
        FailureSelection,
        Body(
            openapi_examples={
                "agency": {
                    "summary": "What population failed on",
                    "value": {"agency": "population", "kind": "transient"},
                },
                "all": {"summary": "Everything unresolved", "value": {"all": True}},
            }
        ),
    ],
) -> BulkRedriveResult:
    """The same filters as the list (unresolved by default); an empty filter needs `all: true`.

    Resolved failures that match are counted in `already_resolved` and not sent.
    """
    if selection.is_empty() and not selection.all:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "loc": ["body"],
                    "msg": 'give at least one filter, or {"all": true} to redrive everything',
                    "type": "value_error",
                }
            ],
        )
    return await redrive_matching(runtime, _checked(selection, "body"))
