"""Consumer lag of every service during a run: end offsets minus committed offsets.

Each service consumes in the consumer group named after it (``Service`` builds its consumer
with ``group_id=self.name``) the topics the catalogue routes to it. Lag is what is in those
topics that the group has not committed yet: messages waiting, or being applied. The admin
client's OffsetFetch does not parse on Tansu, so committed offsets are read through a consumer
that carries the group's id but never joins it (no rebalance of the service).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lienthong.contracts.catalogue import topics_consumed_by
from lienthong.contracts.services import SERVICE_NAMES

__all__ = ["LagSampler"]

log = logging.getLogger(__name__)


@dataclass
class LagSampler:
    """Samples every group's lag and keeps the series (the report finds the peaks)."""

    bootstrap_servers: str
    groups: Mapping[str, list[str]] = field(
        default_factory=lambda: {name: topics_consumed_by(name) for name in SERVICE_NAMES}
    )
    series: list[tuple[float, dict[str, int]]] = field(default_factory=list)
    error: str | None = None
    _offsets: Any = None
    _committed: dict[str, Any] = field(default_factory=dict)
    _partitions: dict[str, list[Any]] = field(default_factory=dict)

    async def start(self) -> bool:
        """Connect; False (and ``error`` says why) when the broker cannot be read."""
        from aiokafka import AIOKafkaConsumer
        from aiokafka.structs import TopicPartition

        try:
            self._offsets = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers)
            await self._offsets.start()
            await self._offsets.topics()  # fills the metadata partitions_for_topic reads
            for group, topics in self.groups.items():
                self._partitions[group] = [
                    TopicPartition(topic, p)
                    for topic in topics
                    for p in sorted(self._offsets.partitions_for_topic(topic) or ())
                ]
                consumer = AIOKafkaConsumer(
                    bootstrap_servers=self.bootstrap_servers,
                    group_id=group,
                    enable_auto_commit=False,
                )
                await consumer.start()
                self._committed[group] = consumer
        except Exception as error:  # aiokafka raises many kinds; lag is optional
            self.error = f"{type(error).__name__}: {error}"
            await self.close()
            return False
        return True

    async def sample(self, at: float) -> dict[str, int] | None:
        """Lag per group now (``at``: seconds into the run); None when it cannot be read."""
        by_topic = await self.sample_topics()
        if by_topic is None:
            return None
        lags = {group: sum(topics.values()) for group, topics in by_topic.items()}
        self.series.append((at, lags))
        return lags

    async def sample_topics(self) -> dict[str, dict[str, int]] | None:
        """Lag per group and topic now; None when it cannot be read."""
        if self._offsets is None or self.error is not None:
            return None
        try:
            every = [tp for tps in self._partitions.values() for tp in tps]
            ends = await self._offsets.end_offsets(every) if every else {}
            return dict(
                zip(
                    self._partitions,
                    await asyncio.gather(*(self._lag(group, ends) for group in self._partitions)),
                    strict=True,
                )
            )
        except Exception as error:  # a sample lost is not worth failing the run for
            log.debug("consumer lag not read: %s", error)
            return None

    async def _lag(self, group: str, ends: Mapping[Any, int]) -> dict[str, int]:
        consumer = self._committed[group]
        by_topic: dict[str, int] = dict.fromkeys(self.groups[group], 0)
        for tp in self._partitions[group]:
            committed = await consumer.committed(tp)
            by_topic[tp.topic] += max(0, ends.get(tp, 0) - (committed or 0))
        return by_topic

    async def close(self) -> None:
        """Disconnect every consumer."""
        for consumer in [self._offsets, *self._committed.values()]:
            if consumer is not None:
                try:
                    await consumer.stop()
                except Exception as error:  # closing a broken connection may fail too
                    log.debug("closing a lag consumer: %s", error)
        self._offsets = None
        self._committed = {}
