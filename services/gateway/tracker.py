"""The dossier state machine: which agency steps a flow has and how events move them.

The gateway tracks, it does not command: agencies react to each other's events, and this module
turns each agency decision (a typed payload of the event catalogue) into a step outcome.
Outcomes are applied in whatever order they arrive (topics are not ordered with each other), so
every rule here is order-independent: a step's ``started_at`` is the time its predecessor
finished, taken from the predecessor's event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel

from lienthong.contracts import civil_registry, insurance, population
from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.reasons import Refusal
from lienthong.contracts.services import AGENCIES, INSURANCE, POPULATION

FLOW_AGENCIES: Final[dict[str, tuple[str, ...]]] = {"birth": AGENCIES, "death": AGENCIES}
"""The agency steps of each procedure group, in the order a dossier reaches them."""


class StepStatus(StrEnum):
    """Status of one agency's step of a dossier."""

    PENDING = "pending"
    DONE = "done"
    REJECTED = "rejected"
    FAILED = "failed"
    SKIPPED = "skipped"
    """Never reached: the dossier was refused at an earlier step."""
    RETURNED = "returned"
    """Returned for completion (trả hồ sơ để bổ sung): waits for the requester, not the agency."""


class DossierStatus(StrEnum):
    """Overall status of a dossier."""

    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    FAILED = "failed"
    RETURNED = "returned"
    """An agency asked for missing documents; the requester completes it through the portal."""


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


@dataclass(frozen=True)
class Done:
    """A decision that completes its producer's step: which steps it starts, what it shows.

    ``shows`` maps each key of the step's ``result`` to where the payload holds it: a field
    name, or a dotted path into a nested object (``card.legacy_code``). The result is what the
    gateway's REST API shows, so two versions of one decision map to the same keys and the API
    does not change with the version a producer emits.
    """

    starts: tuple[str, ...]
    shows: Mapping[str, str]


def showing(*names: str, **paths: str) -> dict[str, str]:
    """``shows`` of a :class:`Done`: fields shown under their own name, then renamed paths."""
    return {**{name: name for name in names}, **paths}


DONE: Final[dict[type[BaseModel], Done]] = {
    civil_registry.BirthRegistered: Done(
        (POPULATION,),
        showing(
            "registration_number",
            "birth_certificate_number",
            "registered_on",
            "personal_id",
            "late_registration",
            "medical_birth_certificate_medium",
            "verification_required",
        ),
    ),
    population.CitizenRegistered: Done(
        (INSURANCE,),
        showing("personal_id", "household_id", "commune_code", "verification_required"),
    ),
    insurance.HealthCardIssued: Done(
        (), showing("card_code", "valid_from", "valid_until", "initial_clinic_code")
    ),
    insurance.HealthCardIssuedV2: Done(  # the same keys as v1: the API does not see versions
        (),
        showing(
            card_code="card.legacy_code",
            valid_from="card.valid_from",
            valid_until="card.valid_until",
            initial_clinic_code="card.initial_clinic_code",
        ),
    ),
    civil_registry.DeathRegistered: Done(
        (POPULATION, INSURANCE),  # the two run in parallel
        showing(
            "registration_number", "death_extract_number", "registered_on", "late_registration"
        ),
    ),
    population.DeathRecorded: Done(
        (),
        showing(
            "personal_id",
            "residence_removed_on",
            "previous_commune_code",
            "new_household_head_personal_id",
        ),
    ),
    insurance.FuneralBenefitDecided: Done(
        (), showing("benefit", "amount_vnd", "basis", "cards_ended")
    ),
}
"""Every agency decision that completes a step; the step is its producer's (catalogue)."""


VERIFYING: Final = (civil_registry.BirthRegistered, population.CitizenRegistered)
"""Decisions that can say their agency had to verify (a paper birth certificate, a household
head who is not a parent): the dossier goes on its longer limit."""


def shown(data: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` (``card.valid_until``) of a payload's JSON."""
    value: Any = data
    for name in path.split("."):
        value = value[name]
    return value


def outcome_of(payload: BaseModel, at: datetime) -> StepOutcome:
    """The step outcome of an agency decision made at ``at``; KeyError for other payloads.

    The step is the one of the agency that produces the payload, as the catalogue says; a
    refusal (:class:`Refusal`) rejects it with its reason.
    """
    agency = spec_for_payload(type(payload)).producer
    if isinstance(payload, civil_registry.BirthDossierReturned):
        data = payload.model_dump(mode="json")
        returned = {"returned_on": data["returned_on"], "items": data["items"]}
        return StepOutcome(agency, StepStatus.RETURNED, at, result=returned)
    if isinstance(payload, Refusal):
        reason = payload.reason.model_dump(mode="json")
        return StepOutcome(agency, StepStatus.REJECTED, at, reason=reason)
    done = DONE[type(payload)]
    data = payload.model_dump(mode="json")
    granted_nothing = isinstance(payload, insurance.FuneralBenefitDecided) and payload.reason
    return StepOutcome(
        agency,
        StepStatus.DONE,
        at,
        result={key: shown(data, path) for key, path in done.shows.items()},
        reason=data["reason"] if granted_nothing else None,  # "nothing granted, because…"
        starts=done.starts,
        verified=isinstance(payload, VERIFYING) and payload.verification_required,
    )


def may_apply(current: StepStatus, new: StepStatus) -> bool:
    """A final decision is never overwritten; a failure can be replaced by a later decision."""
    return current not in FINAL_STEP_STATUSES or current == new


def overall_status(statuses: list[StepStatus]) -> DossierStatus:
    """A dossier is as far as its steps: any refusal rejects it, any failure fails it."""
    if any(s == StepStatus.REJECTED for s in statuses):
        return DossierStatus.REJECTED
    if any(s == StepStatus.RETURNED for s in statuses):
        return DossierStatus.RETURNED
    if any(s == StepStatus.FAILED for s in statuses):
        return DossierStatus.FAILED
    if statuses and all(s == StepStatus.DONE for s in statuses):
        return DossierStatus.COMPLETED
    if any(s == StepStatus.DONE for s in statuses):
        return DossierStatus.IN_PROGRESS
    return DossierStatus.SUBMITTED
