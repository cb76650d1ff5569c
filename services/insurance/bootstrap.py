"""Composition root of social insurance (BHXH Việt Nam): what it is made of."""

from __future__ import annotations

from lienthong.contracts.services import INSURANCE
from lienthong.runtime.service import Infrastructure, Parts, Service, seeding
from services.insurance.api import router
from services.insurance.handlers import InsuranceHandlers
from services.insurance.ledger import ledger
from services.insurance.models import InsuranceTable
from services.insurance.seeding import seed_if_empty
from services.insurance.settings import InsuranceSettings


def bootstrap(
    settings: InsuranceSettings | None = None,
    parts: Parts | None = None,
) -> Service:
    """The insurance service, with any part replaced; it loads its insurance facts at start."""
    settings = settings or InsuranceSettings()
    infra = Infrastructure.from_settings(settings, parts)
    return Service(
        name=INSURANCE,
        title="lienthong — social insurance (BHXH)",
        description=(
            "Health insurance cards for children under 6 and funeral benefits. Consumes the "
            "population database's registrations and the civil registry's deaths."
        ),
        infra=infra,
        metadata=InsuranceTable.metadata,
        ledger=ledger,
        handlers=InsuranceHandlers(settings, infra.randomness),
        routers=[router],
        on_startup=seeding(seed_if_empty, settings),
    )
