"""The route the civil registry numbers newborns through (``POST /api/v1/citizens/newborns``)."""

from __future__ import annotations

from fastapi import APIRouter

from lienthong.contracts.newborns import NewbornNumbers, NewbornNumbersIssued
from lienthong.runtime.app import RuntimeDep
from services.population.newborns import issue_numbers

router = APIRouter(prefix="/api/v1", tags=["citizens"])


@router.post(
    "/citizens/newborns",
    summary="Issue newborns their personal ID numbers",
    response_model=NewbornNumbersIssued,
)
async def issue_newborn_numbers(body: NewbornNumbers, runtime: RuntimeDep) -> NewbornNumbersIssued:
    """Cấp số định danh cá nhân while the civil registry registers the births: each child is
    recorded (without a residence yet) and its number returned. Asking again for a dossier
    returns the number it was given, so a retried registration never makes a second citizen."""
    issued = await issue_numbers(runtime.db, runtime.infra.randomness, body.births)
    return NewbornNumbersIssued(issued=issued)
