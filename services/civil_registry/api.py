"""Routes of the civil registry: read birth registrations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlmodel import col, select

from lienthong.runtime.app import ReadSessionDep
from lienthong.runtime.http import Limit, Offset, get_or_404
from services.civil_registry.models import (
    BirthRegistration,
    BirthRegistrationPublic,
    DeathRegistration,
    DeathRegistrationPublic,
)

router = APIRouter(prefix="/api/v1")

DossierQuery = Annotated[
    str | None,
    Query(
        description="Only the registration of this portal dossier (mã hồ sơ).",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    ),
]


@router.get(
    "/births/{registration_number}",
    summary="One birth registration",
    tags=["births"],
    response_model=BirthRegistrationPublic,
    responses={404: {"description": "No such registration"}},
)
async def get_birth(
    registration_number: Annotated[
        str,
        Path(
            description="Số đăng ký khai sinh: KS-<commune>-<year>-<serial of 6 digits>.",
            examples=["KS-09634-2026-000001"],
        ),
    ],
    session: ReadSessionDep,
) -> BirthRegistrationPublic:
    """A birth registration by its number (số đăng ký khai sinh)."""
    row = await get_or_404(session, BirthRegistration, registration_number, "registration")
    return BirthRegistrationPublic.model_validate(row)


@router.get(
    "/births",
    summary="Search birth registrations",
    response_model=list[BirthRegistrationPublic],
    tags=["births"],
)
async def list_births(
    session: ReadSessionDep,
    dossier_id: DossierQuery = None,
    mother_personal_id: Annotated[
        str | None,
        Query(
            pattern=r"^\d{12}$",
            description="Only births whose mother has this personal ID number (12 digits).",
            examples=["001301894721"],
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[BirthRegistrationPublic]:
    """Birth registrations, newest first."""
    query = select(BirthRegistration)
    if dossier_id is not None:
        query = query.where(BirthRegistration.dossier_id == dossier_id)
    if mother_personal_id is not None:
        query = query.where(BirthRegistration.mother_personal_id == mother_personal_id)
    rows = (
        await session.exec(
            query.order_by(
                col(BirthRegistration.created_at).desc(), col(BirthRegistration.registration_number)
            )
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return [BirthRegistrationPublic.model_validate(row) for row in rows]


@router.get(
    "/deaths/{registration_number}",
    summary="One death registration",
    response_model=DeathRegistrationPublic,
    tags=["deaths"],
    responses={404: {"description": "No such registration"}},
)
async def get_death(
    registration_number: Annotated[
        str,
        Path(
            description="Số đăng ký khai tử: KT-<commune>-<year>-<serial of 6 digits>.",
            examples=["KT-06967-2026-000001"],
        ),
    ],
    session: ReadSessionDep,
) -> DeathRegistrationPublic:
    """A death registration by its number (số đăng ký khai tử)."""
    row = await get_or_404(session, DeathRegistration, registration_number, "registration")
    return DeathRegistrationPublic.model_validate(row)


@router.get(
    "/deaths",
    summary="Search death registrations",
    response_model=list[DeathRegistrationPublic],
    tags=["deaths"],
)
async def list_deaths(
    session: ReadSessionDep,
    dossier_id: DossierQuery = None,
    personal_id: Annotated[
        str | None,
        Query(
            pattern=r"^\d{12}$",
            description="Only the death of the person with this personal ID number (12 digits).",
            examples=["022165417474"],
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[DeathRegistrationPublic]:
    """Death registrations, newest first."""
    query = select(DeathRegistration)
    if dossier_id is not None:
        query = query.where(DeathRegistration.dossier_id == dossier_id)
    if personal_id is not None:
        query = query.where(DeathRegistration.deceased_personal_id == personal_id)
    rows = (
        await session.exec(
            query.order_by(
                col(DeathRegistration.created_at).desc(), col(DeathRegistration.registration_number)
            )
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return [DeathRegistrationPublic.model_validate(row) for row in rows]
