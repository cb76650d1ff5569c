"""The services of the sandbox as every other part sees them: name, default port, topic.

Pure facts, importable by anyone (contracts import nothing of ours). Which Python classes build a
service is a different question, answered by ``services/registry.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

GATEWAY: Final = "gateway"
CIVIL_REGISTRY: Final = "civil_registry"
POPULATION: Final = "population"
INSURANCE: Final = "insurance"


@dataclass(frozen=True)
class ServiceInfo:
    """One service: its name (also its module, database and consumer group), port and topic."""

    name: str
    default_port: int
    topic: str
    """The topic it publishes its events on (one topic per producing service)."""

    @property
    def url_env(self) -> str:
        """The environment variable through which peers learn where it answers HTTP."""
        return f"{self.name.upper()}_URL"


SERVICES: Final[tuple[ServiceInfo, ...]] = (
    ServiceInfo(GATEWAY, 8000, "lienthong.gateway.events"),
    ServiceInfo(CIVIL_REGISTRY, 8001, "lienthong.civil_registry.events"),
    ServiceInfo(POPULATION, 8002, "lienthong.population.events"),
    ServiceInfo(INSURANCE, 8003, "lienthong.insurance.events"),
)
"""Every service, in start order (the order only affects log interleaving)."""

SERVICE_NAMES: Final[tuple[str, ...]] = tuple(service.name for service in SERVICES)
AGENCIES: Final[tuple[str, ...]] = (CIVIL_REGISTRY, POPULATION, INSURANCE)
"""The agencies a dossier goes through (every service but the gateway)."""
DEFAULT_PORTS: Final[dict[str, int]] = {s.name: s.default_port for s in SERVICES}


def service_info(name: str) -> ServiceInfo:
    """The service called ``name``; ValueError names the valid ones."""
    for service in SERVICES:
        if service.name == name:
            return service
    raise ValueError(f"unknown service {name!r}; one of {', '.join(SERVICE_NAMES)}")
