"""Valid, distinct dossiers for a running system, as many as a load run asks for.

The load generator needs a stream of forms every agency accepts (so what it measures is the
pipeline, not refusals): births to living mothers of the province, in their household, and
deaths of living people nobody else in the run declared dead. Picking is seeded; the run tag
keeps children's names distinct from every earlier run on the same system.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from lienthong.workload.forms import BirthPeople, birth_form, child_details, death_form
from lienthong.workload.people import NoOneFits, PeoplePicker

__all__ = ["FormFactory", "NoOneFits"]


class FormFactory:
    """Forms for ``birth(province)`` and ``death(province)``, built from the system's people."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        seed: int,
        run: str,
        today: date,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """*headers* carry the key people are read with when credentials are on."""
        self._rng = random.Random(f"{seed}:{run}")
        self._picker = PeoplePicker(urls, self._rng, headers=headers)
        self._run = run
        self._today = today
        self._made = 0

    async def prepare(self, provinces: Iterable[str] | None = None) -> None:
        """Fetch the mothers of these provinces now, so the first seconds of a run are not
        spent asking the population database."""
        for province in provinces or ():
            try:
                await self._picker.mother(province)
            except NoOneFits:
                continue

    async def birth(self, province: str | None = None) -> dict[str, Any]:
        """A birth every agency accepts: born yesterday to a mother of ``province``."""
        try:
            mother = await self._picker.mother(province)
        except NoOneFits:
            mother = await self._picker.mother(None)
        self._made += 1
        people = BirthPeople(
            mother=mother,
            father=await self._picker.spouse_of(mother),
            head=await self._picker.head_of(mother),
        )
        born = self._today - timedelta(days=1)
        child = child_details(self._rng, f"{self._run} {self._made}", born)
        return birth_form(people, child, frozenset(), self._rng)

    async def death(self, province: str | None = None) -> dict[str, Any]:
        """A death every agency accepts: a living person of ``province``, died two days ago."""
        try:
            deceased = await self._picker.to_die(province)
        except NoOneFits:
            deceased = await self._picker.to_die(None)
        self._made += 1
        return death_form(deceased, self._today - timedelta(days=2), frozenset(), self._rng)

    async def aclose(self) -> None:
        """Close the picker's HTTP clients."""
        await self._picker.aclose()
