"""Run a coroutine to completion from the synchronous supervisor.

The supervisor is synchronous so a plain pytest fixture can drive it, yet aiokafka (topic
creation, the broker's readiness probe) is async. This is the one bridge between the two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run the awaitable *make* returns to completion and return its result.

    It runs on a private thread with its own event loop, which works whether or not the caller
    already has a loop running (``asyncio.run`` alone refuses inside a running loop, e.g. in an
    async test).
    """

    async def _await() -> T:
        return await make()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lienthong-sync") as pool:
        return pool.submit(asyncio.run, _await()).result()
