"""Small helpers every service's routes share, so errors look the same everywhere."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query
from sqlmodel.ext.asyncio.session import AsyncSession

Row = TypeVar("Row")


async def get_or_404(session: AsyncSession, model: type[Row], key: Any, what: str) -> Row:
    """The row with primary key ``key``, or a 404 naming what was not found."""
    row = await session.get(model, key)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no {what} {key}")
    return row


def field_error(location: str, field: str, message: str, status_code: int = 422) -> HTTPException:
    """An error shaped like FastAPI's own validation errors: ``detail`` lists located reasons."""
    return HTTPException(
        status_code=status_code,
        detail=[{"loc": [location, field], "msg": message, "type": "value_error"}],
    )


Limit = Annotated[
    int,
    Query(ge=1, le=1000, description="Page size: at most this many items (1–1000).", examples=[50]),
]
"""Page size of every list endpoint."""

Offset = Annotated[
    int,
    Query(
        ge=0,
        le=100_000_000,
        description="How many to skip before the page starts (bounded: SQL integers are).",
        examples=[0],
    ),
]
"""Page offset of every list endpoint; bounded so no database integer overflows."""
