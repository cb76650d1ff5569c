"""Prometheus metrics of one service: what it consumed, published and served, in base units.

Each :class:`ServiceMetrics` holds its own ``CollectorRegistry``, never the process-wide default:
tests build many services in one process, and two services registering the same names in one
registry would collide. ``GET /metrics`` (``app.py``, ``metrics_scrape.py``) renders it.

Figures that are state rather than events (the outbox backlog, whether the service is up, a
service's own counts from its database) are read at scrape time instead of being kept here.

The hot path stays cheap (the target is ~800 dossiers/s on two cores): the consumer tallies a
batch in a plain dict (``outcomes.py``) and adds it here with one ``inc(n)`` per label set, and
labelled children are looked up once and kept, so an increment skips the label lookup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Generic, TypeVar

from prometheus_client import (
    CollectorRegistry,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client import Counter as PromCounter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.metrics import MetricWrapperBase

from lienthong.contracts.faults import FAULTS_BY_SERVICE, FaultKind
from lienthong.runtime.faults import FaultBoard
from lienthong.runtime.outcomes import BatchOutcome
from lienthong.runtime.tables import OutboxMessage

SIZE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
"""Messages per batch: the consumer and the relay take up to 500 by default."""
FAST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds of an HTTP request or a batch: most take milliseconds, a faulty one seconds."""
RELAY_BUCKETS = (*FAST_BUCKETS, 30.0, 60.0, 300.0, 900.0, 3600.0)
"""Seconds from outbox row to broker: an agency's simulated decision time can hold a row back
for minutes of real time, and a replay to a fresh broker republishes rows hours old."""

M = TypeVar("M", bound=MetricWrapperBase)


class Children(Generic[M]):
    """A labelled metric's children, each looked up once.

    ``metric.labels(...)`` validates the values and takes a lock every call; the event loop is
    the only writer here, so a plain dict of the children it already made is enough.
    """

    def __init__(self, metric: M) -> None:
        self._metric = metric
        self._children: dict[tuple[str, ...], M] = {}

    def __call__(self, *values: str) -> M:
        """The child for ``values`` (in the metric's label order)."""
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._metric.labels(*values)
        return child


class FaultsCollector:
    """``lienthong_faults_active{kind}``: 1 for each fault on now, 0 for the others it takes.

    Read from the :class:`FaultBoard` at scrape time (the board is in memory): a window that
    opens or closes on the simulated clock shows without anyone switching anything.
    """

    def __init__(self, board: FaultBoard) -> None:
        self._board = board
        taken = FAULTS_BY_SERVICE.get(board.service, frozenset(FaultKind))
        self._kinds = [kind for kind in FaultKind if kind in taken]

    def collect(self) -> Iterator[Metric]:
        """One gauge family, a sample per fault kind this service takes."""
        family = GaugeMetricFamily(
            "lienthong_faults_active",
            "Faults switched on at this service and active now (1), or not (0).",
            labels=["kind"],
        )
        for kind in self._kinds:
            family.add_metric([kind.value], 1.0 if self._board.active(kind) else 0.0)
        yield family


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ServiceMetrics:
    """The counters and histograms of one service, in a registry of its own."""

    def __init__(self, service: str, faults: FaultBoard | None = None) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self._names: frozenset[str] | None = None
        registry = self.registry
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        Info("lienthong_service", "Which service this is.", registry=registry).info(
            {"service": service}
        )
        if faults is not None:
            registry.register(FaultsCollector(faults))
        self.http_requests = Children(
            PromCounter(
                "lienthong_http_requests_total",
                "HTTP requests answered, by method, route template and status code.",
                ["method", "route", "status"],
                registry=registry,
            )
        )
        self.http_duration = Children(
            Histogram(
                "lienthong_http_request_duration_seconds",
                "Time to answer an HTTP request, by method and route template.",
                ["method", "route"],
                buckets=FAST_BUCKETS,
                registry=registry,
            )
        )
        self.events_consumed = Children(
            PromCounter(
                "lienthong_events_consumed_total",
                "Consumed messages by topic, event type and what became of them; a parked "
                "message is counted again when its retry batch settles it.",
                ["topic", "event_type", "outcome"],
                registry=registry,
            )
        )
        self.events_published = Children(
            PromCounter(
                "lienthong_events_published_total",
                "Outbox rows the relay published (acknowledged by the broker), by topic and type.",
                ["topic", "event_type"],
                registry=registry,
            )
        )
        self.batch_size = Children(
            Histogram(
                "lienthong_consumer_batch_size",
                "Messages per consumer batch; source is kafka, or parked (the retry loop).",
                ["source"],
                buckets=SIZE_BUCKETS,
                registry=registry,
            )
        )
        self.batch_seconds = Children(
            Histogram(
                "lienthong_batch_processing_seconds",
                "Time to process one consumer batch, lookups and transaction included.",
                ["source"],
                buckets=FAST_BUCKETS,
                registry=registry,
            )
        )
        self.relay_latency = Histogram(
            "lienthong_relay_latency_seconds",
            "Real time from an outbox row's creation to its publication (includes the time a "
            "simulated decision delay held it back).",
            buckets=RELAY_BUCKETS,
            registry=registry,
        )
        self.relay_batch_size = Histogram(
            "lienthong_relay_batch_size",
            "Outbox rows published per relay round (rounds that published nothing are left out).",
            buckets=SIZE_BUCKETS,
            registry=registry,
        )
        self.inbox_duplicates = PromCounter(
            "lienthong_inbox_duplicates_total",
            "Consumed messages already applied (inbox) or already parked: redeliveries.",
            registry=registry,
        )
        self.retries = Children(
            PromCounter(
                "lienthong_retries_total",
                "Transient retries scheduled: in_place (a batch's lookup tried again), "
                "transient (parked with backoff), unavailable (parked until the agency is back).",
                ["kind"],
                registry=registry,
            )
        )
        self.dead_letters = Children(
            PromCounter(
                "lienthong_dead_letters_total",
                "Dead letters this service produced, by failure kind.",
                ["kind"],
                registry=registry,
            )
        )
        self.scrape_errors = Children(
            PromCounter(
                "lienthong_scrape_errors_total",
                "Parts of a /metrics scrape that failed and were left out, by part.",
                ["part"],
                registry=registry,
            )
        )

    def family_names(self) -> frozenset[str]:
        """The names of the registry's families (fixed once built; read once, then kept)."""
        if self._names is None:
            self._names = frozenset(family.name for family in self.registry.collect())
        return self._names

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        """One HTTP request answered."""
        self.http_requests(method, route, str(status)).inc()
        self.http_duration(method, route).observe(seconds)

    def batch(self, outcome: BatchOutcome, records: int, seconds: float, source: str) -> None:
        """One consumer batch processed: its size, its time, what became of each message."""
        self.batch_size(source).observe(records)
        self.batch_seconds(source).observe(seconds)
        for (topic, event_type, what), n in outcome.consumed().items():
            self.events_consumed(topic, event_type, what.value).inc(n)
        if outcome.duplicates:
            self.inbox_duplicates.inc(outcome.duplicates)
        for kind, n in outcome.retries.items():
            self.retries(kind.value).inc(n)
        for error_kind, n in Counter(d.error_kind for d in outcome.dead_letters).items():
            self.dead_letters(error_kind).inc(n)

    def relay(self, rows: Iterable[OutboxMessage], now: datetime) -> None:
        """Outbox ``rows`` published by one relay round at ``now`` (real time)."""
        sent = list(rows)
        if not sent:
            return
        self.relay_batch_size.observe(len(sent))
        for (topic, event_type), n in Counter((r.topic, r.event_type) for r in sent).items():
            self.events_published(topic, event_type).inc(n)
        observe = self.relay_latency.observe
        for row in sent:
            observe(max((now - _utc(row.created_at)).total_seconds(), 0.0))
