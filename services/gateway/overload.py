"""The portal overloaded (cổng quá tải): intake answers 503 with ``Retry-After``.

The reports say the portal "quá tải, báo lỗi hệ thống trong khung giờ hành chính". While the
gateway's ``overload`` fault is on (its window and office hours are the board's business):

- with a ``limit``, intake takes at most ``limit`` submissions per second of *real* time (a token
  bucket: the point is how fast clients really push) and refuses the rest;
- without one, it refuses a ``rate`` share of submissions by the board's seeded roll, about the
  submission's idempotency key (or form fingerprint) and how many times this process has seen
  it, so the n-th try of a dossier gets the same answer in every run, and a retry may pass.

A refused submission is refused before anything is written.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from lienthong.contracts.faults import Fault, FaultKind
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.contracts.scope import Scope, province_of
from lienthong.runtime.faults import FaultBoard, in_scope
from services.gateway.intake import idempotency_key, request_hash

RATE_RETRY_AFTER_S: Final = 2
"""Retry-After of a submission refused by the random share: the overload passes soon."""


@dataclass(frozen=True)
class Refusal:
    """Why intake refused a submission, and when to try again."""

    retry_after_s: int
    reason: str

    def detail(self) -> dict[str, Any]:
        """The JSON ``detail`` of the 503: names the fault, in English and Vietnamese."""
        return {
            "fault": FaultKind.OVERLOAD.value,
            "reason": self.reason,
            "message": "The portal is overloaded; submit again later.",
            "message_vi": "Hệ thống đang quá tải, vui lòng nộp lại hồ sơ sau.",
            "retry_after_s": self.retry_after_s,
        }


class TokenBucket:
    """``limit`` tokens a second, at most ``max(1, limit)`` kept: a sliding rate limit."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._limit = 0.0
        self._tokens = 0.0
        self._at = 0.0

    def take(self, limit: float) -> float:
        """0 when a token was taken; else the seconds until one will be there."""
        now = self._now()
        capacity = max(1.0, limit)
        if limit != self._limit:  # a new setting starts full
            self._limit, self._tokens, self._at = limit, capacity, now
        self._tokens = min(capacity, self._tokens + (now - self._at) * limit)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / limit


class OverloadGuard:
    """The overload state of one gateway process: its token bucket and its tries per dossier."""

    def __init__(self, board: FaultBoard, now: Callable[[], float] = time.monotonic) -> None:
        self._board = board
        self.bucket = TokenBucket(now)
        self._tries: dict[str, int] = {}

    def check(self, form: BirthDossier | DeathDossier, key_header: str | None) -> Refusal | None:
        """None when intake may take ``form``; else why not."""
        fault = self._board.active(FaultKind.OVERLOAD)
        if fault is None:
            if self._tries:
                self._tries.clear()
            return None
        scope = Scope(flow=form.kind, province=province_of(form))
        if not in_scope(fault, scope):
            return None
        if fault.limit is not None:
            return self._over_limit(fault.limit)
        return self._by_rate(fault, form, key_header, scope)

    def _over_limit(self, limit: float) -> Refusal | None:
        wait_s = self.bucket.take(limit)
        if wait_s <= 0:
            return None
        return Refusal(max(1, math.ceil(wait_s)), f"more than {limit:g} submissions a second")

    def _by_rate(
        self, fault: Fault, form: BirthDossier | DeathDossier, key_header: str | None, scope: Scope
    ) -> Refusal | None:
        about = idempotency_key(form, key_header) or request_hash(form)
        attempt = self._tries.get(about, 0)
        self._tries[about] = attempt + 1
        if self._board.hits(FaultKind.OVERLOAD, about=about, scope=scope, attempt=attempt) is None:
            return None
        return Refusal(RATE_RETRY_AFTER_S, f"{fault.rate:g} of submissions refused")


_GUARDS: weakref.WeakKeyDictionary[FaultBoard, OverloadGuard] = weakref.WeakKeyDictionary()


def guard_for(board: FaultBoard) -> OverloadGuard:
    """The guard of the gateway whose fault board is ``board`` (one per running service)."""
    guard = _GUARDS.get(board)
    if guard is None:
        guard = _GUARDS[board] = OverloadGuard(board)
    return guard
