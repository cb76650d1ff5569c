"""Agency health as the gateway sees it: consumer lag, last success and failure, faults, letters.

X-Road's operational monitoring is the bar: per service, whether it answers, how far behind it
is, when it last succeeded and last failed. Lag comes from the broker (end offsets minus each
consumer group's committed offsets, :class:`~lienthong.runtime.lag.LagSampler`); reading it
takes a round trip per partition, so it is sampled in the background when asked for and the
answer carries the latest sample — a dashboard polling every 2 s never waits on Kafka.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from lienthong.runtime.lag import LagSampler

log = logging.getLogger(__name__)

STALE_AFTER_S: Final = 2.0
"""A lag sample older than this is refreshed (in the background) when someone asks."""

RETRY_CONNECT_S: Final = 10.0
"""After failing to reach the broker, wait this long before trying again."""


@dataclass
class LagWatch:
    """The latest consumer lag of every service, per topic, refreshed on demand."""

    bootstrap_servers: str
    latest: dict[str, dict[str, int]] | None = None
    sampled_at: float | None = None
    _sampler: LagSampler | None = None
    _failed_at: float | None = None
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    def current(self) -> dict[str, dict[str, int]] | None:
        """The latest sample (None before the first); starts a refresh when it is stale."""
        now = time.monotonic()
        stale = self.sampled_at is None or now - self.sampled_at > STALE_AFTER_S
        if stale and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self._refresh(now))
        return self.latest

    async def _refresh(self, now: float) -> None:
        if self._sampler is None:
            if self._failed_at is not None and now - self._failed_at < RETRY_CONNECT_S:
                return
            sampler = LagSampler(self.bootstrap_servers)
            if not await sampler.start():
                log.info("consumer lag not readable yet: %s", sampler.error)
                self._failed_at = now
                return
            self._sampler = sampler
        sample = await self._sampler.sample_topics()
        if sample is None:  # the broker went away: connect again next time
            await self._disconnect()
            return
        self.latest, self.sampled_at = sample, time.monotonic()

    async def close(self) -> None:
        """Stop: the refresh under way is cancelled, and the broker disconnected."""
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._disconnect()

    async def _disconnect(self) -> None:
        """Drop the sampler (the broker went away: connect again next time)."""
        sampler, self._sampler = self._sampler, None
        if sampler is not None:
            await sampler.close()


async def service_health(client: httpx.AsyncClient, url: str) -> dict[str, Any] | None:
    """A service's ``/health`` body (it answers 503 with a body while starting or unhealthy),
    or None when it does not answer at all."""
    try:
        response = await client.get(f"{url.rstrip('/')}/health")
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return None
    return body if isinstance(body, dict) else None
