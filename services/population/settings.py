"""Settings of the population database service (CSDL quốc gia về dân cư)."""

from typing import ClassVar

from lienthong.runtime.settings import SeededSettings


class PopulationSettings(SeededSettings):
    """Population service configuration (env: PORT, DATABASE_URL, SEED_CITIZENS, ...)."""

    service_name: ClassVar[str] = "population"
