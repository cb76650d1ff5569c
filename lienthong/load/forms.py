"""The request bodies of a run, built and encoded before they are due.

Building a form asks the population database for people (pooled by the workload's factory) and
encoding it costs CPU; doing either at the instant a dossier is due would make the tool's own
pace part of what it measures. So bodies are prepared ahead — as many as the run needs before
the clock starts when that fits in memory, otherwise a buffer topped up in small slices — and
sending is only writing bytes. A buffer that runs dry is counted (``starved``), never hidden.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from lienthong.workload.census import PROVINCE_POPULATION, province_sampler

__all__ = ["FormMaker", "FormSource", "Prepared"]

SLICE: Final = 50
"""Forms built between two yields to the event loop while the run is on."""


class FormMaker(Protocol):
    """What the load tool needs of :class:`lienthong.workload.factory.FormFactory`."""

    async def prepare(self, provinces: Iterable[str] | None = None) -> None:
        """Fetch the pools of people the forms will name."""

    async def birth(self, province: str | None = None) -> dict[str, Any]:
        """A valid Form 01 never submitted before."""

    async def death(self, province: str | None = None) -> dict[str, Any]:
        """A valid Form 02 naming someone nobody declared dead yet."""

    async def aclose(self) -> None:
        """Release its HTTP clients."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """One dossier ready to send: its number in the run, flow, idempotency key, JSON body."""

    n: int
    kind: str
    key: str
    body: bytes


class FormSource:
    """Bodies in the order they will be sent; births and deaths mixed by a seeded draw."""

    def __init__(
        self, maker: FormMaker, *, run_tag: str, birth_share: float, rng: random.Random
    ) -> None:
        self._maker = maker
        self._run_tag = run_tag
        self._birth_share = birth_share
        self._rng = rng
        self._province: Callable[[], str] = province_sampler(rng)
        self._ready: deque[Prepared] = deque()
        self._made = 0
        self._refill: asyncio.Task[None] | None = None
        self._wanted = asyncio.Event()
        self.deaths_short = 0
        """Deaths drawn but sent as births: nobody was left to declare dead."""
        self.starved = 0
        """Times a sender found no body ready and had to wait for one."""

    @property
    def built(self) -> int:
        """Bodies built so far, sent or not."""
        return self._made

    @property
    def ready(self) -> int:
        """Bodies built and not taken yet."""
        return len(self._ready)

    async def prepare(self) -> None:
        """Let the factory fetch its pools for every province the draw may pick."""
        await self._maker.prepare(list(PROVINCE_POPULATION))

    async def fill(self, count: int) -> None:
        """Build ``count`` more bodies now (before the clock starts)."""
        for _ in range(count):
            self._ready.append(await self._make())

    def start_refill(self, keep: int) -> None:
        """Keep about ``keep`` bodies ready in the background, a slice at a time."""

        async def refill() -> None:
            while True:
                while len(self._ready) < keep:
                    for _ in range(SLICE):
                        self._ready.append(await self._make())
                    await asyncio.sleep(0)
                self._wanted.clear()
                await self._wanted.wait()

        self._refill = asyncio.get_running_loop().create_task(refill())

    async def next(self) -> Prepared:
        """The next body; waits (and counts it) when none is ready."""
        if not self._ready:
            self.starved += 1
            refill = self._refill
            if refill is None:
                self._ready.append(await self._make())
            while not self._ready:
                if refill is not None and refill.done():  # it died (registers stopped answering)
                    refill.result()  # raises what stopped it
                    raise RuntimeError("the form refill stopped")
                self._wanted.set()
                await asyncio.sleep(0.001)
        self._wanted.set()
        return self._ready.popleft()

    async def aclose(self) -> None:
        """Stop the background refill and close the factory."""
        if self._refill is not None:
            self._refill.cancel()
            await asyncio.gather(self._refill, return_exceptions=True)
        await self._maker.aclose()

    async def _make(self) -> Prepared:
        n = self._made
        self._made += 1
        province = self._province()
        form: dict[str, Any] | None = None
        kind = "birth"
        if self._rng.random() >= self._birth_share:
            try:
                form, kind = await self._maker.death(province), "death"
            except LookupError:  # the factory's NoOneFits: nobody (left) there to die
                try:
                    form, kind = await self._maker.death(None), "death"
                except LookupError:
                    self.deaths_short += 1
        if form is None:
            try:
                form = await self._maker.birth(province)
            except LookupError:
                form = await self._maker.birth(None)
        body = json.dumps(form, ensure_ascii=False, separators=(",", ":")).encode()
        return Prepared(n, kind, f"load-{self._run_tag}-{n}", body)
