"""Settings of the civil registry service (hộ tịch)."""

from typing import ClassVar

from lienthong.contracts.services import CIVIL_REGISTRY, POPULATION, service_info
from lienthong.runtime.settings import ServiceSettings
from services.civil_registry import windows


class CivilRegistrySettings(ServiceSettings):
    """Civil registry configuration (env: PORT, DATABASE_URL, POPULATION_URL, ...)."""

    service_name: ClassVar[str] = CIVIL_REGISTRY

    population_url: str = f"http://127.0.0.1:{service_info(POPULATION).default_port}"
    population_timeout_s: float = 5.0
    # Luật Hộ tịch 2014, Art. 33: a death is registered within 15 days; later ones are still
    # registered, as late registrations (khai tử quá hạn). Counted from the day after the death
    # to the day the dossier was submitted; a last day off moves to the next working day (Bộ
    # luật Dân sự 2015, Art. 148(5)).
    death_registration_days: int = windows.DEATH_REGISTRATION_DAYS
    # Luật Hộ tịch 2014, Art. 15: a birth is registered within 60 days, counted alike; later
    # ones are still registered, flagged late (đăng ký khai sinh quá hạn).
    birth_registration_days: int = windows.BIRTH_REGISTRATION_DAYS
    # Luật Hôn nhân và gia đình 2014, Art. 88(1): a child born within 300 days after the
    # marriage ended, by the husband's death included, is the husband's child; so a father who
    # died at most this many days before the birth is still declared its father.
    paternity_days_after_death: int = windows.PATERNITY_DAYS_AFTER_DEATH
