"""Creating the contract topics before any service starts, on the embedded or an external Kafka.

Services create missing topics at start too; creating them first, with the partition count given
to ``up``, makes that count the run's choice rather than whichever service comes first.
"""

from __future__ import annotations

import asyncio
from typing import Final

from lienthong.cli.errors import SupervisorError
from lienthong.cli.run_sync import run_sync

__all__ = ["create_topics"]

_TOPICS_TIMEOUT_S: Final = 30.0


def create_topics(bootstrap_servers: str, partitions: int) -> None:
    """Create every contract topic with *partitions* partitions (idempotent).

    Raises :class:`SupervisorError` naming the broker when it cannot be done in time.
    """
    from lienthong.contracts.topics import ALL_TOPICS
    from lienthong.runtime.kafka import ensure_topics

    try:
        run_sync(
            lambda: asyncio.wait_for(
                ensure_topics(bootstrap_servers, list(ALL_TOPICS), partitions), _TOPICS_TIMEOUT_S
            )
        )
    except Exception as exc:
        raise SupervisorError(
            f"could not create the topics on {bootstrap_servers}: {exc!r}"
        ) from exc
