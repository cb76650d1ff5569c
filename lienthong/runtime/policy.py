"""The failure policy (chính sách xử lý lỗi): one declared answer per kind of failure.

=================  ===========================================================================
failure            what the runtime does
=================  ===========================================================================
malformed,         dead letter at once: retrying bytes that do not parse cannot help
unknown_type,
invalid_payload
refusal            not a failure: the handler returns the agency's rejection event
transient          the message alone is parked and retried with bounded exponential backoff and
                   jitter (``RetryPolicy``); after the last attempt, a dead letter
unavailable        the dependency says it is not connected (503 of a ``down`` agency): parked
                   and retried with backoff, attempts not counted — it waits until the agency
                   is back, visibly, instead of dead-lettering a whole outage
handler_error      a bug or a broken constraint: that event is a dead letter, its neighbours go on
database           the batch is retried with backoff a bounded number of times; then the service
                   reports itself unhealthy (``/health`` 503) and stops consuming
=================  ===========================================================================

A failing dependency never dead-letters the neighbours of the event that failed: a batch whose
lookup fails is split and each event is tried on its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class FailureKind(StrEnum):
    """The kinds of failure the policy distinguishes (a dead letter's ``error_kind``)."""

    MALFORMED = "malformed"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_PAYLOAD = "invalid_payload"
    HANDLER_ERROR = "handler_error"
    TRANSIENT = "transient"


class TransientError(Exception):
    """A dependency failed in a way worth retrying (timeout, connection refused, 5xx)."""


class AgencyUnavailable(TransientError):
    """The dependency answered that it is not connected (503): wait for it, uncounted."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter for transient failures of one message."""

    max_attempts: int = 8
    """Attempts in all (the first included) before the message becomes a dead letter."""
    base: timedelta = timedelta(milliseconds=500)
    cap: timedelta = timedelta(seconds=30)
    in_place_attempts: int = 2
    """Tries of a whole batch's lookup, in place, before the batch is split and parked."""

    def exhausted(self, attempts: int) -> bool:
        """Whether ``attempts`` made so far use the budget up."""
        return attempts >= self.max_attempts

    def backoff(self, attempts: int, rng: random.Random) -> timedelta:
        """The wait before attempt ``attempts + 1``: base·2^(attempts-1), capped, ±50 % jitter.

        Jitter spreads the retries of a batch that failed together, so a dependency that comes
        back is not hit by all of them in the same instant.
        """
        exponent = max(attempts - 1, 0)
        raw: timedelta = min(self.base * (2**exponent), self.cap)
        jittered: timedelta = raw * rng.uniform(0.5, 1.5)
        return jittered


@dataclass(frozen=True)
class DatabasePolicy:
    """How long a batch whose transaction fails is retried before the service gives up."""

    max_attempts: int = 6
    base: timedelta = timedelta(milliseconds=500)
    cap: timedelta = timedelta(seconds=10)

    def backoff(self, attempts: int) -> timedelta:
        """base·2^(attempts-1), capped (no jitter: one loop per service)."""
        wait: timedelta = min(self.base * (2 ** max(attempts - 1, 0)), self.cap)
        return wait
