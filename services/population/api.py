"""Routes of the population database: find citizens (testers need parents) and look them up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import func
from sqlmodel import col, select

from lienthong.domain.bhyt import add_months
from lienthong.domain.personal_id import PersonalIdError, Sex, validate_personal_id
from lienthong.runtime.app import ReadSessionDep, RuntimeDep
from lienthong.runtime.http import Limit, Offset, field_error, get_or_404
from services.population.models import (
    Citizen,
    CitizenLookup,
    CitizenLookupResult,
    CitizenPage,
    CitizenPublic,
    Household,
    HouseholdPublic,
)

router = APIRouter(prefix="/api/v1", tags=["citizens"])

PersonalIdPath = Annotated[
    str,
    Path(
        description="Số định danh cá nhân: 12 digits PPP G YY RRRRRR (a malformed one is a 422).",
        examples=["001301894721"],
    ),
]


def _checked_id(personal_id: str) -> str:
    try:
        return validate_personal_id(personal_id)
    except PersonalIdError as error:
        raise field_error("path", "personal_id", str(error)) from error


@router.get("/citizens", summary="Search citizens", response_model=CitizenPage)
async def search_citizens(
    session: ReadSessionDep,
    runtime: RuntimeDep,
    sex: Annotated[
        Sex | None,
        Query(description="Only this sex (giới tính): male or female.", examples=["female"]),
    ] = None,
    min_age: Annotated[
        int | None,
        Query(
            ge=0,
            le=150,
            description="Only citizens at least this old, in whole years on the simulated "
            "clock's today.",
            examples=[20],
        ),
    ] = None,
    max_age: Annotated[
        int | None,
        Query(
            ge=0,
            le=150,
            description="Only citizens at most this old, in whole years (not above min_age).",
            examples=[35],
        ),
    ] = None,
    province_code: Annotated[
        str | None,
        Query(
            pattern=r"^\d{2}$",
            description="Only residents of this province (2-digit code, 2025 list).",
            examples=["01"],
        ),
    ] = None,
    commune_code: Annotated[
        str | None,
        Query(
            pattern=r"^\d{5}$",
            description="Only residents of this commune (5-digit code, 2025 list).",
            examples=["09634"],
        ),
    ] = None,
    alive: Annotated[
        bool | None,
        Query(description="Only the living (true) or only the deceased (false).", examples=[True]),
    ] = None,
    household_head: Annotated[
        bool | None,
        Query(
            description="Only household heads (true) or only other members (false).",
            examples=[True],
        ),
    ] = None,
    name: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Only citizens whose full name contains this text, as written "
            "(names are stored in NFC).",
            examples=["Thảo"],
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> CitizenPage:
    """Find citizens to use as parents, household heads or the deceased in test dossiers."""
    if min_age is not None and max_age is not None and min_age > max_age:
        raise field_error("query", "min_age", "min_age must not exceed max_age")
    today = runtime.clock.today()  # ages on the simulated clock, in Vietnam
    query = select(Citizen)
    if sex is not None:
        query = query.where(Citizen.sex == sex)
    if min_age is not None:
        query = query.where(Citizen.date_of_birth <= add_months(today, -12 * min_age))
    if max_age is not None:
        query = query.where(Citizen.date_of_birth > add_months(today, -12 * (max_age + 1)))
    if province_code is not None:
        query = query.where(Citizen.province_code == province_code)
    if commune_code is not None:
        query = query.where(Citizen.commune_code == commune_code)
    if alive is not None:
        query = query.where(Citizen.alive == alive)
    if household_head is not None:
        query = query.where(Citizen.is_household_head == household_head)
    if name:
        query = query.where(col(Citizen.full_name).contains(name))
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    rows = (
        await session.exec(query.order_by(col(Citizen.personal_id)).limit(limit).offset(offset))
    ).all()
    return CitizenPage(total=total, items=[CitizenPublic.model_validate(r) for r in rows])


@router.get(
    "/citizens/{personal_id}",
    summary="One citizen",
    response_model=CitizenPublic,
    responses={404: {"description": "No such citizen"}},
)
async def get_citizen(personal_id: PersonalIdPath, session: ReadSessionDep) -> CitizenPublic:
    """A citizen by personal ID number."""
    citizen = await get_or_404(session, Citizen, _checked_id(personal_id), "citizen")
    return CitizenPublic.model_validate(citizen, from_attributes=True)


@router.post(
    "/citizens/lookup", summary="Look up many citizens", response_model=CitizenLookupResult
)
async def lookup_citizens(body: CitizenLookup, session: ReadSessionDep) -> CitizenLookupResult:
    """One call for a whole batch: the civil registry checks every parent of a batch at once."""
    asked = list(dict.fromkeys(body.personal_ids))
    rows = (await session.exec(select(Citizen).where(col(Citizen.personal_id).in_(asked)))).all()
    found = {row.personal_id: row for row in rows}
    return CitizenLookupResult(
        found=[CitizenPublic.model_validate(row) for row in rows],
        missing=[pid for pid in asked if pid not in found],
    )


@router.get(
    "/households/{household_id}",
    summary="A household and its members",
    response_model=HouseholdPublic,
    tags=["households"],
    responses={404: {"description": "No such household"}},
)
async def get_household(
    household_id: Annotated[
        str,
        Path(
            description="Household id (hộ gia đình): HO + 2-digit province + 8 digits.",
            examples=["HO0100000053"],
        ),
    ],
    session: ReadSessionDep,
) -> HouseholdPublic:
    """Hộ gia đình with its registered members."""
    household = await get_or_404(session, Household, household_id, "household")
    members = (
        await session.exec(
            select(Citizen)
            .where(Citizen.household_id == household_id)
            .order_by(col(Citizen.date_of_birth))
        )
    ).all()
    return HouseholdPublic(
        **household.model_dump(exclude={"created_at"}),
        members=[CitizenPublic.model_validate(m) for m in members],
    )
