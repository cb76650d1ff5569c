"""The population database's part of ``/admin/ledger``: newborns and deaths recorded, per dossier.

A citizen row does not carry the dossier id; the decision committed with it does
(``CitizenRegistered`` names the birth registration, ``DeathRecorded`` the person), so the
decisions of the outbox link rows to dossiers. Rows no decision claims are ``unlinked``.

A newborn counts every row describing the same child — same mother, full name and date of birth,
what makes a birth one birth — so a second row for one child shows as 2, whatever its number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.population import CitizenRegistered, DeathRecorded
from lienthong.runtime.admin_ledger import decided, rows_of
from lienthong.runtime.service import Service
from services.population.models import Citizen


async def ledger(service: Service, session: AsyncSession, dossier_id: str | None) -> dict[str, Any]:
    """``citizen`` (rows of the registered child) and ``death_record`` per dossier."""
    births = await decided(session, CitizenRegistered, dossier_id)
    deaths = await decided(session, DeathRecorded, dossier_id)
    only = dossier_id is not None
    children = await _rows_per_child(
        session, {b.birth_registration_number for _, b in births} if only else None
    )
    deceased = await _deceased(session, {d.personal_id for _, d in deaths} if only else None)
    citizen: dict[str, int] = defaultdict(int)
    for key, number in {(key, b.birth_registration_number) for key, b in births}:
        citizen[key] += children.get(number, 0)
    death_record: dict[str, int] = defaultdict(int)
    for key, personal_id in {(key, d.personal_id) for key, d in deaths}:
        death_record[key] += int(personal_id in deceased)
    unlinked: dict[str, dict[str, int]] = {}
    if not only:
        claimed = {b.birth_registration_number for _, b in births}
        unlinked["citizen"] = {n: rows for n, rows in children.items() if n not in claimed}
        recorded = {d.personal_id for _, d in deaths}
        unlinked["death_record"] = {p: 1 for p in sorted(deceased - recorded)}
    return {
        "facts": {"citizen": dict(citizen), "death_record": dict(death_record)},
        "unlinked": unlinked,
    }


async def _rows_per_child(session: AsyncSession, numbers: Collection[str] | None) -> dict[str, int]:
    """``{birth registration number: rows describing that child}``, one self-join."""
    other = aliased(Citizen)
    number = col(Citizen.birth_registration_number)
    same_child = or_(
        col(other.personal_id) == col(Citizen.personal_id),  # itself, even with no mother known
        and_(
            col(other.mother_personal_id) == col(Citizen.mother_personal_id),
            col(other.full_name) == col(Citizen.full_name),
            col(other.date_of_birth) == col(Citizen.date_of_birth),
        ),
    )
    query = (
        sa_select(number, func.count())
        .join(other, same_child)
        .where(number.is_not(None))
        .group_by(number)
    )
    if numbers is not None:
        query = query.where(number.in_(sorted(numbers)))
    return {str(n): int(rows) for n, rows in await rows_of(session, query)}


async def _deceased(session: AsyncSession, people: Collection[str] | None) -> set[str]:
    """Personal ID numbers recorded dead with a death registration."""
    query = sa_select(col(Citizen.personal_id)).where(
        col(Citizen.death_registration_number).is_not(None), col(Citizen.alive).is_(False)
    )
    if people is not None:
        query = query.where(col(Citizen.personal_id).in_(sorted(people)))
    return {str(row[0]) for row in await rows_of(session, query)}
