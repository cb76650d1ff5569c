"""Composition root of a simulated agency (mock mode): the agency's contract, no records.

``lienthong up --only …`` runs the named agencies for real and builds every other one here: the
same runtime (inbox, outbox, relay, faults, /health, /metrics) with :class:`MockHandlers`
instead of the agency's own, no tables of its own, and — for the population database — the
lookup the civil registry calls. It reads the agency's own settings class, so the figures it
answers with (the card's validity, the funeral levels, the 15-day window) are the real one's.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import MetaData

from lienthong.contracts.services import POPULATION
from lienthong.runtime.app import create_service_app
from lienthong.runtime.service import Infrastructure, Parts, Service
from lienthong.runtime.settings import SeededSettings, ServiceSettings
from services.mock.handlers import MockHandlers
from services.mock.ledger import ledger
from services.mock.lookups import lookup_router
from services.mock.rules import MockRule, delay_of


def bootstrap_mock(
    agency: str,
    settings: ServiceSettings,
    rules: list[MockRule],
    parts: Parts | None = None,
) -> Service:
    """The simulated *agency*, answering as *rules* say (a delay rule is its processing delay)."""
    delay = delay_of(agency, rules)
    if delay is not None:
        settings = settings.model_copy(update={"processing_delay": delay})
    infra = Infrastructure.from_settings(settings, parts)
    routers = []
    if agency == POPULATION and isinstance(settings, SeededSettings):
        routers.append(lookup_router(settings.seed_citizens, settings.seed_random_seed))
    written = "; ".join(str(rule) for rule in rules if rule.agency == agency) or "accept all"
    return Service(
        name=agency,
        title=f"lienthong — {agency} (simulated)",
        description=(
            f"The {agency} agency simulated from its contracts (mock mode): it consumes what "
            f"the agency consumes and answers with schema-valid events. Rules: {written}."
        ),
        infra=infra,
        metadata=MetaData(),
        ledger=ledger,
        handlers=MockHandlers(agency, settings, rules, infra.randomness),
        routers=routers,
        simulated=True,
    )


def create_mock_app(agency: str, settings: ServiceSettings, rules: list[MockRule]) -> FastAPI:
    """The simulated agency's app (what `lienthong serve AGENCY --mock` runs)."""
    return create_service_app(bootstrap_mock(agency, settings, rules))
