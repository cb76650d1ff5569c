"""A batch's lookups (``prefetch``), isolated so one failing message never fails its neighbours.

The batch's I/O is tried whole a few times in place; if it still fails, each message is looked
up alone, so only the messages whose own lookup fails are parked for a retry. After a few
consecutive single failures the dependency is taken to be down for everyone and the rest are
parked without more calls, so a dependency that hangs does not cost one timeout per message.
A dependency that says it is not connected (:class:`AgencyUnavailable`) is not split at all.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from lienthong.runtime.applying import Routed
from lienthong.runtime.handlers import ServiceHandlers
from lienthong.runtime.policy import AgencyUnavailable, RetryPolicy, TransientError

log = logging.getLogger(__name__)

SPLIT_GIVE_UP = 3
"""Consecutive single-message lookups that fail before the rest of a split batch is parked."""

Failed = tuple[Routed, TransientError]
"""A message whose lookup failed, and how."""
Group = tuple[list[Routed], Any]
"""Messages applied together, and the lookups prefetched for them."""


class RetryCounters(Protocol):
    """Where the in-place retries are counted (the consumer's stats)."""

    transient_retries: int
    last_error: str | None


async def prefetch_isolated(
    handlers: ServiceHandlers, ready: list[Routed], retry: RetryPolicy, stats: RetryCounters
) -> tuple[list[Group], list[Failed]]:
    """The groups that have their lookups, and the messages whose lookup failed."""
    if not ready:
        return [], []
    error: TransientError | None = None
    for attempt in range(retry.in_place_attempts):
        try:
            return [(ready, await handlers.prefetch([item.message for item in ready]))], []
        except AgencyUnavailable as unavailable:
            stats.last_error = str(unavailable)
            return [], [(item, unavailable) for item in ready]
        except TransientError as transient:
            error = transient
            stats.transient_retries += 1
            stats.last_error = str(transient)
            if attempt + 1 < retry.in_place_attempts:
                await asyncio.sleep(retry.base.total_seconds() * 2**attempt)
    assert error is not None
    if len(ready) == 1:
        return [], [(ready[0], error)]
    log.warning("%s: lookup of %d failed (%s); each alone", handlers.service, len(ready), error)
    groups: list[Group] = []
    failed: list[Failed] = []
    streak = 0
    for item in ready:
        if streak >= SPLIT_GIVE_UP:
            failed.append((item, error))
            continue
        try:
            groups.append(([item], await handlers.prefetch([item.message])))
            streak = 0
        except TransientError as alone:
            failed.append((item, alone))
            error, streak = alone, streak + 1
    return groups, failed
