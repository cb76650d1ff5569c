"""``POST /api/v1/dossiers/{id}/completion``: the requester completes a returned dossier."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Response, status
from fastapi.openapi.models import Example

from lienthong.runtime.app import RuntimeDep
from services.gateway.completion import DossierNotFound, NotReturned, complete
from services.gateway.intake import FormRejected
from services.gateway.models import DossierAccepted
from services.gateway.routes.deps import DeadlinesDep
from services.gateway.validation_errors import located

router = APIRouter(prefix="/api/v1", tags=["dossiers"])

_EXAMPLES = {
    "paternity": Example(
        summary="evidence of paternity for a father of unmarried parents",
        value={"paternity_evidence": "XN-ADN-2026-0153"},
    ),
    "marriage": Example(
        summary="the parents' marriage certificate",
        value={"marriage_certificate_number": "45/2019/KH"},
    ),
}


@router.post(
    "/dossiers/{dossier_id}/completion",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DossierAccepted,
    summary="Complete a returned dossier",
    responses={
        404: {"description": "No such dossier"},
        409: {"description": "The dossier is not returned, or its time to complete ran out"},
        422: {"description": "The completed form is invalid; `detail` lists every field"},
    },
)
async def complete_dossier(
    runtime: RuntimeDep,
    deadlines: DeadlinesDep,
    response: Response,
    dossier_id: Annotated[
        str,
        Path(
            description="Dossier id (mã hồ sơ) of a dossier whose status is `returned`.",
            examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
        ),
    ],
    changes: Annotated[
        dict[str, Any],
        Body(
            description="Fields of the form to add or replace (top-level: a nested object such "
            "as `father` is replaced whole). The step's `result.items` lists what was asked for.",
            openapi_examples=_EXAMPLES,
        ),
    ],
) -> DossierAccepted:
    """Bổ sung hồ sơ: answer a return within its `complete_by` time (7 working days).

    The completed form is checked as a new submission would be and sent again to the agency
    that returned it; the dossier's deadlines count afresh from now. After `complete_by` the
    dossier is rejected with `not_completed_in_time` and can no longer be completed.
    """
    try:
        done = await complete(runtime, deadlines, dossier_id, changes)
    except DossierNotFound as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no dossier {dossier_id}") from missing
    except NotReturned as state:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            [{"loc": ["path", "dossier_id"], "msg": str(state), "type": "not_returned"}],
        ) from state
    except FormRejected as rejected:
        raise located(rejected.problems) from rejected
    response.headers["Location"] = f"/api/v1/dossiers/{dossier_id}"
    return DossierAccepted(dossier_id=done.dossier_id, status=done.status)
