"""The null pipeline: the birth flow's hops with raw aiokafka relays, no database, no logic.

    source ("gateway") → civil_registry → population → insurance → sink ("gateway" tracker)

What the full system achieves is only meaningful next to what the same broker, the same hops
and the same processes achieve doing nothing but moving bytes; ``lienthong bench`` runs this
first, then the full system, and prints the ratio. The source and the sink share one process,
as the gateway both publishes dossiers and tracks their events; each relay is a process.

The source sends as fast as the broker takes it, but keeps at most ``max_in_flight`` messages
between its send and their arrival at the sink: the pipeline stays saturated while the backlog,
and with it the latency and the drain at the end, stays bounded. Latency is measured from the
send call to the batch reaching the sink, with ``time.monotonic_ns`` in both (one process).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from typing import Final

from lienthong.bench.ends import NullPipelineError, Sink, Source
from lienthong.bench.measure import NullPipelineResult, Window, summarise
from lienthong.bench.relays import RelayProcess, check_alive, relays_ready, running_relays
from lienthong.bench.sample import Sample
from lienthong.bench.topics import (
    SOURCE_HOP,
    bench_group,
    contract_partitions,
    delete_topics,
    new_run_id,
    pipeline_topics,
)
from lienthong.runtime.kafka import ensure_topics, make_consumer, make_producer
from lienthong.runtime.settings import ServiceSettings

__all__ = ["NULL_HOPS", "NullPipelineError", "run_null_pipeline"]

NULL_HOPS: Final = ("civil_registry", "population", "insurance")
"""The birth flow's agencies, in the order a submitted birth dossier reaches them."""

DEFAULT_WARMUP_S: Final = 2.0
DEFAULT_MAX_IN_FLIGHT: Final = 10_000
"""Enough to saturate a 2-core machine (broker, three relays, source and sink all busy).

Below it the rate is bound by latency (Little's law: in flight ÷ end-to-end latency, and each
consumer's fetch adds tens of ms), so it measures the bound, not the hops: 2,000 gave 4,100
messages/s, 5,000 gave 7,400, 10,000 gave 9,500-10,700; above it the rate fell (20,000: 8,900,
40,000: 8,000) and only the latency grew.
"""
_SINK_STOP_S: Final = 5.0


async def _sink_ready(sink: Sink, sinking: asyncio.Task[None], timeout_s: float) -> None:
    """Wait until the sink owns partitions; its own failure, or a timeout, is raised."""
    waiter = asyncio.ensure_future(sink.ready.wait())
    try:
        await asyncio.wait({sinking, waiter}, timeout=timeout_s, return_when="FIRST_COMPLETED")
    finally:
        waiter.cancel()
    if sinking.done():
        sinking.result()
    if not sink.ready.is_set():
        raise NullPipelineError(f"the sink got no partitions within {timeout_s:.0f} s")


async def _drain(
    sink: Sink,
    sinking: asyncio.Task[None],
    expected: int,
    relays: Sequence[RelayProcess],
    timeout_s: float,
) -> None:
    """Wait for the sink to see *expected* messages, giving up early if a relay or it failed."""
    deadline = time.monotonic() + timeout_s  # real-time ok: a timeout
    while not await sink.wait_for(expected, min(0.5, max(deadline - time.monotonic(), 0))):
        check_alive(relays)
        if sinking.done():
            sinking.result()
        if time.monotonic() >= deadline:  # real-time ok: a timeout
            break
    check_alive(relays)


async def run_null_pipeline(
    bootstrap_servers: str,
    *,
    duration_s: float,
    hops: Sequence[str] = NULL_HOPS,
    warmup_s: float = DEFAULT_WARMUP_S,
    partitions: int | None = None,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    run_id: str | None = None,
    ready_timeout_s: float = 60.0,
    drain_timeout_s: float = 30.0,
) -> NullPipelineResult:
    """Run the null pipeline on *bootstrap_servers* and measure it over *duration_s*.

    The source sends for *warmup_s* + *duration_s*; only arrivals in the last *duration_s*
    count toward the rate. *partitions* defaults to the contract topics' count on this broker.
    Raises :class:`NullPipelineError` when a relay dies or the sink never gets partitions;
    messages still missing after *drain_timeout_s* are reported as ``lost``, not raised.
    """
    if duration_s <= 0 or warmup_s < 0 or max_in_flight < 1:
        raise ValueError("duration_s > 0, warmup_s >= 0 and max_in_flight >= 1 are required")
    run_id = run_id or new_run_id()
    topics = pipeline_topics(run_id, hops)
    partitions = partitions or await contract_partitions(bootstrap_servers)
    await ensure_topics(bootstrap_servers, topics, partitions)
    try:
        return await _measure(
            bootstrap_servers,
            run_id,
            hops,
            topics,
            partitions=partitions,
            duration_s=duration_s,
            warmup_s=warmup_s,
            max_in_flight=max_in_flight,
            ready_timeout_s=ready_timeout_s,
            drain_timeout_s=drain_timeout_s,
        )
    finally:
        await delete_topics(bootstrap_servers, topics)


async def _measure(
    bootstrap_servers: str,
    run_id: str,
    hops: Sequence[str],
    topics: list[str],
    *,
    partitions: int,
    duration_s: float,
    warmup_s: float,
    max_in_flight: int,
    ready_timeout_s: float,
    drain_timeout_s: float,
) -> NullPipelineResult:
    """Start relays and sink, send, drain, summarise; everything is stopped on the way out.

    The relays are spawned first, so their interpreters start and their groups join while the
    sink joins its own: on Tansu a join takes about half the session timeout, 3 s.
    """
    settings = ServiceSettings()
    group = bench_group(run_id, SOURCE_HOP)
    consumer = make_consumer(bootstrap_servers, group, [topics[-1]])
    producer = make_producer(bootstrap_servers, client_id=f"{group}.source")
    sink = Sink(consumer, settings.consumer_batch_size, settings.consumer_poll_timeout_ms)
    async with contextlib.AsyncExitStack() as stack:
        relays = await stack.enter_async_context(
            running_relays(bootstrap_servers, run_id, hops, topics)
        )
        source = Source(producer, topics[0], Sample(run_id))
        await producer.start()
        stack.push_async_callback(producer.stop)
        await consumer.start()
        stack.push_async_callback(consumer.stop)
        sinking = asyncio.create_task(sink.run())
        stack.push_async_callback(_stop_sink, sink, sinking)
        await asyncio.gather(
            relays_ready(relays, ready_timeout_s), _sink_ready(sink, sinking, ready_timeout_s)
        )
        started = time.monotonic_ns()  # real-time ok: the measured window
        window = Window(
            start_ns=started + int(warmup_s * 1e9),
            end_ns=started + int((warmup_s + duration_s) * 1e9),
        )
        await source.run(sink, until_ns=window.end_ns, max_in_flight=max_in_flight)
        await _drain(sink, sinking, source.acked, relays, drain_timeout_s)
    return summarise(
        run_id=run_id,
        hop_names=hops,
        partitions=partitions,
        message_bytes=source.message_bytes,
        max_in_flight=max_in_flight,
        warmup_s=warmup_s,
        sent=source.acked,
        send_errors=source.failed,
        arrivals=sink.arrivals,
        window=window,
    )


async def _stop_sink(sink: Sink, task: asyncio.Task[None]) -> None:
    """Let the sink finish its batch (cancel it if it hangs); an error it ended with propagates."""
    sink.stopping.set()
    done, _ = await asyncio.wait({task}, timeout=_SINK_STOP_S)
    if not done:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
