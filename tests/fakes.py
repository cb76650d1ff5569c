"""Test doubles for building services in-process: a broker that only records what is sent.

A fake belongs in tests only: the real broker is exercised by tests/e2e.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.newborns import NewbornRequest
from services.civil_registry.population_client import PersonRecord


@dataclass
class RecordingProducer:
    """Acknowledges every message at once and keeps it, by topic, in send order."""

    sent: dict[str, list[tuple[bytes, bytes]]] = field(default_factory=lambda: defaultdict(list))
    headers: dict[str, list[list[tuple[str, bytes]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """The headers of each message in ``sent``, at the same positions."""

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to flush."""

    async def send(
        self,
        topic: str,
        value: bytes,
        key: bytes,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> Awaitable[Any]:
        """Record the message; the returned future is already resolved (acknowledged)."""
        self.sent[topic].append((key, value))
        self.headers[topic].append(list(headers or []))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


@dataclass
class RecordingBroker:
    """A broker for in-process tests: topics exist, producers record, nobody consumes.

    Tests move messages themselves: ``records(topic)`` turns what was sent into consumer
    records to hand to a service's ``processor.process``.
    """

    producer_: RecordingProducer = field(default_factory=RecordingProducer)
    offsets: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    async def ensure_topics(self, topics: list[str], partitions: int) -> None:
        """Every topic exists."""

    def producer(self, client_id: str) -> RecordingProducer:
        """One shared recording producer."""
        return self.producer_

    def consumer(self, group_id: str, topics: list[str]) -> AIOKafkaConsumer | None:
        """No consumer loop: tests drive batches."""
        return None

    def events(self, topic: str) -> list[CloudEvent]:
        """Every event sent to ``topic`` so far."""
        return [CloudEvent.from_bytes(value) for _, value in self.producer_.sent[topic]]

    def take(self, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
        """What was sent to ``topic`` since the last take, as consumer records."""
        start = self.offsets[topic]
        messages = self.producer_.sent[topic][start:]
        headers = self.producer_.headers[topic][start:]
        self.offsets[topic] = start + len(messages)
        return [
            record(topic, value, key, start + n, headers[n])
            for n, (key, value) in enumerate(messages)
        ]


def record(
    topic: str,
    value: bytes,
    key: bytes | None = b"k",
    offset: int = 0,
    headers: list[tuple[str, bytes]] | None = None,
) -> ConsumerRecord[bytes, bytes]:
    """A consumer record as aiokafka would deliver it."""
    return ConsumerRecord(
        topic=topic,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key or b""),
        serialized_value_size=len(value),
        headers=list(headers or []),
    )


@dataclass
class StubPopulation:
    """The population database as the civil registry sees it, answering from a dict."""

    people: dict[str, PersonRecord] = field(default_factory=dict)
    calls: int = 0
    failing: bool = False
    numbering: Callable[[list[NewbornRequest]], Awaitable[dict[str, str]]] | None = None

    async def lookup(self, personal_ids: list[str]) -> dict[str, PersonRecord]:
        """The known people among ``personal_ids``; TransientError while ``failing``."""
        from lienthong.runtime.policy import TransientError

        self.calls += 1
        if self.failing:
            raise TransientError("population down (stub)")
        return {pid: self.people[pid] for pid in personal_ids if pid in self.people}

    async def number_newborns(self, births: list[NewbornRequest]) -> dict[str, str] | None:
        """What ``numbering`` answers (the population service's own numbering, in the
        in-process system); None without it, as from a population that numbers at residence."""
        from lienthong.runtime.policy import TransientError

        if self.failing:
            raise TransientError("population down (stub)")
        return await self.numbering(births) if self.numbering is not None else None

    async def close(self) -> None:
        """Nothing to close."""
