"""The field types scenario files share: offsets, bounds, province codes, strict models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from lienthong.scenarios.bounds import parse_bound, parse_seconds

__all__ = ["Agency", "BoundSpec", "Offset", "Province", "Service", "Strict"]


def _duration(value: str | float) -> str | float:
    parse_seconds(value)
    return value


def _bound(value: str | float) -> str | float:
    parse_bound(value)
    return value


Offset = Annotated[
    str | float,
    AfterValidator(_duration),
    Field(
        description="Simulated time from the scenario's start: seconds, or a number with "
        "ms, s, m, h or d.",
        examples=["0s", "30s", "2h", "3d"],
    ),
]
BoundSpec = Annotated[
    str | float,
    AfterValidator(_bound),
    Field(
        description="Exact number, or a comparison ('>= 180', '< 5s') or a range ('170..190').",
        examples=[200, ">= 180", "< 5s", "170..190"],
    ),
]
Province = Annotated[str, Field(pattern=r"^\d{2}$", description="2-digit province code (2025).")]
Agency = Literal["civil_registry", "population", "insurance"]
Service = Literal["gateway", "civil_registry", "population", "insurance"]
"""Every service (``lienthong.contracts.services.SERVICE_NAMES``; a unit test keeps them equal)."""


class Strict(BaseModel):
    """Unknown keys are mistakes (a misspelt ``expect`` would silently check nothing)."""

    model_config = ConfigDict(extra="forbid")
