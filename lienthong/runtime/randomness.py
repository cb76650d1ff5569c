"""The run's random source (nguồn ngẫu nhiên có hạt giống): every random decision is derived.

A decision is drawn from a generator seeded with the run's seed *and* what the decision is
about (e.g. the birth a personal ID number is for), never from a shared stream: the same dossier
gets the same number whatever order dossiers arrive in, and two runs with the same seed and the
same dossiers give the same results. ``lienthong up --seed N`` sets the seed (``RUN_SEED``).
"""

from __future__ import annotations

import hashlib
import random
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
