"""The metrics' own logic: a batch's tally, what one batch or relay round adds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.civil_registry import BirthRegistered, BirthRejected
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.reasons import DUPLICATE_BIRTH
from lienthong.contracts.scope import Scope
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS, POPULATION_EVENTS
from lienthong.runtime.applying import Routed
from lienthong.runtime.dead_letters import dead_letter
from lienthong.runtime.handlers import Decisions, HandlerContext, Message, ServiceHandlers, handles
from lienthong.runtime.metrics import ServiceMetrics
from lienthong.runtime.outcomes import BatchOutcome, Outcome, RetryKind
from lienthong.runtime.parked import RETRY
from lienthong.runtime.parking import Parking
from lienthong.runtime.routing import Ignored, route
from lienthong.runtime.tables import OutboxMessage
from tests.fakes import record
from tests.helpers import birth_registered

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
REGISTERED = spec_for_payload(BirthRegistered).type
REJECTED = spec_for_payload(BirthRejected).type


def test_a_child_is_made_once_per_label_set() -> None:
    metrics = ServiceMetrics("gateway")
    first = metrics.retries("in_place")
    first.inc(2)

    assert metrics.retries("in_place") is first
    assert metrics.retries("transient") is not first
    assert metrics.registry.get_sample_value("lienthong_retries_total", {"kind": "in_place"}) == 2


# -- a batch's tally ---------------------------------------------------------------------------


class Births(ServiceHandlers):
    """Handles births (as population does); a civil registry refusal is someone else's."""

    service = "population"

    @handles(BirthRegistered)
    async def on_birth(
        self, session: AsyncSession, message: Message[BirthRegistered], context: HandlerContext
    ) -> Decisions:
        return []


def birth(n: int) -> CloudEvent:
    payload = birth_registered(f"d-{n}", f"KS-{n}", f"GKS-{n}")
    return new_event(
        source="civil_registry", type_=REGISTERED, payload=payload, dossier_id=f"d-{n}", time=NOW
    )


def refusal(n: int) -> CloudEvent:
    payload = BirthRejected(dossier_id=f"d-{n}", reason=DUPLICATE_BIRTH.reason())
    return new_event(
        source="civil_registry", type_=REJECTED, payload=payload, dossier_id=f"d-{n}", time=NOW
    )


def routed(event: CloudEvent) -> Routed:
    item = route("population", Births().routes(), record(CIVIL_REGISTRY_EVENTS, event.to_bytes()))
    assert isinstance(item, Routed)
    return item


def parking(item: Routed) -> Parking:
    event = item.message.event
    return Parking(item.record, event.id, event.type, Scope(), RETRY, "down", 1, NOW)


def test_another_consumers_event_is_ignored_with_its_type() -> None:
    raw = record(CIVIL_REGISTRY_EVENTS, refusal(1).to_bytes())

    assert route("population", Births().routes(), raw) == Ignored(REJECTED)


def test_a_batch_tallies_every_message_by_topic_type_and_outcome() -> None:
    applied = [routed(birth(n)) for n in range(4)]
    exploded = dead_letter("population", applied[3].record, applied[3].message.event, "bug", "x")
    malformed = dead_letter("population", record(CIVIL_REGISTRY_EVENTS, b"{"), None, "m", "x")
    outcome = BatchOutcome()
    outcome.ignore(CIVIL_REGISTRY_EVENTS, REJECTED)
    outcome.ignore(CIVIL_REGISTRY_EVENTS, REJECTED)
    outcome.duplicate(routed(birth(9)))
    outcome.applied(applied, [exploded])
    outcome.dead_letters += [exploded, malformed]
    outcome.parked.append(parking(routed(birth(8))))

    assert outcome.consumed() == {
        (CIVIL_REGISTRY_EVENTS, REJECTED, Outcome.IGNORED): 2,
        (CIVIL_REGISTRY_EVENTS, REGISTERED, Outcome.DUPLICATE): 1,
        (CIVIL_REGISTRY_EVENTS, REGISTERED, Outcome.APPLIED): 3,
        (CIVIL_REGISTRY_EVENTS, REGISTERED, Outcome.DEAD_LETTERED): 1,
        (CIVIL_REGISTRY_EVENTS, "unparsed", Outcome.DEAD_LETTERED): 1,
        (CIVIL_REGISTRY_EVENTS, REGISTERED, Outcome.PARKED): 1,
    }
    assert (outcome.ignored, outcome.duplicates) == (2, 1)


def test_a_batch_adds_its_tally_to_the_counters() -> None:
    metrics = ServiceMetrics("population")
    outcome = BatchOutcome(duplicates=2)
    outcome.applied([routed(birth(n)) for n in range(3)], [])
    letter = dead_letter("population", record(CIVIL_REGISTRY_EVENTS, b"{"), None, "malformed", "x")
    outcome.dead_letters.append(letter)
    outcome.retries.update({RetryKind.IN_PLACE: 2, RetryKind.TRANSIENT: 1})

    metrics.batch(outcome, 6, 0.25, "kafka")
    metrics.batch(BatchOutcome(), 1, 0.5, "kafka")
    metrics.batch(BatchOutcome(), 4, 0.5, "parked")

    value = metrics.registry.get_sample_value
    consumed = {"topic": CIVIL_REGISTRY_EVENTS, "event_type": REGISTERED, "outcome": "applied"}
    assert value("lienthong_events_consumed_total", consumed) == 3
    assert value("lienthong_inbox_duplicates_total") == 2
    assert value("lienthong_dead_letters_total", {"kind": "malformed"}) == 1
    assert value("lienthong_retries_total", {"kind": "in_place"}) == 2
    assert value("lienthong_retries_total", {"kind": "transient"}) == 1
    assert value("lienthong_consumer_batch_size_count", {"source": "kafka"}) == 2
    assert value("lienthong_consumer_batch_size_sum", {"source": "kafka"}) == 7
    assert value("lienthong_consumer_batch_size_sum", {"source": "parked"}) == 4
    assert value("lienthong_batch_processing_seconds_sum", {"source": "kafka"}) == 0.75
    assert (
        value("lienthong_batch_processing_seconds_bucket", {"source": "kafka", "le": "0.25"}) == 1
    )


# -- the relay ---------------------------------------------------------------------------------


def row(topic: str, event_type: str, created_at: datetime) -> OutboxMessage:
    return OutboxMessage(
        topic=topic,
        key="d-1",
        event_id="e",
        event_type=event_type,
        value=b"{}",
        available_at=created_at,
        created_at=created_at,
    )


def test_a_relay_round_counts_rows_by_topic_and_type_and_times_them() -> None:
    metrics = ServiceMetrics("population")
    naive = (NOW - timedelta(seconds=2)).replace(tzinfo=None)  # as SQLite gives it back
    rows = [
        row(POPULATION_EVENTS, "registered", NOW - timedelta(seconds=1)),
        row(POPULATION_EVENTS, "registered", naive),
        row(DEAD_LETTERS, "dead_lettered", NOW - timedelta(seconds=4)),
    ]

    metrics.relay(rows, NOW)
    metrics.relay([], NOW)  # a round that sent nothing is not a batch

    value = metrics.registry.get_sample_value
    published = "lienthong_events_published_total"
    assert value(published, {"topic": POPULATION_EVENTS, "event_type": "registered"}) == 2
    assert value(published, {"topic": DEAD_LETTERS, "event_type": "dead_lettered"}) == 1
    assert value("lienthong_relay_batch_size_count") == 1
    assert value("lienthong_relay_batch_size_sum") == 3
    assert value("lienthong_relay_latency_seconds_count") == 3
    assert value("lienthong_relay_latency_seconds_sum") == 7
    assert value("lienthong_relay_latency_seconds_bucket", {"le": "2.5"}) == 2


def test_each_service_has_a_registry_of_its_own() -> None:
    one, other = ServiceMetrics("gateway"), ServiceMetrics("gateway")
    one.inbox_duplicates.inc()

    assert one.registry.get_sample_value("lienthong_inbox_duplicates_total") == 1
    assert other.registry.get_sample_value("lienthong_inbox_duplicates_total") == 0
    info = {"service": "gateway"}
    assert one.registry.get_sample_value("lienthong_service_info", info) == 1
