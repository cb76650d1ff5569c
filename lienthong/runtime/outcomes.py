"""What a batch did, message by message, and the counters kept from it.

:class:`BatchOutcome` is what :meth:`~lienthong.runtime.consumer.BatchProcessor.process` returns.
Besides the totals that tests and ``/health`` read, it tallies each message's outcome by topic
and event type while the batch is processed (one dict increment per message), so the metrics
(``metrics.py``) add a whole batch with one ``inc(n)`` per distinct label set instead of one
labelled increment per message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.applying import Routed
from lienthong.runtime.parking import Parking


class Outcome(StrEnum):
    """What became of one consumed message in one batch (``lienthong_events_consumed_total``).

    A message parked in one batch shows up again, with its final outcome, in the retry batch
    that hands it back: these count processing outcomes, not distinct messages.
    """

    APPLIED = "applied"
    """Handled and recorded in the inbox (a refusal event is applied too)."""
    DUPLICATE = "duplicate"
    """Already in the inbox, or already parked (a redelivery of a message waiting its retry)."""
    IGNORED = "ignored"
    """Another consumer's event on a topic this service reads."""
    PARKED = "parked"
    """Held by a ``down`` fault or waiting for a retry (``parking.py``)."""
    DEAD_LETTERED = "dead_lettered"
    """Given up on: malformed, unknown, invalid, a handler error, or out of retry attempts."""


class RetryKind(StrEnum):
    """Transient retries the consumer schedules (``lienthong_retries_total``)."""

    IN_PLACE = "in_place"
    """A batch's lookup failed and is tried again at once, whole or message by message
    (``lookups.py``; the consumer's ``transient_retries`` on ``/health``)."""
    TRANSIENT = "transient"
    """A message parked for a backoff retry after a transient failure (an attempt counted)."""
    UNAVAILABLE = "unavailable"
    """A message parked until the agency it needs is connected again (attempts not counted)."""


UNPARSED = "unparsed"
"""The event type label of a dead letter whose bytes never parsed into an event."""

ConsumedKey = tuple[str, str, Outcome]
"""(topic, event type, outcome)."""


@dataclass
class BatchOutcome:
    """What one batch did (used by tests, the stats and the metrics)."""

    processed: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_letters: list[DeadLettered] = field(default_factory=list)
    published: list[CloudEvent] = field(default_factory=list)
    """The events the batch decided, staged in the outbox."""
    parked: list[Parking] = field(default_factory=list)
    """Messages held or waiting for a retry."""
    retries: Counter[RetryKind] = field(default_factory=Counter)
    """Transient retries scheduled by this batch, by kind."""
    _tally: Counter[ConsumedKey] = field(default_factory=Counter, init=False, repr=False)

    def ignore(self, topic: str, event_type: str) -> None:
        """A message that is another consumer's."""
        self.ignored += 1
        self._tally[(topic, event_type, Outcome.IGNORED)] += 1

    def duplicate(self, item: Routed) -> None:
        """A message already applied or already parked."""
        self.duplicates += 1
        self._tally[(item.record.topic, item.message.event.type, Outcome.DUPLICATE)] += 1

    def applied(self, items: Iterable[Routed], failed: Iterable[DeadLettered]) -> None:
        """``items`` went through the handlers; those in ``failed`` were dead-lettered there."""
        lost = {letter.event_id for letter in failed}
        self._tally.update(
            (item.record.topic, item.message.event.type, Outcome.APPLIED)
            for item in items
            if item.message.event.id not in lost
        )

    def consumed(self) -> Counter[ConsumedKey]:
        """Every message of the batch by (topic, event type, outcome), parked and dead letters
        included; computed once, when the batch is done."""
        tally = Counter(self._tally)
        tally.update((p.record.topic, p.event_type, Outcome.PARKED) for p in self.parked)
        tally.update(
            (letter.topic, letter.event_type or UNPARSED, Outcome.DEAD_LETTERED)
            for letter in self.dead_letters
        )
        return tally


@dataclass
class ConsumerStats:
    """Counters since the process started, served on ``/health``."""

    batches: int = 0
    processed: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_lettered: int = 0
    parked: int = 0
    transient_retries: int = 0
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return dict(self.__dict__)

    def count(self, outcome: BatchOutcome) -> None:
        """Add one batch's outcome."""
        self.batches += 1
        self.processed += outcome.processed
        self.duplicates += outcome.duplicates
        self.ignored += outcome.ignored
        self.dead_lettered += len(outcome.dead_letters)
        self.parked += len(outcome.parked)
        if outcome.dead_letters:
            self.last_error = outcome.dead_letters[-1].error
