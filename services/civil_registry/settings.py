"""Settings of the civil registry service (hộ tịch)."""

from typing import ClassVar

from lienthong.runtime.settings import ServiceSettings


class CivilRegistrySettings(ServiceSettings):
    """Civil registry configuration (env: PORT, DATABASE_URL, POPULATION_URL, ...)."""

    service_name: ClassVar[str] = "civil_registry"
    default_port: ClassVar[int] = 8001

    population_url: str = "http://127.0.0.1:8002"
    population_timeout_s: float = 5.0
