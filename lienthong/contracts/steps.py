"""Each agency step of each flow, and the decisions that close it: one table for everyone.

A birth goes civil registry → population → insurance; a death goes civil registry → population
and insurance in parallel. Each step is closed by its agency's decision — done or refused — in
any version of that event the catalogue lists. The gateway's failures, ``lienthong verify`` and
fault scopes all read the flow of an event type here, so a new step or a new version of a
decision is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.contracts.catalogue import versions_of
from lienthong.contracts.services import CIVIL_REGISTRY, INSURANCE, POPULATION

FlowName = Literal["birth", "death"]

DOSSIER_STATUSES: Final = (
    "submitted",
    "in_progress",
    "returned",
    "completed",
    "rejected",
    "failed",
)
"""A dossier's overall statuses, as the gateway shows and counts them, in the order tables
list them: ``returned`` waits for the requester to complete it (trả hồ sơ để bổ sung)."""


@dataclass(frozen=True)
class Step:
    """One agency's step of one flow, and the event types of its decision."""

    flow: FlowName
    agency: str
    done: str
    """The decision that completes it (its first version)."""
    refused: str
    """The refusal that rejects it (its first version)."""

    @property
    def done_types(self) -> tuple[str, ...]:
        """Every version of the done decision the catalogue lists: after a rolling upgrade some
        steps were closed by ``health_card_issued.v1`` and some by ``.v2``, alike."""
        return versions_of(self.done)

    @property
    def refused_types(self) -> tuple[str, ...]:
        """Every version of the refusal the catalogue lists."""
        return versions_of(self.refused)


STEPS: Final[tuple[Step, ...]] = (
    Step("birth", CIVIL_REGISTRY, civil_registry.BIRTH_REGISTERED, civil_registry.BIRTH_REJECTED),
    Step("birth", POPULATION, population.CITIZEN_REGISTERED, population.CITIZEN_REJECTED),
    Step("birth", INSURANCE, insurance.CARD_ISSUED, insurance.CARD_REJECTED),
    Step("death", CIVIL_REGISTRY, civil_registry.DEATH_REGISTERED, civil_registry.DEATH_REJECTED),
    Step("death", POPULATION, population.DEATH_RECORDED, population.DEATH_RECORD_REJECTED),
    Step("death", INSURANCE, insurance.FUNERAL_BENEFIT_DECIDED, insurance.FUNERAL_BENEFIT_REJECTED),
)
"""Every step, in the order a dossier meets them within its flow."""

STEP_OF: Final[dict[tuple[str, str], Step]] = {(step.flow, step.agency): step for step in STEPS}
"""(flow, agency) → its step."""

SUBMITTED: Final[dict[str, str]] = {
    "birth": gateway.BIRTH_DOSSIER_SUBMITTED,
    "death": gateway.DEATH_DOSSIER_SUBMITTED,
}
"""The gateway's event that hands a dossier of each flow to the civil registry."""

STEP_STATES: Final = (
    "sent",
    "synced",
    "rejected",
    "failed",
    "pending",
    "returned",
    "waiting",
    "skipped",
)
"""How the gateway counts an agency's steps (``/api/v1/stats``, ``/metrics``): ``sent`` is every
step that reached the agency, then each state it can be in."""

SENT_STATES: Final = ("synced", "rejected", "failed", "pending", "returned")
"""The states of a step that reached its agency: ``sent`` is their sum."""

RETURNS: Final[frozenset[str]] = frozenset(versions_of(civil_registry.BIRTH_RETURNED))
"""Events that hand a dossier back to the requester for completion: not a decision of the step,
which the agency still decides once the dossier is completed."""

_FLOW_OF_TYPE: Final[dict[str, FlowName]] = {
    gateway.BIRTH_DOSSIER_SUBMITTED: "birth",
    civil_registry.BIRTH_RETURNED: "birth",
    gateway.DEATH_DOSSIER_SUBMITTED: "death",
    **{type_: step.flow for step in STEPS for type_ in (*step.done_types, *step.refused_types)},
}


def flow_of(event_type: str) -> FlowName | None:
    """``birth`` or ``death`` for an event of a flow (any version); None for the others (a dead
    letter, a type not in the catalogue)."""
    return _FLOW_OF_TYPE.get(event_type)
