"""The event catalogue: every event type, its payload model, its topic, who sends and who receives.

The one table that holds the system together. The runtime parses and validates a payload once,
from the model named here, before a handler sees it; a service's subscription (its topics) is
derived from the consumers named here; a handler's decisions get their type and topic from it,
and the gateway's tracker its steps' agencies. It is meant to be the source of the AsyncAPI
export, replay and mock mode too. A new version of an event is a new entry with its own type
string and model; consumers accept every version still listed.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel

from lienthong.contracts import civil_registry, gateway, insurance, population
from lienthong.contracts.dead_letters import DEAD_LETTERED, DeadLettered
from lienthong.contracts.services import (
    CIVIL_REGISTRY,
    GATEWAY,
    INSURANCE,
    POPULATION,
    service_info,
)
from lienthong.contracts.topics import DEAD_LETTERS

ANY_SERVICE: Final = "*"
"""Producer of the dead letters: every consumer may give up on a message."""


@dataclass(frozen=True)
class EventSpec:
    """One event type of the catalogue."""

    type: str
    payload: builtins.type[BaseModel]
    producer: str
    consumers: frozenset[str]
    topic: str


def _spec(type_: str, payload: type[BaseModel], producer: str, *consumers: str) -> EventSpec:
    return EventSpec(
        type=type_,
        payload=payload,
        producer=producer,
        consumers=frozenset(consumers),
        topic=service_info(producer).topic,
    )


CATALOGUE: Final[tuple[EventSpec, ...]] = (
    _spec(gateway.BIRTH_DOSSIER_SUBMITTED, gateway.BirthDossierSubmitted, GATEWAY, CIVIL_REGISTRY),
    _spec(gateway.DEATH_DOSSIER_SUBMITTED, gateway.DeathDossierSubmitted, GATEWAY, CIVIL_REGISTRY),
    _spec(
        civil_registry.BIRTH_REGISTERED,
        civil_registry.BirthRegistered,
        CIVIL_REGISTRY,
        POPULATION,
        GATEWAY,
    ),
    _spec(civil_registry.BIRTH_REJECTED, civil_registry.BirthRejected, CIVIL_REGISTRY, GATEWAY),
    _spec(
        civil_registry.BIRTH_RETURNED, civil_registry.BirthDossierReturned, CIVIL_REGISTRY, GATEWAY
    ),
    _spec(
        civil_registry.DEATH_REGISTERED,
        civil_registry.DeathRegistered,
        CIVIL_REGISTRY,
        POPULATION,
        INSURANCE,
        GATEWAY,
    ),
    _spec(civil_registry.DEATH_REJECTED, civil_registry.DeathRejected, CIVIL_REGISTRY, GATEWAY),
    _spec(
        population.CITIZEN_REGISTERED,
        population.CitizenRegistered,
        POPULATION,
        INSURANCE,
        GATEWAY,
    ),
    _spec(population.CITIZEN_REJECTED, population.CitizenRejected, POPULATION, GATEWAY),
    _spec(population.DEATH_RECORDED, population.DeathRecorded, POPULATION, GATEWAY),
    _spec(population.DEATH_RECORD_REJECTED, population.DeathRecordRejected, POPULATION, GATEWAY),
    _spec(insurance.CARD_ISSUED, insurance.HealthCardIssued, INSURANCE, GATEWAY),
    # v2 keys the card by the insured person (the personal ID number, since 1/8/2025); both
    # stay listed while any producer may emit v1 (CARD_EVENT_VERSION), see insurance.py.
    _spec(insurance.CARD_ISSUED_V2, insurance.HealthCardIssuedV2, INSURANCE, GATEWAY),
    _spec(insurance.CARD_REJECTED, insurance.HealthCardRejected, INSURANCE, GATEWAY),
    _spec(insurance.FUNERAL_BENEFIT_DECIDED, insurance.FuneralBenefitDecided, INSURANCE, GATEWAY),
    _spec(insurance.FUNERAL_BENEFIT_REJECTED, insurance.FuneralBenefitRejected, INSURANCE, GATEWAY),
    EventSpec(
        type=DEAD_LETTERED,
        payload=DeadLettered,
        producer=ANY_SERVICE,
        consumers=frozenset({GATEWAY}),
        topic=DEAD_LETTERS,
    ),
)

_BY_TYPE: Final[dict[str, EventSpec]] = {spec.type: spec for spec in CATALOGUE}
_BY_PAYLOAD: Final[dict[type[BaseModel], EventSpec]] = {spec.payload: spec for spec in CATALOGUE}


def _event_and_version(type_: str) -> tuple[str, int]:
    """``vn.lienthong.insurance.health_card_issued.v2`` → (``….health_card_issued``, 2)."""
    event, _, version = type_.rpartition(".v")
    return (event, int(version)) if event and version.isdigit() else (type_, 0)


def _versions() -> dict[str, tuple[str, ...]]:
    """Each event (its type without the version) → its versions' types, oldest first."""
    by_event: dict[str, list[tuple[int, str]]] = {}
    for spec in CATALOGUE:
        event, version = _event_and_version(spec.type)
        by_event.setdefault(event, []).append((version, spec.type))
    return {event: tuple(t for _, t in sorted(types)) for event, types in by_event.items()}


_VERSIONS: Final[dict[str, tuple[str, ...]]] = _versions()


def versions_of(type_: str) -> tuple[str, ...]:
    """Every version the catalogue lists of the event ``type_`` is one version of, oldest first
    (``type_`` itself included, even when not listed).

    For the tables that only name a decision by its type (which flow a failure belongs to,
    which decision created a fact): they accept every version still listed, as consumers must
    during a rolling upgrade, without a second entry each time a version is added.
    """
    listed = _VERSIONS.get(_event_and_version(type_)[0], ())
    return listed if type_ in listed else (type_, *listed)


def spec_for_type(type_: str) -> EventSpec | None:
    """The catalogue entry of an event type, or None when the type is not ours."""
    return _BY_TYPE.get(type_)


def spec_for_payload(payload: type[BaseModel]) -> EventSpec:
    """The catalogue entry whose payload model is ``payload``; KeyError when it has none."""
    try:
        return _BY_PAYLOAD[payload]
    except KeyError:
        raise KeyError(f"{payload.__name__} is not a payload of the event catalogue") from None


def consumed_by(service: str) -> list[EventSpec]:
    """Every event type ``service`` consumes."""
    return [spec for spec in CATALOGUE if service in spec.consumers]


def topics_consumed_by(service: str) -> list[str]:
    """The topics ``service`` subscribes to, in a stable order."""
    return sorted({spec.topic for spec in consumed_by(service)})
