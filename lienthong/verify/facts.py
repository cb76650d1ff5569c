"""What each agency step of each flow leaves behind: its fact, its decisions, where its input is.

One row per (flow, agency): the fact (a row in the agency's tables) a completed step leaves, the
decision events that say it was done or refused, and which fact must exist before it (its
cause). The services' ledgers (``services/*/ledger.py``) name their facts with these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.contracts.catalogue import versions_of
from lienthong.contracts.dead_letters import DEAD_LETTERED
from lienthong.contracts.services import CIVIL_REGISTRY, GATEWAY, INSURANCE, POPULATION


@dataclass(frozen=True)
class Fact:
    """The effect one agency's step leaves, and the decisions about it."""

    name: str
    agency: str
    flow: str
    done: str
    """The event type of the decision that created it (its first version)."""
    refused: str
    """The event type of the refusal (the step's alternative outcome)."""
    upstream: str | None
    """The fact that must exist first (None: the dossier itself, at the gateway)."""

    @property
    def done_types(self) -> tuple[str, ...]:
        """Every version of the done decision the catalogue lists: after a rolling upgrade a
        ledger holds some of one (``health_card_issued.v1``) and some of the next (``.v2``),
        and each created the fact alike."""
        return versions_of(self.done)

    @property
    def refused_types(self) -> tuple[str, ...]:
        """Every version of the refusal the catalogue lists."""
        return versions_of(self.refused)


FACTS: Final[tuple[Fact, ...]] = (
    Fact(
        "birth_registration",
        CIVIL_REGISTRY,
        "birth",
        civil_registry.BIRTH_REGISTERED,
        civil_registry.BIRTH_REJECTED,
        None,
    ),
    Fact(
        "citizen",
        POPULATION,
        "birth",
        population.CITIZEN_REGISTERED,
        population.CITIZEN_REJECTED,
        "birth_registration",
    ),
    Fact(
        "health_card",
        INSURANCE,
        "birth",
        insurance.CARD_ISSUED,
        insurance.CARD_REJECTED,
        "citizen",
    ),
    Fact(
        "death_registration",
        CIVIL_REGISTRY,
        "death",
        civil_registry.DEATH_REGISTERED,
        civil_registry.DEATH_REJECTED,
        None,
    ),
    Fact(
        "death_record",
        POPULATION,
        "death",
        population.DEATH_RECORDED,
        population.DEATH_RECORD_REJECTED,
        "death_registration",
    ),
    Fact(
        "funeral_benefit",
        INSURANCE,
        "death",
        insurance.FUNERAL_BENEFIT_DECIDED,
        insurance.FUNERAL_BENEFIT_REJECTED,
        "death_registration",
    ),
)
"""A completed birth leaves the first three, a completed death the last three, once each."""

FACT_BY_NAME: Final[dict[str, Fact]] = {fact.name: fact for fact in FACTS}
FACT_OF_STEP: Final[dict[tuple[str, str], Fact]] = {(f.flow, f.agency): f for f in FACTS}
FLOWS: Final[tuple[str, ...]] = ("birth", "death")

SUBMITTED: Final[dict[str, str]] = {
    "birth": gateway.BIRTH_DOSSIER_SUBMITTED,
    "death": gateway.DEATH_DOSSIER_SUBMITTED,
}
"""The gateway's event that hands a dossier of each flow to the civil registry."""

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
    parts = event_type.split(".")
    return parts[-2] if len(parts) >= 2 else event_type
