"""The event catalogue is the single truth: every type routed, handled and produced as listed."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from lienthong.contracts.catalogue import (
    ANY_SERVICE,
    CATALOGUE,
    consumed_by,
    spec_for_payload,
    topics_consumed_by,
)
from lienthong.contracts.services import SERVICE_NAMES, service_info
from lienthong.contracts.topics import ALL_TOPICS, DEAD_LETTERS
from lienthong.runtime.handlers import ServiceHandlers, handles
from lienthong.runtime.randomness import RandomSource
from services.civil_registry.handlers import CivilRegistryHandlers
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.handlers import Tracker
from services.gateway.settings import GatewaySettings
from services.insurance.handlers import InsuranceHandlers
from services.insurance.settings import InsuranceSettings
from services.population.handlers import PopulationHandlers
from tests.fakes import StubPopulation


def every_service_handlers() -> dict[str, ServiceHandlers]:
    """Each service's handlers, built as their composition roots build them."""
    return {
        "gateway": Tracker(DeadlinePolicy.from_settings(GatewaySettings())),
        "civil_registry": CivilRegistryHandlers(StubPopulation(), death_registration_days=15),
        "population": PopulationHandlers(RandomSource(1)),
        "insurance": InsuranceHandlers(InsuranceSettings(), RandomSource(1)),
    }


def test_types_and_payload_models_appear_once_each() -> None:
    assert len({spec.type for spec in CATALOGUE}) == len(CATALOGUE)
    assert len({spec.payload for spec in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("spec", CATALOGUE, ids=lambda spec: spec.type)
def test_every_type_is_versioned_consumed_and_on_its_producers_topic(spec: object) -> None:
    from lienthong.contracts.catalogue import EventSpec

    assert isinstance(spec, EventSpec)
    assert spec.type.startswith("vn.lienthong.") and spec.type.rsplit(".", 1)[1].startswith("v")
    assert spec.consumers, f"{spec.type} has no consumer"
    assert spec.consumers <= set(SERVICE_NAMES)
    assert spec.producer not in spec.consumers
    expected = DEAD_LETTERS if spec.producer == ANY_SERVICE else service_info(spec.producer).topic
    assert spec.topic == expected and spec.topic in ALL_TOPICS


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_service_handles_exactly_what_the_catalogue_routes_to_it(service: str) -> None:
    handled = set(every_service_handlers()[service].routes())
    assert handled == {spec.type for spec in consumed_by(service)}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_subscribes_only_to_topics_carrying_its_events(service: str) -> None:
    topics = set(topics_consumed_by(service))
    assert service_info(service).topic not in topics  # nobody consumes its own events
    for topic in topics:  # and every topic it reads carries something it handles
        assert any(spec.topic == topic for spec in consumed_by(service))


def test_a_handler_for_a_model_outside_the_catalogue_is_refused_at_definition() -> None:
    class Stray(BaseModel):
        """Not an event of ours."""

    with pytest.raises(KeyError, match="Stray"):
        handles(Stray)


def test_payload_models_map_back_to_their_entry() -> None:
    for spec in CATALOGUE:
        assert spec_for_payload(spec.payload) is spec
