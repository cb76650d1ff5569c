"""Starting and stopping the null relays, one process each, as the real services are.

A relay in a thread or a task of the orchestrator would share its interpreter lock and event
loop with the source and the sink; the real services each have their own, so the null
pipeline must too, or the comparison would flatter (or penalise) the full system.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final

from lienthong.bench.ends import NullPipelineError
from lienthong.bench.topics import bench_group

__all__ = ["READY", "RelayDied", "RelayProcess", "check_alive", "relays_ready", "running_relays"]

READY: Final = "ready"
"""The line a relay prints once it owns partitions: the source starts after every relay did."""

_STOP_GRACE_S: Final = 10.0


class RelayDied(NullPipelineError):
    """A relay process exited on its own: the run measured a broken pipeline."""


@dataclass
class RelayProcess:
    """One hop's process and the topics it links."""

    hop: str
    source: str
    target: str
    process: asyncio.subprocess.Process

    def exited(self) -> int | None:
        """Its exit code once it has exited by itself, else None."""
        return self.process.returncode


async def _start(
    bootstrap_servers: str, run_id: str, hop: str, source: str, target: str
) -> RelayProcess:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lienthong.bench.null_relay",
        bootstrap_servers,
        bench_group(run_id, hop),
        source,
        target,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    return RelayProcess(hop, source, target, process)


async def _ready(relay: RelayProcess) -> None:
    """Wait for the relay's ``ready`` line; :class:`RelayDied` if its output ends first."""
    assert relay.process.stdout is not None
    while line := await relay.process.stdout.readline():
        if line.decode().strip() == READY:
            return
    code = await relay.process.wait()
    raise RelayDied(f"relay {relay.hop} exited with code {code} before it was ready")


async def _stop(relay: RelayProcess) -> None:
    """Close its stdin (its signal to finish), then kill it if it lingers."""
    if relay.process.returncode is None and relay.process.stdin is not None:
        relay.process.stdin.close()
    try:
        await asyncio.wait_for(relay.process.wait(), _STOP_GRACE_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            relay.process.kill()
        await relay.process.wait()


@contextlib.asynccontextmanager
async def running_relays(
    bootstrap_servers: str, run_id: str, hops: Sequence[str], topics: Sequence[str]
) -> AsyncIterator[list[RelayProcess]]:
    """Spawn one relay per hop (hop *i* reads ``topics[i]``, writes ``topics[i + 1]``).

    Yields at once, so the caller can prepare while they start (:func:`relays_ready` waits for
    them); stops them all on the way out, whatever happened.
    """
    if len(topics) != len(hops) + 1:
        raise ValueError("one topic more than hops: the source's, then each hop's")
    relays: list[RelayProcess] = []
    try:
        for hop, source, target in zip(hops, topics[:-1], topics[1:], strict=True):
            relays.append(await _start(bootstrap_servers, run_id, hop, source, target))
        yield relays
    finally:
        await asyncio.gather(*(_stop(relay) for relay in relays), return_exceptions=True)


async def relays_ready(relays: Sequence[RelayProcess], timeout_s: float) -> None:
    """Wait until every relay owns partitions; :class:`RelayDied` if one exits or is too slow."""
    try:
        async with asyncio.timeout(timeout_s):
            await asyncio.gather(*(_ready(relay) for relay in relays))
    except TimeoutError:
        raise RelayDied(f"the relays were not all ready within {timeout_s:.0f} s") from None


def check_alive(relays: Sequence[RelayProcess]) -> None:
    """Raise :class:`RelayDied` naming every relay that exited before it was told to."""
    dead = [
        f"{relay.hop} (code {relay.exited()})" for relay in relays if relay.exited() is not None
    ]
    if dead:
        raise RelayDied(f"relays exited during the run: {', '.join(dead)}")
