"""Dead letters (thư lỗi): a message a consumer gave up on, kept with its error and raw bytes."""

from __future__ import annotations

import hashlib
from datetime import datetime

from aiokafka import ConsumerRecord

from lienthong.contracts.dead_letters import DEAD_LETTERED, DeadLettered
from lienthong.contracts.envelope import CloudEvent, derived_id


def dead_letter(
    consumer: str, record: ConsumerRecord, event: CloudEvent | None, kind: str, error: str
) -> DeadLettered:
    """Describe why ``consumer`` gave up on ``record`` (``event`` when it parsed)."""
    return DeadLettered(
        consumer=consumer,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key.decode(errors="replace") if record.key else None,
        event_id=event.id if event else None,
        event_type=event.type if event else None,
        error_kind=kind,
        error=error[:2000],
        value=(record.value or b"").decode(errors="replace")[:100_000],
    )


def dead_letter_event(letter: DeadLettered, at: datetime) -> CloudEvent:
    """The event that publishes ``letter``.

    Its id is derived from what failed — the consumer, the event id (or, for a message that did
    not parse, its bytes) and the kind of failure — never from where the message sat: offsets
    start again at 0 on a fresh embedded broker, and a replayed event sits at a new offset. The
    same failure of the same message is counted once by the gateway's inbox, however often it
    is redelivered or replayed, and two different failures never share an id.
    """
    dossier_id = letter.key or "unknown"
    what = letter.event_id or hashlib.sha256(letter.value.encode()).hexdigest()
    return CloudEvent(
        id=derived_id("dead_letter", letter.consumer, what, letter.error_kind),
        source=letter.consumer,
        type=DEAD_LETTERED,
        subject=dossier_id,
        time=at,
        correlationid=dossier_id,
        causationid=letter.event_id,
        data=letter.model_dump(mode="json"),
    )
