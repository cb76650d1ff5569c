"""Each service's own models (its tables' metadata), complete: what its migration history
describes, for the revision script and the tests that hold a history equal to the models.

Some model modules are imported only by a service's composition root (the gateway's counters
and failures), so the roots are imported here for what they import.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import MetaData

from lienthong.contracts.services import CIVIL_REGISTRY, GATEWAY, INSURANCE, POPULATION
from services.civil_registry.bootstrap import bootstrap as civil_registry
from services.civil_registry.models import CivilRegistryTable
from services.gateway.bootstrap import bootstrap as gateway
from services.gateway.models import GatewayTable
from services.insurance.bootstrap import bootstrap as insurance
from services.insurance.models import InsuranceTable
from services.population.bootstrap import bootstrap as population
from services.population.models import PopulationTable

COMPOSITION_ROOTS: Final = (gateway, civil_registry, population, insurance)
"""Imported for what they import: every model module (and table) a running service has."""

MODELS: Final[dict[str, MetaData]] = {
    GATEWAY: GatewayTable.metadata,
    CIVIL_REGISTRY: CivilRegistryTable.metadata,
    POPULATION: PopulationTable.metadata,
    INSURANCE: InsuranceTable.metadata,
}
"""Each service's own metadata, as its composition root passes it to ``Service``."""
