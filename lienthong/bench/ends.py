"""The gateway's two ends of the null pipeline: the source that submits, the sink that tracks.

Both run in the orchestrator's process and event loop, as the gateway both publishes
submitted dossiers and consumes every agency's events. The source keeps at most
``max_in_flight`` messages between its send and their arrival at the sink, so the pipeline stays
saturated while the backlog (and with it latency and the final drain) stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Final

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from lienthong.bench.measure import Arrivals
from lienthong.bench.sample import Sample, sent_header, sent_ns

__all__ = ["NullPipelineError", "Sink", "Source"]

_YIELD_EVERY: Final = 256

log = logging.getLogger(__name__)


class NullPipelineError(RuntimeError):
    """The null pipeline could not run or lost its way (a relay died, the sink never joined)."""


class Sink:
    """The last consumer: counts distinct arrivals, their latency, and any repeat."""

    def __init__(self, consumer: AIOKafkaConsumer, batch_size: int, poll_timeout_ms: int) -> None:
        self._consumer = consumer
        self._batch_size = batch_size
        self._poll_timeout_ms = poll_timeout_ms
        self._seen: set[bytes] = set()
        self.arrivals = Arrivals.empty()
        self.ready = asyncio.Event()
        """Set once the sink's group gave it partitions."""
        self.progress = asyncio.Event()
        """Set after every batch; whoever waits for arrivals clears it first."""
        self.stopping = asyncio.Event()
        """Set to end :meth:`run` after its current batch (cancelling it mid-commit is noisy)."""

    async def run(self) -> None:
        """Consume until told to stop, committing after counting as the tracker does after writing.

        A failed commit is only logged, as the services' consume loop does: the batch comes
        again and shows up as duplicates.
        """
        while not self.stopping.is_set():
            batch = await self._consumer.getmany(
                timeout_ms=self._poll_timeout_ms, max_records=self._batch_size
            )
            now = time.monotonic_ns()  # real-time ok: a benchmark measures real time
            if not self.ready.is_set() and self._consumer.assignment():
                self.ready.set()
            if not batch:
                continue
            for records in batch.values():
                for record in records:
                    self._count(record.key, sent_ns(record.headers), now)
            try:
                await self._consumer.commit(
                    {tp: records[-1].offset + 1 for tp, records in batch.items() if records}
                )
            except KafkaError as error:
                log.warning("sink: offset commit failed (%r); the batch will come again", error)
            self.progress.set()

    def _count(self, key: bytes | None, sent: int | None, now: int) -> None:
        if key is None or sent is None:
            raise NullPipelineError("a message reached the sink without its key or send time")
        if key in self._seen:
            self.arrivals.duplicates += 1
            return
        self._seen.add(key)
        self.arrivals.at_ns.append(now)
        self.arrivals.latency_ns.append(now - sent)

    async def wait_for(self, delivered: int, timeout_s: float) -> bool:
        """Wait until *delivered* distinct messages arrived; False if *timeout_s* ran out."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                while self.arrivals.delivered < delivered:
                    self.progress.clear()
                    await self.progress.wait()
        return self.arrivals.delivered >= delivered


class Source:
    """Sends sample messages to the first topic as fast as the in-flight bound allows."""

    def __init__(self, producer: AIOKafkaProducer, topic: str, sample: Sample) -> None:
        self._producer = producer
        self._topic = topic
        self._sample = sample
        self.issued = 0
        self.acked = 0
        self.failed = 0

    @property
    def message_bytes(self) -> int:
        """Bytes of every value sent."""
        return self._sample.size

    def _settled(self, delivery: asyncio.Future[object]) -> None:
        if delivery.cancelled() or delivery.exception() is not None:
            self.failed += 1
        else:
            self.acked += 1

    async def run(self, sink: Sink, *, until_ns: int, max_in_flight: int) -> None:
        """Send until *until_ns*, then wait for every acknowledgement."""
        pending: set[asyncio.Future[object]] = set()
        while (now := time.monotonic_ns()) < until_ns:  # real-time ok: the run's length
            if self.issued - self.failed - sink.arrivals.delivered >= max_in_flight:
                sink.progress.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(min((until_ns - now) / 1e9, 0.1)):
                        await sink.progress.wait()
                continue
            key = self._sample.key(self.issued)
            delivery = await self._producer.send(
                self._topic, value=self._sample.value(key), key=key, headers=sent_header(now)
            )
            pending.add(delivery)
            delivery.add_done_callback(pending.discard)
            delivery.add_done_callback(self._settled)
            self.issued += 1
            if self.issued % _YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let the sender and the sink run between bursts
        await asyncio.gather(*pending, return_exceptions=True)
