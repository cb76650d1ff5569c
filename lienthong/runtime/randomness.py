"""The run's random source (nguồn ngẫu nhiên có hạt giống): every random decision is derived.

A decision is drawn from a generator seeded with the run's seed *and* what the decision is
about (e.g. the birth a personal ID number is for), never from a shared stream: the same dossier
gets the same number whatever order dossiers arrive in, and two runs with the same seed and the
same dossiers give the same results. ``lienthong up --seed N`` sets the seed (``RUN_SEED``).
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

DEFAULT_SEED = 2024


@dataclass(frozen=True)
class RandomSource:
    """Derives independent, reproducible generators from one seed."""

    seed: int = DEFAULT_SEED

    def derive(self, *about: object) -> random.Random:
        """A generator for the decision named by ``about`` (purpose first, then its subject)."""
        name = "\x1f".join(str(part) for part in (self.seed, *about))
        digest = hashlib.sha256(name.encode()).digest()
        return random.Random(int.from_bytes(digest[:16], "big"))


async def first_free(
    draws: Iterator[str],
    known_taken: set[str],
    is_taken: Callable[[str], Awaitable[bool]],
    *,
    what: str,
    max_draws: int = 100,
) -> str:
    """The first identifier of ``draws`` nobody holds yet: the deterministic fallback on collision.

    The first draw was checked for the whole batch in one query (``known_taken`` holds those
    found taken and those issued by the batch); later draws, needed only after a collision, cost
    one ``is_taken`` query each. The same sequence of draws gives the same identifier in every
    run, whatever else collided with it.
    """
    first = next(draws)
    if first not in known_taken:
        return first
    for candidate in itertools.islice(draws, max_draws):
        if candidate not in known_taken and not await is_taken(candidate):
            return candidate
    raise RuntimeError(f"no free {what} after {max_draws} draws")
