"""The Kafka side of consuming: fetch a batch, apply it, commit its offsets.

Offsets are committed only after the batch's transaction, so a crash in between redelivers
the batch and the inbox turns it into duplicates. While the agency is ``down`` the assigned
partitions are paused: messages wait in Kafka, the group membership stays alive. A batch whose
transaction keeps failing is retried under the database policy, then the service reports
itself unhealthy and stops consuming instead of looping forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import KafkaError

from lienthong.runtime.consumer import BatchProcessor
from lienthong.runtime.policy import DatabasePolicy

log = logging.getLogger(__name__)


class GaveUp(Exception):
    """The database kept failing past the policy's budget; the service is unhealthy."""


async def apply_with_policy(
    processor: BatchProcessor, records: list[ConsumerRecord], policy: DatabasePolicy
) -> None:
    """Apply ``records``, retrying a failing transaction with backoff; :class:`GaveUp` after."""
    for attempt in range(1, policy.max_attempts + 1):
        try:
            await processor.process(records)
            return
        except Exception as error:
            if attempt == policy.max_attempts:
                raise GaveUp(f"batch failed {attempt} times: {error!r}") from error
            wait = policy.backoff(attempt).total_seconds()
            log.exception(
                "%s: batch failed (attempt %d), retry in %.1fs", processor.name, attempt, wait
            )
            await asyncio.sleep(wait)


async def consume_forever(
    consumer: AIOKafkaConsumer,
    processor: BatchProcessor,
    *,
    batch_size: int,
    poll_timeout_ms: int,
    paused: Callable[[], bool],
    on_unhealthy: Callable[[str], None],
    policy: DatabasePolicy | None = None,
) -> None:
    """The loop: fetch, apply, commit; returns (after ``on_unhealthy``) if the database fails."""
    policy = policy or DatabasePolicy()
    while True:
        if paused():
            consumer.pause(*consumer.assignment())
        else:
            consumer.resume(*consumer.assignment())
        batch = await consumer.getmany(timeout_ms=poll_timeout_ms, max_records=batch_size)
        records = [record for partition in batch.values() for record in partition]
        if not records:
            continue
        try:
            await apply_with_policy(processor, records, policy)
        except GaveUp as error:
            log.error(
                "%s: %s; reporting unhealthy and stopping the consumer", processor.name, error
            )
            on_unhealthy(str(error))
            return
        try:
            await consumer.commit(
                {partition: recs[-1].offset + 1 for partition, recs in batch.items() if recs}
            )
        except KafkaError as error:
            # Typically a rebalance took the partitions away: their new owner re-reads the
            # batch and the inbox turns it into duplicates. Nothing is lost; carry on.
            log.warning(
                "%s: offset commit failed (%r); the batch will be redelivered",
                processor.name,
                error,
            )
