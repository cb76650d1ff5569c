"""Social insurance's part of ``/admin/ledger``: children's cards and funeral benefits, per dossier.

Both tables carry the dossier id. A card counts every card of the same child (personal ID
number), so a second card for one child shows as 2 even when it names no dossier.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.admin_ledger import count_by, rows_of
from lienthong.runtime.service import Service
from services.insurance.models import FuneralBenefit, HealthCard


async def ledger(service: Service, session: AsyncSession, dossier_id: str | None) -> dict[str, Any]:
    """``health_card`` (cards of the dossier's child) and ``funeral_benefit`` (decisions)."""
    return {
        "facts": {
            "health_card": await _cards_per_dossier(session, dossier_id),
            "funeral_benefit": await count_by(session, col(FuneralBenefit.dossier_id), dossier_id),
        },
        "unlinked": {},
    }


async def _cards_per_dossier(session: AsyncSession, dossier_id: str | None) -> dict[str, int]:
    """``{dossier id: cards its child holds}``, one self-join on the personal ID number."""
    other = aliased(HealthCard)
    dossier = col(HealthCard.dossier_id)
    query = (
        sa_select(dossier, func.count())
        .join(other, col(other.personal_id) == col(HealthCard.personal_id))
        .where(dossier.is_not(None))
        .group_by(dossier)
    )
    if dossier_id is not None:
        query = query.where(dossier == dossier_id)
    return {str(key): int(n) for key, n in await rows_of(session, query)}
