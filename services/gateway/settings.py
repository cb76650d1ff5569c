"""Settings of the gateway (Cổng Dịch vụ công + phần mềm dịch vụ công liên thông)."""

from __future__ import annotations

from datetime import time
from typing import ClassVar

from pydantic import field_validator

from lienthong.contracts.services import AGENCIES
from lienthong.runtime.settings import ServiceSettings


def parse_step_days(text: str) -> dict[str, int]:
    """``"civil_registry=1,population=2"`` → working days per agency."""
    days: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        agency, _, value = item.partition("=")
        if agency.strip() not in AGENCIES:
            raise ValueError(f"bad entry {item!r}: agency is one of {', '.join(AGENCIES)}")
        try:
            days[agency.strip()] = int(value)
        except ValueError as error:
            raise ValueError(f"bad entry {item!r}: use agency=days") from error
        if days[agency.strip()] < 1:
            raise ValueError(f"bad entry {item!r}: at least one working day")
    return days


class GatewaySettings(ServiceSettings):
    """Gateway configuration; deadline defaults are domain.md's (Decree 63/2024)."""

    service_name: ClassVar[str] = "gateway"

    # Dossiers received after this local time count from the next working day.
    deadline_cutoff: time = time(15, 0)
    # Birth group: ≤ 3 working days, ≤ 5 when verification is needed (Decree 63/2024).
    birth_deadline_days: int = 3
    birth_deadline_days_verified: int = 5
    # Civil registry the same working day; residence ≤ 2 (≤ 5 with verification); BHYT ≤ 2.
    birth_step_days: str = "civil_registry=1,population=2,insurance=2"
    birth_step_days_verified: str = "civil_registry=1,population=5,insurance=2"
    # Death group: not published for the combined flow (uncertain). Old norms: residence
    # removal 2 working days, social support 3; registration the same day; 1 + 3 in all.
    death_deadline_days: int = 4
    death_step_days: str = "civil_registry=1,population=2,insurance=3"
    # A dossier returned for completion (trả hồ sơ để bổ sung) is completed within this many
    # working days, counted from the day after its return, or rejected (domain.md, birth 5).
    completion_days: int = 7
    # How often (real milliseconds) the portal looks for returned dossiers whose time to be
    # completed ran out; each is rejected at the moment it ran out, whenever this finds it.
    returned_sweep_interval_ms: int = 1000

    @field_validator("birth_step_days", "birth_step_days_verified", "death_step_days")
    @classmethod
    def _valid_step_days(cls, value: str) -> str:
        parse_step_days(value)
        return value
