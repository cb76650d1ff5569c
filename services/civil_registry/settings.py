"""Settings of the civil registry service (hộ tịch)."""

from typing import ClassVar

from lienthong.contracts.services import CIVIL_REGISTRY, POPULATION, service_info
from lienthong.runtime.settings import ServiceSettings


class CivilRegistrySettings(ServiceSettings):
    """Civil registry configuration (env: PORT, DATABASE_URL, POPULATION_URL, ...)."""

    service_name: ClassVar[str] = CIVIL_REGISTRY

    population_url: str = f"http://127.0.0.1:{service_info(POPULATION).default_port}"
    population_timeout_s: float = 5.0
    # Luật Hộ tịch 2014, Art. 33: a death is registered within 15 days; later ones are still
    # registered, as late registrations (khai tử quá hạn).
    death_registration_days: int = 15
