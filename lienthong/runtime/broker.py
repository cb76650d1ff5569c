"""The broker as a service sees it: create topics, a producer, a consumer.

The composition root (``lienthong/runtime/service.py``) takes a :class:`Broker`, so a service can
be built in-process with a broker of the test's choosing; :class:`KafkaBroker` is the real one,
speaking aiokafka to Tansu or Apache Kafka alike.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer

from lienthong.runtime.kafka import ensure_topics, make_consumer, make_producer
from lienthong.runtime.settings import ServiceSettings


class Producer(Protocol):
    """What the outbox relay needs of a producer (aiokafka's AIOKafkaProducer fits)."""

    async def start(self) -> None:
        """Connect."""

    async def stop(self) -> None:
        """Flush and disconnect."""

    async def send(
        self,
        topic: str,
        value: bytes,
        key: bytes,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> Awaitable[Any]:
        """Enqueue one message; the returned awaitable resolves once the broker acknowledged."""


class Broker(Protocol):
    """Where a service publishes and from where it consumes."""

    async def ensure_topics(self, topics: list[str], partitions: int) -> None:
        """Create the topics that do not exist yet."""

    def producer(self, client_id: str) -> Producer:
        """A producer for the outbox relay."""

    def consumer(self, group_id: str, topics: list[str]) -> AIOKafkaConsumer | None:
        """A consumer of ``topics`` in ``group_id``; None when the caller drives batches itself."""


class KafkaBroker:
    """A Kafka-protocol broker reached through aiokafka, configured by the service's settings."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings

    async def ensure_topics(self, topics: list[str], partitions: int) -> None:
        """Create missing topics (every service does it at start; it is idempotent)."""
        await ensure_topics(self._settings.kafka_bootstrap_servers, topics, partitions)

    def producer(self, client_id: str) -> Producer:
        """aiokafka's producer, tuned for batches."""
        producer: Producer = make_producer(self._settings.kafka_bootstrap_servers, client_id)
        return producer

    def consumer(self, group_id: str, topics: list[str]) -> AIOKafkaConsumer:
        """aiokafka's consumer, committing by hand after the database committed."""
        return make_consumer(
            self._settings.kafka_bootstrap_servers,
            group_id,
            topics,
            session_timeout_ms=self._settings.kafka_session_timeout_ms,
            heartbeat_interval_ms=self._settings.kafka_heartbeat_interval_ms,
        )
