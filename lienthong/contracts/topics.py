"""Topic names: one topic per producing service, plus the dead letters.

Kafka key = dossier id on every topic, so one dossier's events stay in order within a topic.
"""

from typing import Final

GATEWAY_EVENTS: Final = "lienthong.gateway.events"
CIVIL_REGISTRY_EVENTS: Final = "lienthong.civil_registry.events"
POPULATION_EVENTS: Final = "lienthong.population.events"
INSURANCE_EVENTS: Final = "lienthong.insurance.events"
DEAD_LETTERS: Final = "lienthong.dead_letters"

TOPIC_OF_SERVICE: Final[dict[str, str]] = {
    "gateway": GATEWAY_EVENTS,
    "civil_registry": CIVIL_REGISTRY_EVENTS,
    "population": POPULATION_EVENTS,
    "insurance": INSURANCE_EVENTS,
}

ALL_TOPICS: Final[list[str]] = [*TOPIC_OF_SERVICE.values(), DEAD_LETTERS]
