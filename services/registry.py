"""How each service is built: its settings class and its app factory, by service name.

The pure facts of a service (name, port, topic) are :mod:`lienthong.contracts.services`; this is
the other half, which needs the service packages themselves, so it lives beside them. Every
entry is written out with plain imports — no module looked up by string, no class found by its
name — so a renamed class is a type error and grep finds every user.

Settings classes are imported here (cheap pydantic models); each app module is imported only by
its ``_*_app`` function, so ``lienthong serve NAME`` loads one service, and a broken service
cannot stop another from starting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, TypeVar

from lienthong.contracts.services import (
    CIVIL_REGISTRY,
    GATEWAY,
    INSURANCE,
    POPULATION,
    SERVICE_NAMES,
    ServiceInfo,
    service_info,
)
from lienthong.runtime.settings import ServiceSettings
from services.civil_registry.settings import CivilRegistrySettings
from services.gateway.settings import GatewaySettings
from services.insurance.settings import InsuranceSettings
from services.population.settings import PopulationSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["REGISTRY", "ServiceEntry", "service_entry"]

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class ServiceEntry:
    """One service: its facts, the settings class read from the env, and how to build its app."""

    info: ServiceInfo
    settings_class: type[ServiceSettings]
    create_app: Callable[[ServiceSettings], FastAPI]
    """Builds the app from settings of ``settings_class`` (anything else is a TypeError)."""

    @property
    def name(self) -> str:
        """The service's name (also its module, database and consumer group)."""
        return self.info.name


def _own(settings: ServiceSettings, settings_class: type[S]) -> S:
    """*settings*, checked to be the service's own class: a mix-up fails loudly, not later."""
    if not isinstance(settings, settings_class):
        raise TypeError(f"expected {settings_class.__name__}, got {type(settings).__name__}")
    return settings


def _gateway_app(settings: ServiceSettings) -> FastAPI:
    """The gateway's app; its module is imported only when the gateway is built."""
    own = _own(settings, GatewaySettings)
    from services.gateway.app import create_app

    return create_app(own)


def _civil_registry_app(settings: ServiceSettings) -> FastAPI:
    """The civil registry's app; its module is imported only when it is built."""
    own = _own(settings, CivilRegistrySettings)
    from services.civil_registry.app import create_app

    return create_app(own)


def _population_app(settings: ServiceSettings) -> FastAPI:
    """The population service's app; its module is imported only when it is built."""
    own = _own(settings, PopulationSettings)
    from services.population.app import create_app

    return create_app(own)


def _insurance_app(settings: ServiceSettings) -> FastAPI:
    """The insurance service's app; its module is imported only when it is built."""
    own = _own(settings, InsuranceSettings)
    from services.insurance.app import create_app

    return create_app(own)


REGISTRY: Final[Mapping[str, ServiceEntry]] = MappingProxyType(
    {
        GATEWAY: ServiceEntry(service_info(GATEWAY), GatewaySettings, _gateway_app),
        CIVIL_REGISTRY: ServiceEntry(
            service_info(CIVIL_REGISTRY), CivilRegistrySettings, _civil_registry_app
        ),
        POPULATION: ServiceEntry(service_info(POPULATION), PopulationSettings, _population_app),
        INSURANCE: ServiceEntry(service_info(INSURANCE), InsuranceSettings, _insurance_app),
    }
)
"""Every service by name, in the start order of ``SERVICES``."""


def service_entry(name: str) -> ServiceEntry:
    """The entry of the service called *name*; ValueError names the valid ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown service {name!r}; one of {', '.join(SERVICE_NAMES)}") from None
