"""``/api/v1/dossiers``: submit a dossier (or a batch of them), follow it, list them."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Path, Query, Response, status
from fastapi.openapi.models import Example
from sqlalchemy import not_
from sqlmodel import col, select

from lienthong.contracts.forms import DossierForm
from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from lienthong.runtime.http import Limit, Offset, get_or_404
from services.gateway.batch_models import (
    MAX_BATCH,
    BatchItem,
    BatchItemResult,
    BatchResults,
    BatchSubmission,
    overloaded,
    parse_item,
    rejected,
    written,
)
from services.gateway.examples import dossier_examples
from services.gateway.intake import (
    FormRejected,
    KeyReused,
    Prepared,
    prepare,
    submit,
    write_together,
)
from services.gateway.models import (
    Dossier,
    DossierAccepted,
    DossierStep,
    DossierSummary,
    DossierView,
)
from services.gateway.overdue import overdue_sql
from services.gateway.overload import guard_for
from services.gateway.routes.deps import DeadlinesDep
from services.gateway.tracker import DossierStatus
from services.gateway.validation_errors import located
from services.gateway.views import dossier_view, summary_of

router = APIRouter(prefix="/api/v1", tags=["dossiers"])

_CHECKS_BETWEEN_YIELDS = 50
"""Items of a batch checked (~0.3 ms each) before the event loop may serve others."""


@router.post(
    "/dossiers",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DossierAccepted,
    summary="Submit a dossier",
    responses={
        409: {"description": "Idempotency key reused for a different dossier"},
        422: {"description": "Invalid form; `detail` lists every field and why"},
        503: {"description": "Portal overloaded (fault `overload`): try again after `Retry-After`"},
    },
)
async def submit_dossier(
    runtime: RuntimeDep,
    deadlines: DeadlinesDep,
    response: Response,
    form: Annotated[DossierForm, Body(openapi_examples=dossier_examples())],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=200,
            description="Resubmitting with the same key returns the same dossier; the same key "
            "with a different form is a 409.",
            examples=["my-first-birth"],
        ),
    ] = None,
) -> DossierAccepted:
    """Nộp hồ sơ liên thông (Form 01 birth or Form 02 death, told apart by `kind`).

    Answers at once; the agencies then process it through Kafka.
    """
    refusal = guard_for(runtime.faults).check(form, idempotency_key)
    if refusal is not None:
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=refusal.detail(),
            headers={"Retry-After": str(refusal.retry_after_s)},
        )
    try:
        intake = await submit(runtime, deadlines, form, idempotency_key)
    except FormRejected as rejected:
        raise located(rejected.problems) from rejected
    except KeyReused as reused:
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail=[
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": str(reused),
                    "type": "idempotency_conflict",
                }
            ],
        ) from reused
    response.headers["Location"] = f"/api/v1/dossiers/{intake.dossier_id}"
    return DossierAccepted(dossier_id=intake.dossier_id, status=intake.status)


def _batch_examples() -> dict[str, Example]:
    """The shipped examples as one batch, the first with an idempotency key."""
    forms = [example.get("value") for example in dossier_examples().values()]
    items: list[dict[str, Any]] = [{"form": form} for form in forms]
    if items:
        items[0]["idempotency_key"] = "batch-example-0"
    return {"examples": Example(summary="every example in examples/", value={"dossiers": items})}


@router.post(
    "/dossiers/batch",
    response_model=BatchResults,
    summary=f"Submit up to {MAX_BATCH} dossiers at once",
    responses={
        422: {"description": f"Not a batch: no `dossiers`, none, or more than {MAX_BATCH}"},
    },
)
async def submit_batch(
    runtime: RuntimeDep,
    deadlines: DeadlinesDep,
    response: Response,
    submission: Annotated[BatchSubmission, Body(openapi_examples=_batch_examples())],
) -> BatchResults:
    """Nộp nhiều hồ sơ: 1 to 1000 dossiers, each answered on its own, for load and replay.

    Each item is checked as one POST would be (its form, the door checks, its key), and gets
    its own result: `accepted` with a new dossier id, `existing` (same key and form as before,
    in this batch or earlier), `invalid` or `conflict` with field-level `errors`. A bad item
    refuses only itself. Every accepted dossier of the batch, with its steps and events,
    commits in one transaction.

    The `overload` fault is applied per item, as if each were its own POST: its scope, its
    roll (`rate`) and one token each (`limit`). A batch counted as one submission would slip
    a thousand dossiers past a limit meant to meter them, and one counted as all-or-nothing
    could never pass a limit smaller than itself. Refused items are `overloaded` (nothing
    written for them) while the others are taken, and the answer carries `Retry-After`.
    """
    results: dict[int, BatchItemResult] = {}
    ready: list[tuple[int, BatchItem, Prepared]] = []
    guard = guard_for(runtime.faults)
    waits: list[int] = []
    for index, raw in enumerate(submission.raw_items()):
        if index and index % _CHECKS_BETWEEN_YIELDS == 0:
            await asyncio.sleep(0)  # let other requests and the consumer run meanwhile
        item = parse_item(index, raw)
        if isinstance(item, BatchItemResult):
            results[index] = item
            continue
        try:
            prepared = prepare(runtime, item.form, item.idempotency_key)
        except FormRejected as problems:
            results[index] = rejected(index, problems.problems)
            continue
        refusal = guard.check(item.form, item.idempotency_key)
        if refusal is not None:
            results[index] = overloaded(index, refusal)
            waits.append(refusal.retry_after_s)
            continue
        ready.append((index, item, prepared))
    if ready:
        answers = await write_together(runtime, deadlines, [p for _, _, p in ready])
        for (index, item, _), answer in zip(ready, answers, strict=True):
            results[index] = written(index, item, answer)
    if waits:
        response.headers["Retry-After"] = str(max(waits))
    return BatchResults(results=[results[index] for index in sorted(results)])


@router.get(
    "/dossiers/{dossier_id}",
    response_model=DossierView,
    summary="Follow a dossier",
    responses={404: {"description": "No such dossier"}},
)
async def get_dossier(
    dossier_id: Annotated[
        str,
        Path(
            description="Dossier id (mã hồ sơ), as the submission answered it.",
            examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
        ),
    ],
    session: ReadSessionDep,
    runtime: RuntimeDep,
) -> DossierView:
    """Overall status and one entry per agency step, with results or the refusal reason."""
    dossier = await get_or_404(session, Dossier, dossier_id, "dossier")
    steps = (
        await session.exec(
            select(DossierStep)
            .where(DossierStep.dossier_id == dossier_id)
            .order_by(col(DossierStep.position))
        )
    ).all()
    now = runtime.clock.now()
    return dossier_view(dossier, steps, now)


@router.get("/dossiers", response_model=list[DossierSummary], summary="List dossiers")
async def list_dossiers(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    status_: Annotated[
        DossierStatus | None,
        Query(
            alias="status",
            description="Only dossiers in this overall status: submitted, in_progress, "
            "returned (waiting for the requester to complete it), completed, rejected or "
            "failed.",
            examples=["in_progress"],
        ),
    ] = None,
    kind: Annotated[
        str | None,
        Query(
            pattern="^(birth|death)$",
            description="Only this procedure group: birth (Form 01) or death (Form 02).",
            examples=["birth"],
        ),
    ] = None,
    overdue: Annotated[
        bool | None,
        Query(
            description="Only dossiers past (true) or within (false) deadline",
            examples=[True],
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[DossierSummary]:
    """Dossiers, newest first — e.g. `?overdue=true&status=in_progress` finds stuck ones."""
    now = runtime.clock.now()
    query = select(Dossier)
    if status_ is not None:
        query = query.where(Dossier.status == status_)
    if kind is not None:
        query = query.where(Dossier.kind == kind)
    if overdue is not None:
        late = overdue_sql(col(Dossier.due_at), col(Dossier.closed_at), now)
        query = query.where(late if overdue else not_(late))
    rows = (
        await session.exec(
            # dossier_id breaks ties (a batch of dossiers shares its submission time): without
            # it PostgreSQL may order equal rows differently from one page to the next.
            query.order_by(col(Dossier.submitted_at).desc(), col(Dossier.dossier_id).desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return [summary_of(row, now) for row in rows]
