"""What each agency step of each flow leaves behind: its fact, its decisions, where its input is.

One row per (flow, agency): the fact (a row in the agency's tables) a completed step leaves, the
decision events that say it was done or refused, and which fact must exist before it (its
cause). The services' ledgers (``services/*/ledger.py``) name their facts with these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lienthong.contracts.catalogue import versions_of
from lienthong.contracts.dead_letters import DEAD_LETTERED
from lienthong.contracts.envelope import event_name
from lienthong.contracts.services import CIVIL_REGISTRY, GATEWAY, INSURANCE, POPULATION
from lienthong.contracts.steps import STEP_OF, SUBMITTED, Step


@dataclass(frozen=True)
class Fact:
    """The effect one agency's step leaves (a row in its tables), and what must exist first."""

    name: str
    step: Step
    upstream: str | None
    """The fact that must exist first (None: the dossier itself, at the gateway)."""

    @property
    def agency(self) -> str:
        """The agency that holds it."""
        return self.step.agency

    @property
    def flow(self) -> str:
        """The flow whose step leaves it."""
        return self.step.flow

    @property
    def done(self) -> str:
        """The decision that created it (its first version; see ``Step.done_types``)."""
        return self.step.done

    @property
    def done_types(self) -> tuple[str, ...]:
        """Every version of that decision: each created the fact alike."""
        return self.step.done_types

    @property
    def refused_types(self) -> tuple[str, ...]:
        """Every version of the step's refusal (which leaves no fact)."""
        return self.step.refused_types


FACTS: Final[tuple[Fact, ...]] = (
    Fact("birth_registration", STEP_OF["birth", CIVIL_REGISTRY], None),
    Fact("citizen", STEP_OF["birth", POPULATION], "birth_registration"),
    Fact("health_card", STEP_OF["birth", INSURANCE], "citizen"),
    Fact("death_registration", STEP_OF["death", CIVIL_REGISTRY], None),
    Fact("death_record", STEP_OF["death", POPULATION], "death_registration"),
    Fact("funeral_benefit", STEP_OF["death", INSURANCE], "death_registration"),
)
"""A completed birth leaves the first three, a completed death the last three, once each."""

FACT_BY_NAME: Final[dict[str, Fact]] = {fact.name: fact for fact in FACTS}
FACT_OF_STEP: Final[dict[tuple[str, str], Fact]] = {(f.flow, f.agency): f for f in FACTS}
FLOWS: Final[tuple[str, ...]] = ("birth", "death")

FAILED: Final = DEAD_LETTERED
"""A consumer gave up on a dossier's event: an open failure, waiting for a redrive."""


def facts_of(flow: str) -> tuple[Fact, ...]:
    """The facts a completed dossier of ``flow`` leaves, in the order they are made."""
    return tuple(fact for fact in FACTS if fact.flow == flow)


def downstream_of(fact: Fact) -> tuple[Fact, ...]:
    """The facts that need ``fact`` first (a death registration has two, in parallel)."""
    return tuple(other for other in FACTS if other.upstream == fact.name)


def input_producer(flow: str, agency: str) -> str:
    """The service whose event an agency's step of ``flow`` starts from."""
    upstream = FACT_OF_STEP[(flow, agency)].upstream
    return FACT_BY_NAME[upstream].agency if upstream is not None else GATEWAY


def input_event(flow: str, agency: str) -> str:
    """The event type an agency's step of ``flow`` starts from (its first version)."""
    upstream = FACT_OF_STEP[(flow, agency)].upstream
    return FACT_BY_NAME[upstream].done if upstream is not None else SUBMITTED[flow]


def input_events(flow: str, agency: str) -> tuple[str, ...]:
    """Every version of the event type an agency's step of ``flow`` starts from."""
    return versions_of(input_event(flow, agency))


def short(event_type: str) -> str:
    """``vn.lienthong.population.citizen_registered.v1`` → ``citizen_registered``, for people."""
    return event_name(event_type)
