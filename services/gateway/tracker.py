"""The dossier state machine: which agency steps a flow has and how events move them.

The gateway tracks, it does not command: agencies react to each other's events, and this module
turns each agency event into a step outcome. Outcomes are applied in whatever order they arrive
(topics are not ordered with each other), so every rule here is order-independent: a step's
``started_at`` is the time its predecessor finished, taken from the predecessor's event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from lienthong.contracts import civil_registry, insurance, population
from lienthong.contracts.envelope import CloudEvent

FLOW_AGENCIES: Final[dict[str, tuple[str, ...]]] = {
    "birth": ("civil_registry", "population", "insurance"),
    "death": ("civil_registry", "population", "insurance"),
}
"""The agency steps of each procedure group, in the order a dossier reaches them."""


class StepStatus(StrEnum):
    """Status of one agency's step of a dossier."""

    PENDING = "pending"
    DONE = "done"
    REJECTED = "rejected"
    FAILED = "failed"


class DossierStatus(StrEnum):
    """Overall status of a dossier."""

    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    FAILED = "failed"


FINAL_STEP_STATUSES: Final = frozenset({StepStatus.DONE, StepStatus.REJECTED})


@dataclass(frozen=True)
class StepOutcome:
    """What one agency event means for one step."""

    agency: str
    status: StepStatus
    at: datetime
    result: dict[str, Any] | None = None
    reason: dict[str, Any] | None = None
    starts: tuple[str, ...] = field(default=())
    verified: bool = False
    """The agency needed verification: the longer legal limits apply."""


def _done(
    agency: str, starts: tuple[str, ...], keys: tuple[str, ...]
) -> Callable[[CloudEvent], StepOutcome]:
    def outcome(event: CloudEvent) -> StepOutcome:
        result = {key: event.data.get(key) for key in keys}
        return StepOutcome(
            agency,
            StepStatus.DONE,
            event.time,
            result=result,
            reason=event.data.get("reason"),  # a decision can be "nothing granted, because…"
            starts=starts,
            verified=bool(event.data.get("verification_required")),
        )

    return outcome


def _rejected(agency: str) -> Callable[[CloudEvent], StepOutcome]:
    def outcome(event: CloudEvent) -> StepOutcome:
        return StepOutcome(agency, StepStatus.REJECTED, event.time, reason=event.data.get("reason"))

    return outcome


OUTCOMES: Final[Mapping[str, Callable[[CloudEvent], StepOutcome]]] = {
    civil_registry.BIRTH_REGISTERED: _done(
        "civil_registry",
        ("population",),
        ("registration_number", "birth_certificate_number", "registered_on"),
    ),
    civil_registry.BIRTH_REJECTED: _rejected("civil_registry"),
    population.CITIZEN_REGISTERED: _done(
        "population",
        ("insurance",),
        ("personal_id", "household_id", "commune_code", "verification_required"),
    ),
    population.CITIZEN_REJECTED: _rejected("population"),
    insurance.CARD_ISSUED: _done(
        "insurance", (), ("card_code", "valid_from", "valid_until", "initial_clinic_code")
    ),
    insurance.CARD_REJECTED: _rejected("insurance"),
    civil_registry.DEATH_REGISTERED: _done(
        "civil_registry",
        ("population", "insurance"),  # the two run in parallel
        ("registration_number", "death_extract_number", "registered_on", "late_registration"),
    ),
    civil_registry.DEATH_REJECTED: _rejected("civil_registry"),
    population.DEATH_RECORDED: _done(
        "population",
        (),
        (
            "personal_id",
            "residence_removed_on",
            "previous_commune_code",
            "new_household_head_personal_id",
        ),
    ),
    population.DEATH_RECORD_REJECTED: _rejected("population"),
    insurance.FUNERAL_BENEFIT_DECIDED: _done(
        "insurance", (), ("benefit", "amount_vnd", "basis", "cards_ended")
    ),
    insurance.FUNERAL_BENEFIT_REJECTED: _rejected("insurance"),
}


def may_apply(current: StepStatus, new: StepStatus) -> bool:
    """A final decision is never overwritten; a failure can be replaced by a later decision."""
    return current not in FINAL_STEP_STATUSES or current == new


def overall_status(statuses: list[StepStatus]) -> DossierStatus:
    """A dossier is as far as its steps: any refusal rejects it, any failure fails it."""
    if any(s == StepStatus.REJECTED for s in statuses):
        return DossierStatus.REJECTED
    if any(s == StepStatus.FAILED for s in statuses):
        return DossierStatus.FAILED
    if statuses and all(s == StepStatus.DONE for s in statuses):
        return DossierStatus.COMPLETED
    if any(s == StepStatus.DONE for s in statuses):
        return DossierStatus.IN_PROGRESS
    return DossierStatus.SUBMITTED
