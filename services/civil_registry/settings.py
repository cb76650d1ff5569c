"""Settings of the civil registry service (hộ tịch)."""

from typing import ClassVar

from lienthong.runtime.settings import ServiceSettings


class CivilRegistrySettings(ServiceSettings):
    """Civil registry configuration (env: PORT, DATABASE_URL, POPULATION_URL, ...)."""

    service_name: ClassVar[str] = "civil_registry"
    default_port: ClassVar[int] = 8001

    population_url: str = "http://127.0.0.1:8002"
    population_timeout_s: float = 5.0
    # Luật Hộ tịch 2014, Art. 33: a death is registered within 15 days; later ones are still
    # registered, as late registrations (khai tử quá hạn).
    death_registration_days: int = 15
