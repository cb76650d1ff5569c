"""Topic names: one topic per producing service, plus the dead letters.

Kafka key = dossier id on every topic, so one dossier's events stay in order within a topic.
"""

from typing import Final

from lienthong.contracts.services import SERVICES, service_info

GATEWAY_EVENTS: Final = service_info("gateway").topic
CIVIL_REGISTRY_EVENTS: Final = service_info("civil_registry").topic
POPULATION_EVENTS: Final = service_info("population").topic
INSURANCE_EVENTS: Final = service_info("insurance").topic
DEAD_LETTERS: Final = "lienthong.dead_letters"

TOPIC_OF_SERVICE: Final[dict[str, str]] = {service.name: service.topic for service in SERVICES}

ALL_TOPICS: Final[list[str]] = [*TOPIC_OF_SERVICE.values(), DEAD_LETTERS]
