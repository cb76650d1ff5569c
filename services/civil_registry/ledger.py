"""The civil registry's part of ``/admin/ledger``: its registrations, counted per dossier.

Both registers carry the dossier id, so each fact is one GROUP BY. ``lienthong verify`` expects
exactly one of each per registered dossier; the fact names are the ones it knows.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.admin_ledger import count_by
from lienthong.runtime.service import Service
from services.civil_registry.models import BirthRegistration, DeathRegistration


async def ledger(service: Service, session: AsyncSession, dossier_id: str | None) -> dict[str, Any]:
    """``birth_registration`` and ``death_registration`` rows per dossier; nothing is unlinked."""
    return {
        "facts": {
            "birth_registration": await count_by(
                session, col(BirthRegistration.dossier_id), dossier_id
            ),
            "death_registration": await count_by(
                session, col(DeathRegistration.dossier_id), dossier_id
            ),
        },
        "unlinked": {},
    }
