"""What ``GET /metrics`` answers: the service's registry, then what is read at scrape time.

State is read when Prometheus asks rather than kept up to date on the hot path: whether the
service is up, its loops' restarts, the outbox backlog (one count on the ``ix_outbox_unpublished``
index, whose first column is ``published_at``, so it reads the unpublished rows only, never the
whole table), and the service's own figures from its :attr:`Service.metrics_source`.

A part that fails (the database is down, a source raises) is left out of the answer, logged and
counted in ``lienthong_scrape_errors_total{part}``: the process and consumer metrics are most
needed exactly when something is failing, so they are never lost with it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import case, func
from sqlmodel import col, select

from lienthong.runtime.db import Database
from lienthong.runtime.service import Service
from lienthong.runtime.tables import OutboxMessage

log = logging.getLogger(__name__)


class Families:
    """A collector yielding the families of a registry, then others already computed."""

    def __init__(self, registry: CollectorRegistry, extra: Iterable[Metric]) -> None:
        self._registry = registry
        self._extra = list(extra)

    def collect(self) -> Iterator[Metric]:
        """The registry's families, then the extra ones, in that order."""
        yield from self._registry.collect()
        yield from self._extra


async def outbox_backlog(db: Database, now: datetime) -> tuple[int, int]:
    """Unpublished outbox rows, and how many of them are due (simulated ``now``) — one query."""
    due = case((col(OutboxMessage.available_at) <= now, 1))
    query = (
        select(func.count(), func.count(due))
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.published_at).is_(None))
    )
    async with db.read_session() as session:
        unpublished, ready = (await session.exec(query)).one()
    return int(unpublished), int(ready)


def _state(service: Service) -> list[Metric]:
    up = GaugeMetricFamily(
        "lienthong_service_up",
        "1 when the service is ready and healthy (what /health answers 200 for), else 0.",
        value=1.0 if service.ready and service.unhealthy is None else 0.0,
    )
    restarts = CounterMetricFamily(
        "lienthong_loop_restarts_total",
        "Background loops (relay, consumer, retries) restarted after a crash.",
        labels=["loop"],
    )
    loops = dict.fromkeys(("relay", "consumer", "retries"), 0) | service.loop_restarts
    for loop, count in sorted(loops.items()):
        restarts.add_metric([loop], count)
    return [up, restarts]


async def _backlog(service: Service) -> list[Metric]:
    try:
        unpublished, due = await outbox_backlog(service.db, service.clock.now())
    except Exception:
        log.warning("%s: /metrics could not count the outbox", service.name, exc_info=True)
        service.metrics.scrape_errors("outbox_backlog").inc()
        return []
    return [
        GaugeMetricFamily(
            "lienthong_outbox_backlog",
            "Outbox rows not published yet (including those a decision delay holds back).",
            value=unpublished,
        ),
        GaugeMetricFamily(
            "lienthong_outbox_due",
            "Outbox rows not published yet whose time has come: what the relay should be sending.",
            value=due,
        ),
    ]


async def _source(service: Service, taken: set[str]) -> list[Metric]:
    """The service's own families; one whose name the runtime already uses is dropped."""
    if service.metrics_source is None:
        return []
    try:
        families = list(await service.metrics_source(service))
    except Exception:
        log.exception("%s: the /metrics source failed", service.name)
        service.metrics.scrape_errors("source").inc()
        return []
    kept: list[Metric] = []
    for family in families:
        if family.name in taken:
            log.error("%s: /metrics source repeats the family %r", service.name, family.name)
            service.metrics.scrape_errors("source").inc()
            continue
        taken.add(family.name)
        kept.append(family)
    return kept


async def scrape(service: Service) -> bytes:
    """The Prometheus text exposition of ``service``: registry, runtime state, its source."""
    extra = _state(service) + await _backlog(service)
    taken = {family.name for family in extra} | service.metrics.family_names()
    extra += await _source(service, taken)
    return generate_latest(Families(service.metrics.registry, extra))
