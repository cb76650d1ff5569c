"""Settings of the population database service (CSDL quốc gia về dân cư)."""

from typing import ClassVar

from lienthong.runtime.settings import ServiceSettings


class PopulationSettings(ServiceSettings):
    """Population service configuration (env: PORT, DATABASE_URL, SEED_CITIZENS, ...)."""

    service_name: ClassVar[str] = "population"
    default_port: ClassVar[int] = 8002

    seed_citizens: int = 10_000
    seed_random_seed: int = 2024
