"""Settings of the social insurance service (BHXH)."""

from typing import ClassVar

from lienthong.runtime.settings import ServiceSettings


class InsuranceSettings(ServiceSettings):
    """Insurance configuration; the card rule's figures are settings (uncertain after 2025)."""

    service_name: ClassVar[str] = "insurance"
    default_port: ClassVar[int] = 8003

    child_card_age_months: int = 72
    child_card_school_cutoff_month: int = 9
    child_card_school_cutoff_day: int = 30
