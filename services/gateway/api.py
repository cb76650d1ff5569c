"""The gateway's public REST contract: submit dossiers, follow them, count them."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Body,
    Depends,
    Header,
    HTTPException,
    Query,
    Request,
    Response,
    status,
)
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import and_, case, func, not_, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from lienthong.contracts import gateway as gateway_events
from lienthong.contracts.dossiers import DossierForm
from lienthong.contracts.envelope import new_event
from lienthong.contracts.reasons import CATALOGUE, Reason, by_agency
from lienthong.contracts.topics import GATEWAY_EVENTS
from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from lienthong.runtime.http import Limit, Offset, get_or_404
from lienthong.runtime.outbox import stage_events
from services.gateway.deadlines import DeadlinePolicy, is_overdue
from services.gateway.examples import dossier_examples
from services.gateway.handlers import as_utc
from services.gateway.models import (
    AgencyCounts,
    Dossier,
    DossierAccepted,
    DossierStep,
    DossierSummary,
    DossierView,
    FlowStats,
    ReasonEntry,
    Stats,
    StepView,
)
from services.gateway.tracker import FLOW_AGENCIES, DossierStatus, StepStatus

router = APIRouter(prefix="/api/v1", tags=["dossiers"])


def get_deadlines(request: Request) -> DeadlinePolicy:
    """FastAPI dependency: the deadline policy the app was built with."""
    policy: DeadlinePolicy = request.app.state.deadlines
    return policy


DeadlinesDep = Annotated[DeadlinePolicy, Depends(get_deadlines)]


FORM_KINDS = frozenset(FLOW_AGENCIES)


async def form_validation_error(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422, with the form's ``kind`` tag removed from each location.

    Pydantic locates errors of a tagged union as ``body.birth.mother…``; testers code against
    the form's own field paths (``body.mother…``), the same for every kind.
    """
    assert isinstance(error, RequestValidationError)
    details = []
    for item in error.errors():
        loc = list(item.get("loc", ()))
        if len(loc) > 1 and loc[0] == "body" and loc[1] in FORM_KINDS:
            del loc[1]
        details.append({**item, "loc": loc})
    return JSONResponse(status_code=422, content=jsonable_encoder({"detail": details}))


def _request_hash(form: DossierForm) -> str:
    canonical = json.dumps(form.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _reject_problems(form: DossierForm) -> None:
    problems = form.problems()
    if problems:
        raise RequestValidationError(
            [
                {"loc": ("body", *p.loc), "msg": p.message, "type": "value_error", "input": None}
                for p in problems
            ]
        )


async def _existing(runtime: RuntimeDep, key: str, request_hash: str) -> DossierAccepted | None:
    async with runtime.db.read_session() as session:
        found = (await session.exec(select(Dossier).where(Dossier.idempotency_key == key))).first()
    if found is None:
        return None
    if found.request_hash != request_hash:
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail=[
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": f"key {key!r} was already used for a different dossier "
                    f"({found.dossier_id}); use a new key for a new dossier",
                    "type": "idempotency_conflict",
                }
            ],
        )
    return DossierAccepted(dossier_id=found.dossier_id, status=found.status)


@router.post(
    "/dossiers",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DossierAccepted,
    summary="Submit a dossier",
    responses={
        409: {"description": "Idempotency key reused for a different dossier"},
        422: {"description": "Invalid form; `detail` lists every field and why"},
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
            description="Resubmitting with the same key returns the same dossier.",
        ),
    ] = None,
) -> DossierAccepted:
    """Nộp hồ sơ liên thông (Form 01 birth or Form 02 death, told apart by `kind`).

    Answers at once; the agencies then process it through Kafka.
    """
    _reject_problems(form)
    key = idempotency_key or (f"reference:{form.reference}" if form.reference else None)
    request_hash = _request_hash(form)
    if key is not None:
        existing = await _existing(runtime, key, request_hash)
        if existing is not None:
            response.headers["Location"] = f"/api/v1/dossiers/{existing.dossier_id}"
            return existing
    dossier_id = str(uuid.uuid4())
    now = runtime.clock.now()
    try:
        async with runtime.db.session() as session:
            session.add(
                Dossier(
                    dossier_id=dossier_id,
                    kind=form.kind,
                    status=DossierStatus.SUBMITTED,
                    idempotency_key=key,
                    request_hash=request_hash,
                    form=form.model_dump(mode="json"),
                    submitted_at=now,
                    due_at=deadlines.dossier_due(form.kind, now),
                )
            )
            for position, agency in enumerate(FLOW_AGENCIES[form.kind]):
                session.add(
                    DossierStep(
                        dossier_id=dossier_id,
                        agency=agency,
                        position=position,
                        status=StepStatus.PENDING,
                        started_at=now if position == 0 else None,
                        due_at=deadlines.step_due(form.kind, agency, now)
                        if position == 0
                        else None,
                    )
                )
            payload = gateway_events.DossierSubmitted(dossier_id=dossier_id, form=form)
            event = new_event(
                source=gateway_events.SOURCE,
                type_=gateway_events.DOSSIER_SUBMITTED,
                payload=payload,
                dossier_id=dossier_id,
                time=now,
            )
            stage_events(session, GATEWAY_EVENTS, [event])
    except IntegrityError:
        # Two submissions with one key raced; the other one won.
        existing = await _existing(runtime, key or "", request_hash) if key else None
        if existing is None:
            raise
        return existing
    runtime.notify_relay()
    response.headers["Location"] = f"/api/v1/dossiers/{dossier_id}"
    return DossierAccepted(dossier_id=dossier_id, status=DossierStatus.SUBMITTED)


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def _step_view(step: DossierStep, now: datetime) -> StepView:
    return StepView(
        agency=step.agency,
        status=step.status,
        started_at=as_utc(step.started_at) if step.started_at else None,
        finished_at=as_utc(step.finished_at) if step.finished_at else None,
        result=step.result,
        reason=Reason.model_validate(step.reason) if step.reason else None,
        due_at=_utc(step.due_at),
        overdue=is_overdue(_utc(step.due_at), _utc(step.finished_at), now),
    )


@router.get(
    "/dossiers/{dossier_id}",
    response_model=DossierView,
    summary="Follow a dossier",
    responses={404: {"description": "No such dossier"}},
)
async def get_dossier(dossier_id: str, session: ReadSessionDep, runtime: RuntimeDep) -> DossierView:
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
    return DossierView(
        dossier_id=dossier.dossier_id,
        kind=dossier.kind,
        status=dossier.status,
        submitted_at=as_utc(dossier.submitted_at),
        completed_at=_utc(dossier.completed_at),
        due_at=_utc(dossier.due_at),
        overdue=is_overdue(_utc(dossier.due_at), _utc(dossier.closed_at), now),
        steps=[_step_view(step, now) for step in steps],
    )


@router.get("/dossiers", response_model=list[DossierSummary], summary="List dossiers")
async def list_dossiers(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    status_: Annotated[DossierStatus | None, Query(alias="status")] = None,
    kind: Annotated[str | None, Query(pattern="^(birth|death)$")] = None,
    overdue: Annotated[
        bool | None, Query(description="Only dossiers past (true) or within (false) deadline")
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
        late = _late(col(Dossier.due_at), col(Dossier.closed_at), now)
        query = query.where(late if overdue else not_(late))
    rows = (
        await session.exec(
            query.order_by(col(Dossier.submitted_at).desc()).limit(limit).offset(offset)
        )
    ).all()
    return [
        DossierSummary(
            dossier_id=row.dossier_id,
            kind=row.kind,
            status=row.status,
            submitted_at=as_utc(row.submitted_at),
            completed_at=_utc(row.completed_at),
            due_at=_utc(row.due_at),
            overdue=is_overdue(_utc(row.due_at), _utc(row.closed_at), now),
        )
        for row in rows
    ]


@router.get(
    "/reasons", response_model=list[ReasonEntry], summary="Refusal reason codes", tags=["reasons"]
)
async def list_reasons(
    agency: Annotated[str | None, Query(pattern="^(civil_registry|population|insurance)$")] = None,
) -> list[ReasonEntry]:
    """Every stable reason code an agency can refuse or deny with, in English and Vietnamese."""
    entries = by_agency(agency) if agency else list(CATALOGUE.values())
    return [
        ReasonEntry(agency=e.agency, code=e.code, message=e.message, message_vi=e.message_vi)
        for e in entries
    ]


def _late(due: Any, finished: Any, now: datetime) -> Any:
    """SQL: finished after the deadline, or still open past it."""
    return or_(
        and_(finished.is_not(None), finished > due),
        and_(finished.is_(None), due.is_not(None), due < now),
    )


def _in_time(due: Any, finished: Any) -> Any:
    return and_(finished.is_not(None), due.is_not(None), finished <= due)


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


@router.get("/stats", response_model=Stats, summary="Sync counters", tags=["stats"])
async def get_stats(session: ReadSessionDep, runtime: RuntimeDep) -> Stats:
    """Per flow: dossiers by status and timeliness; per agency: sent, synced, rejected, failed,
    pending, on time and overdue (pending steps past their deadline count as overdue)."""
    now = runtime.clock.now()
    due, closed = col(Dossier.due_at), col(Dossier.closed_at)
    dossier_rows = (
        await session.execute(
            sa_select(
                col(Dossier.kind),
                col(Dossier.status),
                func.count(),
                _count_if(_in_time(due, closed)),
                _count_if(_late(due, closed, now)),
            ).group_by(col(Dossier.kind), col(Dossier.status))
        )
    ).all()
    step_due, finished = col(DossierStep.due_at), col(DossierStep.finished_at)
    step_rows = (
        await session.execute(
            sa_select(
                col(Dossier.kind),
                col(DossierStep.agency),
                col(DossierStep.status),
                func.count(),
                _count_if(_in_time(step_due, finished)),
                _count_if(_late(step_due, finished, now)),
            )
            .join(Dossier, col(Dossier.dossier_id) == col(DossierStep.dossier_id))
            .where(col(DossierStep.started_at).is_not(None))
            .group_by(col(Dossier.kind), col(DossierStep.agency), col(DossierStep.status))
        )
    ).all()
    flows: dict[str, FlowStats] = {}
    for kind, agencies in FLOW_AGENCIES.items():
        counts: dict[str, int] = {s.value: 0 for s in DossierStatus}
        on_time = overdue = 0
        for row_kind, row_status, n, n_on_time, n_overdue in dossier_rows:
            if row_kind == kind:
                counts[row_status] = n
                on_time += n_on_time or 0
                overdue += n_overdue or 0
        counts["total"] = sum(counts.values())
        per_agency: dict[str, AgencyCounts] = {}
        for agency in agencies:
            rows = [r for r in step_rows if r[0] == kind and r[1] == agency]
            by_status = {row[2]: row[3] for row in rows}
            sent = sum(by_status.values())
            synced = by_status.get(StepStatus.DONE, 0)
            rejected = by_status.get(StepStatus.REJECTED, 0)
            failed = by_status.get(StepStatus.FAILED, 0)
            per_agency[agency] = AgencyCounts(
                sent=sent,
                synced=synced,
                rejected=rejected,
                failed=failed,
                pending=sent - synced - rejected - failed,
                on_time=sum(row[4] or 0 for row in rows),
                overdue=sum(row[5] or 0 for row in rows),
            )
        flows[kind] = FlowStats(
            dossiers=counts, on_time=on_time, overdue=overdue, agencies=per_agency
        )
    return Stats(generated_at=now, flows=flows)
