"""The load tool's supply of forms: a supplier that dies is reported, never waited for."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from typing import Any

import pytest

from lienthong.load.forms import FormSource


class DyingMaker:
    """Builds three forms, then the population database stops answering."""

    def __init__(self) -> None:
        self.made = 0

    async def prepare(self, provinces: Iterable[str] | None = None) -> None:
        return None

    async def _one(self, kind: str) -> dict[str, Any]:
        self.made += 1
        if self.made > 3:
            raise ConnectionError("population stopped answering")
        return {"kind": kind, "n": self.made}

    async def birth(self, province: str | None = None) -> dict[str, Any]:
        return await self._one("birth")

    async def death(self, province: str | None = None) -> dict[str, Any]:
        return await self._one("death")

    async def aclose(self) -> None:
        return None


async def test_a_refill_that_died_raises_its_error_instead_of_hanging() -> None:
    source = FormSource(DyingMaker(), run_tag="t", birth_share=1.0, rng=random.Random(1))
    source.start_refill(keep=10)
    taken = []
    with pytest.raises(ConnectionError, match="stopped answering"):
        for _ in range(10):
            taken.append(await asyncio.wait_for(source.next(), timeout=5))
    assert len(taken) <= 3  # what was built before the supplier died, and nothing more
    await source.aclose()
