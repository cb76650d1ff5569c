"""Kafka plumbing that must work on Tansu and on Apache Kafka alike.

No idempotent producer and no transactions (Tansu refuses InitProducerId): delivery is
at-least-once and the inbox makes it exactly-once in effect.
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

log = logging.getLogger(__name__)


async def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int = 3) -> None:
    """Create the topics that do not exist yet; safe to call from every service at start."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    for attempt in range(30):
        try:
            await admin.start()
            break
        except KafkaError:
            if attempt == 29:
                raise
            await asyncio.sleep(0.5)
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(t, partitions, 1) for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                log.debug("topics created concurrently by another service")
    finally:
        await admin.close()


def make_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """A producer tuned for batches: acks from all replicas, a few ms of linger."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
        max_batch_size=256 * 1024,
    )


def make_consumer(
    bootstrap_servers: str,
    group_id: str,
    topics: list[str],
    *,
    session_timeout_ms: int = 6_000,
    heartbeat_interval_ms: int = 2_000,
) -> AIOKafkaConsumer:
    """A consumer that commits by hand, after the database has committed."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=1000,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=heartbeat_interval_ms,
    )
