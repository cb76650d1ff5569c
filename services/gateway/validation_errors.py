"""The gateway's 422: FastAPI's own, with each location given as the form's field path."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from lienthong.contracts.form_checks import FieldProblem
from services.gateway.tracker import FLOW_AGENCIES

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


def located(problems: Sequence[FieldProblem]) -> RequestValidationError:
    """The 422 of a form that failed the door checks: each problem at ``body.<field path>``."""
    return RequestValidationError(
        [
            {"loc": ("body", *p.loc), "msg": p.message, "type": "value_error", "input": None}
            for p in problems
        ]
    )
