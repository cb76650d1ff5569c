"""Dead letters (thư lỗi): a message a consumer gave up on, kept with its error and raw bytes."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from aiokafka import ConsumerRecord

from lienthong.contracts.dead_letters import DEAD_LETTERED, REDRIVE_HEADER, DeadLettered
from lienthong.contracts.envelope import CloudEvent, derived_id
from lienthong.runtime.log_lines import log_failure
from lienthong.runtime.policy import FailureKind

log = logging.getLogger(__name__)

LOGGED_PER_BATCH: Final = 20
"""Dead letters of one batch logged one by one; the rest are counted in one line.

A poison fault can dead-letter a whole batch of 500: twenty lines show what happens, five
hundred would bury everything else (each one is kept in full by the gateway anyway).
"""


def redrive_of(record: ConsumerRecord) -> int:
    """Which redrive ``record`` is (0 when it was never redriven), from its header."""
    for name, value in record.headers or ():
        if name == REDRIVE_HEADER:
            try:
                return int(value.decode())
            except ValueError:
                return 0
    return 0


def dead_letter(
    consumer: str,
    record: ConsumerRecord,
    event: CloudEvent | None,
    kind: str,
    error: str,
    attempts: int = 1,
) -> DeadLettered:
    """Describe why ``consumer`` gave up on ``record`` (``event`` when it parsed)."""
    raw = record.value or b""
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
        value=raw.decode(errors="replace")[:100_000],
        value_base64=base64.b64encode(raw).decode(),
        attempts=attempts,
        redrive=redrive_of(record),
    )


def dead_letter_event(letter: DeadLettered, at: datetime) -> CloudEvent:
    """The event that publishes ``letter``.

    Its id is derived from what failed — the consumer, the event id (or, for a message that did
    not parse, its bytes) and the kind of failure — never from where the message sat: offsets
    start again at 0 on a fresh embedded broker, and a replayed event sits at a new offset. The
    same failure of the same message is counted once by the gateway's inbox, however often it
    is redelivered or replayed, and two different failures never share an id. A redrive that
    fails again is a new failure: its generation (``redrive``) is part of the id.
    """
    dossier_id = letter.key or "unknown"
    what = letter.event_id or hashlib.sha256(letter.value.encode()).hexdigest()
    generation = (letter.redrive,) if letter.redrive else ()
    return CloudEvent(
        id=derived_id("dead_letter", letter.consumer, what, letter.error_kind, *generation),
        source=letter.consumer,
        type=DEAD_LETTERED,
        subject=dossier_id,
        time=at,
        correlationid=dossier_id,
        causationid=letter.event_id,
        data=letter.model_dump(mode="json"),
    )


def log_dead_letters(letters: Sequence[DeadLettered]) -> None:
    """One failure line per dead letter of a committed batch (ERROR for a handler's bug).

    Called after the batch's transaction commits, so a batch retried after a database error
    does not log its dead letters twice.
    """
    for letter in letters[:LOGGED_PER_BATCH]:
        bug = letter.error_kind == FailureKind.HANDLER_ERROR
        log_failure(
            log,
            dossier_id=letter.key,
            service=letter.consumer,
            event_type=letter.event_type,
            error_kind=letter.error_kind,
            error=letter.error,
            attempt=letter.attempts,
            outcome="dead_lettered",
            level=logging.ERROR if bug else logging.WARNING,
        )
    if len(letters) > LOGGED_PER_BATCH:
        kinds = sorted({letter.error_kind for letter in letters[LOGGED_PER_BATCH:]})
        log.warning(
            "%s: %d more dead letters in the same batch (%s); see GET /api/v1/failures",
            letters[0].consumer,
            len(letters) - LOGGED_PER_BATCH,
            ", ".join(kinds),
        )
