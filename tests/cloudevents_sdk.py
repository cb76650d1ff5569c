"""The official CloudEvents SDK for Python reading our Kafka messages, for tests of every level.

A message a service publishes must be a CloudEvent in the Kafka protocol binding's structured mode
(``lienthong/contracts/kafka_binding.py``): :func:`read_by_sdk` checks its headers declare that
mode exactly, then reads it with the SDK's structured-mode readers — the 2.x API
(``cloudevents.core.bindings.kafka``) and the 1.x one it still ships (``cloudevents.v1.kafka``) —
and checks they see the event our own envelope model sees. :func:`read_topics` reads topics back
from a real broker the way a foreign consumer would: a plain aiokafka consumer, no group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from cloudevents.core.bindings import kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.v1 import kafka as kafka_v1

from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.kafka_binding import CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE

Headers = Sequence[tuple[str, bytes]]
"""A Kafka message's headers as aiokafka sends and delivers them."""


def header_map(headers: Headers) -> dict[str, bytes]:
    """The headers as the SDK takes them (a dict): none may be repeated."""
    names = [name for name, _ in headers]
    assert len(set(names)) == len(names), f"a header is repeated: {names}"
    return dict(headers)


def assert_structured_mode(headers: Headers) -> None:
    """The headers declare CloudEvents structured mode, JSON format, as the binding writes it."""
    found = header_map(headers)
    assert found.get(CONTENT_TYPE_HEADER) == STRUCTURED_CONTENT_TYPE.encode(), headers
    # The binding's own mode detection (§3): a content-type prefixed with the CloudEvents media
    # type, matched case-insensitively, means structured mode.
    assert found[CONTENT_TYPE_HEADER].decode().lower().startswith("application/cloudevents")
    # And no ce_ header, which would make the SDK's automatic detection pick binary mode.
    assert not [name for name in found if name.lower().startswith("ce_")], headers


def read_by_sdk(headers: Headers, key: bytes | None, value: bytes) -> CloudEvent:
    """Check the SDK reads the message as the event our model reads; returns ours."""
    assert_structured_mode(headers)
    ours = CloudEvent.from_bytes(value)
    assert key == ours.subject.encode(), "the key is the partition key: the dossier id"

    message = kafka.KafkaMessage(headers=header_map(headers), key=key, value=value)
    theirs = kafka.from_structured(message, JSONFormat())
    assert (
        theirs.get_id(),
        theirs.get_type(),
        theirs.get_source(),
        theirs.get_subject(),
        theirs.get_data(),
    ) == (ours.id, ours.type, ours.source, ours.subject, ours.data)
    assert (theirs.get_specversion(), theirs.get_time()) == (ours.specversion, ours.time)
    assert theirs.get_datacontenttype() == ours.datacontenttype
    assert theirs.get_extension("correlationid") == ours.correlationid
    assert theirs.get_extension("causationid") == ours.causationid
    assert theirs.get_extension("partitionkey") == ours.subject
    # Detecting the mode itself, the SDK takes it as structured too.
    assert kafka.from_kafka(message, JSONFormat()).get_attributes() == theirs.get_attributes()

    legacy = kafka_v1.from_structured(kafka_v1.KafkaMessage(header_map(headers), key, value))
    assert (
        legacy["id"],
        legacy["type"],
        legacy["source"],
        legacy["subject"],
        legacy.get_data(),
    ) == (ours.id, ours.type, ours.source, ours.subject, ours.data)
    return ours


async def read_topics(bootstrap_servers: str, topics: Sequence[str]) -> list[Any]:
    """Every message now on ``topics``, from the beginning (aiokafka consumer records)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()  # loads the cluster metadata
        partitions = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()
