"""What every level of tests shares: the shipped examples and how a dossier is submitted and read.

Unit, integration and end-to-end helpers import these, so a change of the public contract is
made in one place.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from lienthong.chaos.load import example
from lienthong.contracts.civil_registry import BirthRegistered
from lienthong.contracts.forms import BirthDossier
from lienthong.contracts.population import CitizenRegistered
from lienthong.runtime.clock import SimClock

ROOT = Path(__file__).resolve().parents[1]
DOSSIERS = "/api/v1/dossiers"


def load_example(name: str = "birth") -> dict[str, Any]:
    """A shipped example dossier (``examples/NAME.json``), as a fresh dict."""
    return example(name)


async def submit(client: httpx.AsyncClient, form: dict[str, Any], **headers: str) -> str:
    """POST a dossier, check the gateway accepted it (202, not yet finished), return its id."""
    response = await client.post(DOSSIERS, json=form, headers=headers)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] in {"submitted", "in_progress", "completed"}
    return str(body["dossier_id"])


def steps_by_agency(dossier: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A dossier's steps keyed by agency, to read one agency's result directly."""
    return {step["agency"]: step for step in dossier["steps"]}


def birth_registered(
    dossier_id: str,
    registration_number: str = "KS-00685-2026-000001",
    birth_certificate_number: str = "GKS-2026-00685000001",
) -> BirthRegistered:
    """The civil registry's decision on the shipped birth example (registered 16/11/2026)."""
    form = BirthDossier.model_validate(load_example("birth"))
    return BirthRegistered(
        dossier_id=dossier_id,
        registration_number=registration_number,
        birth_certificate_number=birth_certificate_number,
        registered_on=date(2026, 11, 16),
        registration_province_code="01",
        child=form.child,
        mother=form.mother,
        father=form.father,
        residence=form.residence,
        health_insurance=form.health_insurance,
    )


CHILD_ID = "001226004213"
"""The shipped birth example's child as population numbers it: Hà Nội (001), a boy of the
2000s (2), born 2026 (26)."""


def citizen_registered(dossier_id: str, *, verification: bool = False) -> CitizenRegistered:
    """Population's decision on the shipped birth example: the child, numbered and resident."""
    form = BirthDossier.model_validate(load_example("birth"))
    return CitizenRegistered(
        dossier_id=dossier_id,
        personal_id=CHILD_ID,
        full_name=form.child.full_name,
        date_of_birth=form.child.date_of_birth,
        sex=form.child.sex,
        household_id="HO0100000001",
        commune_code="00685",
        province_code="01",
        birth_registration_number="KS-00685-2026-000001",
        health_insurance=form.health_insurance,
        verification_required=verification,
    )


class ManualClock(SimClock):
    """A simulated clock that moves only when told to."""

    def __init__(self, at: datetime) -> None:
        super().__init__(speed=1.0, start=at)
        object.__setattr__(self, "at", at)

    def now(self) -> datetime:
        """The time it was set to."""
        moment: datetime = self.__dict__["at"]
        return moment

    def advance(self, by: timedelta) -> None:
        """Move forward by ``by``."""
        object.__setattr__(self, "at", self.now() + by)
