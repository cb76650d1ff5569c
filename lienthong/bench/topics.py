"""The null pipeline's own topics: named per run, sized like the contract topics, then deleted.

Fresh topics per run keep a benchmark from reading what an earlier run (or the sandbox's real
traffic) left behind, and let it run beside a live ``up`` on the same broker. They get the
partition count of the contract topics, because partitions bound how a consumer group spreads
and batches, and a null pipeline on other partitions would not be the same hops.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import Sequence
from typing import Final

from aiokafka.admin import AIOKafkaAdminClient

from lienthong.contracts.topics import GATEWAY_EVENTS
from lienthong.runtime.settings import ServiceSettings

__all__ = [
    "SOURCE_HOP",
    "bench_group",
    "bench_topic",
    "contract_partitions",
    "delete_topics",
    "new_run_id",
    "pipeline_topics",
]

log = logging.getLogger(__name__)

SOURCE_HOP: Final = "gateway"
"""The hop whose topic the source writes to, as the gateway publishes submitted dossiers."""

_PREFIX: Final = "lienthong.bench"
_LEGAL: Final = re.compile(r"[A-Za-z0-9_-]+")


def new_run_id() -> str:
    """A short random id: two benchmarks on one broker never share a topic or a group."""
    return secrets.token_hex(4)


def bench_topic(run_id: str, hop: str) -> str:
    """``lienthong.bench.<run-id>.<hop>``, the topic *hop* publishes to in run *run_id*."""
    for part in (run_id, hop):
        if not _LEGAL.fullmatch(part):
            raise ValueError(f"{part!r} cannot be part of a topic name: use [A-Za-z0-9_-]")
    return f"{_PREFIX}.{run_id}.{hop}"


def bench_group(run_id: str, hop: str) -> str:
    """The consumer group of *hop*'s relay (or of the sink): one per hop, as one per service."""
    return f"{bench_topic(run_id, hop)}.group"


def pipeline_topics(run_id: str, hops: Sequence[str]) -> list[str]:
    """The source's topic, then each relay's, in the order messages travel."""
    names = [SOURCE_HOP, *hops]
    if len(set(names)) != len(names):
        raise ValueError(f"hop names must be distinct and not {SOURCE_HOP!r}: {list(hops)}")
    return [bench_topic(run_id, name) for name in names]


async def contract_partitions(bootstrap_servers: str) -> int:
    """The partition count of the gateway's contract topic on this broker, else the default.

    The default is what a service would create (``KAFKA_TOPIC_PARTITIONS``, 3). All topics are
    listed rather than the one asked for: a metadata request naming a missing topic may make
    some brokers create it.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="lienthong-bench")
    await admin.start()
    try:
        for topic in await admin.describe_topics():
            if topic.get("topic") == GATEWAY_EVENTS and topic.get("partitions"):
                return len(topic["partitions"])
    finally:
        await admin.close()
    return ServiceSettings().kafka_topic_partitions


async def delete_topics(bootstrap_servers: str, topics: list[str]) -> bool:
    """Delete the run's topics; False when the broker refused or failed (it is only tidying)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="lienthong-bench")
    try:
        await admin.start()
        response = await admin.delete_topics(topics)
        errors = [code for _, code, *_ in response.topic_error_codes if code]
    except Exception as error:  # any failure is only untidiness: the run is already measured
        log.info("could not delete the benchmark topics: %r", error)
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    if errors:
        log.info("the broker refused to delete the benchmark topics: error codes %s", errors)
    return not errors
