"""Routes of social insurance: read health insurance cards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import ColumnElement
from sqlmodel import col, select

from lienthong.runtime.app import ReadSessionDep
from lienthong.runtime.http import Limit, Offset, get_or_404
from services.insurance.models import (
    FuneralBenefit,
    FuneralBenefitPublic,
    HealthCard,
    HealthCardPublic,
    InsuredPerson,
)

router = APIRouter(prefix="/api/v1", tags=["health cards"])

PersonalIdPath = Annotated[
    str,
    Path(description="Số định danh cá nhân of the person, 12 digits.", examples=["022165417474"]),
]


@router.get(
    "/cards/{card_code}",
    summary="One health insurance card",
    response_model=HealthCardPublic,
    responses={404: {"description": "No such card"}},
)
async def get_card(
    card_code: Annotated[
        str,
        Path(
            description="Mã thẻ BHYT, 15 characters: group + level + province + BHXH number.",
            examples=["TE1191946914184"],
        ),
    ],
    session: ReadSessionDep,
) -> HealthCardPublic:
    """A card by its 15-character code."""
    card = await get_or_404(session, HealthCard, card_code, "card")
    return HealthCardPublic.model_validate(card)


@router.get("/cards", summary="Cards of a person", response_model=list[HealthCardPublic])
async def list_cards(
    session: ReadSessionDep,
    personal_id: Annotated[
        str,
        Query(
            pattern=r"^\d{12}$",
            description="Personal ID number of the insured person (12 digits).",
            examples=["019225183452"],
        ),
    ],
) -> list[HealthCardPublic]:
    """Every card issued to one person, newest first."""
    rows = (
        await session.exec(
            select(HealthCard)
            .where(HealthCard.personal_id == personal_id)
            .order_by(col(HealthCard.issued_at).desc())
        )
    ).all()
    return [HealthCardPublic.model_validate(row) for row in rows]


@router.get(
    "/funeral-benefits/{personal_id}",
    summary="The funeral benefit decided for a deceased person",
    response_model=FuneralBenefitPublic,
    tags=["funeral benefits"],
    responses={404: {"description": "No decision for this person"}},
)
async def get_funeral_benefit(
    personal_id: PersonalIdPath, session: ReadSessionDep
) -> FuneralBenefitPublic:
    """Chế độ mai táng decided for one person."""
    row = await get_or_404(session, FuneralBenefit, personal_id, "funeral benefit for")
    return FuneralBenefitPublic.model_validate(row)


@router.get(
    "/insured-persons/{personal_id}",
    summary="What insurance knows about a person",
    response_model=InsuredPerson,
    tags=["insured persons"],
    responses={404: {"description": "Uninsured: nothing known"}},
)
async def get_insured_person(personal_id: PersonalIdPath, session: ReadSessionDep) -> InsuredPerson:
    """Pension, contribution months and social assistance of one person."""
    return await get_or_404(session, InsuredPerson, personal_id, "insurance record for")


@router.get(
    "/insured-persons",
    summary="Find insured persons by what BHXH knows",
    response_model=list[InsuredPerson],
    tags=["insured persons"],
)
async def search_insured_persons(
    session: ReadSessionDep,
    pensioner: Annotated[
        bool | None,
        Query(
            description="Only pensioners (true) or only non-pensioners (false).", examples=[True]
        ),
    ] = None,
    social_assistance: Annotated[
        bool | None,
        Query(
            description="Only monthly social-assistance beneficiaries (bảo trợ xã hội, true) or "
            "only others (false).",
            examples=[False],
        ),
    ] = None,
    min_compulsory_months: Annotated[
        int | None,
        Query(
            ge=0,
            le=1200,
            description="At least this many months of compulsory contributions.",
            examples=[12],
        ),
    ] = None,
    max_compulsory_months: Annotated[
        int | None,
        Query(
            ge=0,
            le=1200,
            description="At most this many months of compulsory contributions.",
            examples=[120],
        ),
    ] = None,
    min_voluntary_months: Annotated[
        int | None,
        Query(
            ge=0,
            le=1200,
            description="At least this many months of voluntary contributions.",
            examples=[60],
        ),
    ] = None,
    max_voluntary_months: Annotated[
        int | None,
        Query(
            ge=0,
            le=1200,
            description="At most this many months of voluntary contributions.",
            examples=[240],
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[InsuredPerson]:
    """People whose deaths lead to each funeral outcome: test dossiers pick them from here."""
    conditions: list[ColumnElement[bool]] = []
    if pensioner is not None:
        conditions.append(col(InsuredPerson.pensioner) == pensioner)
    if social_assistance is not None:
        conditions.append(col(InsuredPerson.social_assistance) == social_assistance)
    for column, low, high in (
        (col(InsuredPerson.compulsory_months), min_compulsory_months, max_compulsory_months),
        (col(InsuredPerson.voluntary_months), min_voluntary_months, max_voluntary_months),
    ):
        if low is not None:
            conditions.append(column >= low)
        if high is not None:
            conditions.append(column <= high)
    query = select(InsuredPerson).where(*conditions).order_by(col(InsuredPerson.personal_id))
    return list((await session.exec(query.limit(limit).offset(offset))).all())
