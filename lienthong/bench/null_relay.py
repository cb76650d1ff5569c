"""One hop of the null pipeline, as its own process: consume a batch, re-publish it, commit.

``python -m lienthong.bench.null_relay BOOTSTRAP GROUP SOURCE_TOPIC TARGET_TOPIC``

The same delivery promise as a real service, minus the database: a batch from ``getmany``
(the services' batch size and poll timeout), every record sent on with its key and headers,
all acknowledgements awaited, and only then the offsets committed — at-least-once. The same
client tuning too (``lienthong.runtime.kafka``). It prints ``ready`` once its group gave it
partitions, and stops cleanly when its stdin closes (so it dies with whoever started it) or
on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from lienthong.bench.relays import READY
from lienthong.runtime.kafka import make_consumer, make_producer
from lienthong.runtime.settings import ServiceSettings

__all__ = ["main", "relay", "relay_batch", "run"]

log = logging.getLogger("lienthong.bench.null_relay")


async def relay_batch(
    consumer: AIOKafkaConsumer,
    producer: AIOKafkaProducer,
    target: str,
    *,
    batch_size: int,
    poll_timeout_ms: int,
) -> int:
    """Move one batch from the consumer to *target*; returns how many records it moved."""
    batch = await consumer.getmany(timeout_ms=poll_timeout_ms, max_records=batch_size)
    if not batch:
        return 0
    deliveries = [
        await producer.send(
            target, value=record.value, key=record.key, headers=list(record.headers)
        )
        for records in batch.values()
        for record in records
    ]
    await asyncio.gather(*deliveries)
    offsets = {tp: records[-1].offset + 1 for tp, records in batch.items() if records}
    try:
        await consumer.commit(offsets)
    except KafkaError as error:  # as the services' consume loop: redelivered, not lost
        log.warning("offset commit failed (%r); the batch will be relayed again", error)
    return len(deliveries)


async def relay(
    bootstrap_servers: str,
    group: str,
    source: str,
    target: str,
    stop: asyncio.Event,
    *,
    announce: bool = True,
) -> int:
    """Relay until *stop* is set; returns how many records it moved in all."""
    settings = ServiceSettings()
    consumer = make_consumer(
        bootstrap_servers,
        group,
        [source],
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
    )
    producer = make_producer(bootstrap_servers, client_id=group)
    await producer.start()
    await consumer.start()
    moved = 0
    ready = not announce
    try:
        while not stop.is_set():
            moved += await relay_batch(
                consumer,
                producer,
                target,
                batch_size=settings.consumer_batch_size,
                poll_timeout_ms=settings.consumer_poll_timeout_ms,
            )
            if not ready and consumer.assignment():
                ready = True
                print(READY, flush=True)
    finally:
        await consumer.stop()
        await producer.stop()
    return moved


async def _stdin_closed() -> None:
    """Return once stdin reaches end of file: the parent closed it, or died."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(4096):
        pass


async def run(bootstrap_servers: str, group: str, source: str, target: str) -> int:
    """The process's main: relay until stdin closes or SIGTERM arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    watcher = asyncio.create_task(_stdin_closed())
    watcher.add_done_callback(lambda _: stop.set())
    try:
        return await relay(bootstrap_servers, group, source, target, stop)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


def main(argv: list[str] | None = None) -> int:
    """Parse the four positional arguments and relay."""
    parser = argparse.ArgumentParser(prog="python -m lienthong.bench.null_relay")
    parser.add_argument("bootstrap_servers")
    parser.add_argument("group")
    parser.add_argument("source_topic")
    parser.add_argument("target_topic")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format=f"{args.group}: %(message)s")
    moved = asyncio.run(
        run(args.bootstrap_servers, args.group, args.source_topic, args.target_topic)
    )
    log.info("moved %d records", moved)
    return 0


if __name__ == "__main__":
    sys.exit(main())
