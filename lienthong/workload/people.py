"""Picking the people a dossier names from the running system's own registers.

A scenario or a load run never assumes which people exist: the population database and BHXH
are asked (``GET /api/v1/citizens``, ``/households/{id}``, ``/insured-persons``), so the same
scenario runs on any seed, on a fresh system and on one that has already run it many times.
Somebody declared dead by this picker is never picked again, and the dead are never picked to
die; mothers may be picked more than once (a woman can have several children).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import httpx

from lienthong.contracts.services import INSURANCE, POPULATION

__all__ = ["InsuranceProfile", "NoOneFits", "PeoplePicker", "Person", "profile_of"]

_PAGE: Final = 200


class NoOneFits(LookupError):
    """The running system has nobody left who fits what was asked (the message says what)."""


class InsuranceProfile(StrEnum):
    """What BHXH knows about someone, as it decides the funeral benefit (chế độ mai táng)."""

    PENSIONER = "pensioner"
    COMPULSORY = "compulsory"  # ≥ 12 months of compulsory contributions
    VOLUNTARY = "voluntary"  # < 12 compulsory, ≥ 60 voluntary
    ASSISTANCE = "assistance"  # social-assistance beneficiary, no allowance
    SHORT = "short"  # some contributions, too few, no assistance
    UNINSURED = "uninsured"  # unknown to BHXH


MIN_COMPULSORY_MONTHS: Final = 12
MIN_VOLUNTARY_MONTHS: Final = 60
"""The funeral allowance's thresholds in the Social Insurance Law 2024 (the insurance service's
defaults, ``ALLOWANCE_MIN_COMPULSORY_MONTHS`` / ``ALLOWANCE_MIN_VOLUNTARY_MONTHS``)."""

_BELOW_BOTH: Final = {
    "max_compulsory_months": MIN_COMPULSORY_MONTHS - 1,
    "max_voluntary_months": MIN_VOLUNTARY_MONTHS - 1,
}
_PROFILE_QUERIES: Final[Mapping[InsuranceProfile, dict[str, Any]]] = {
    InsuranceProfile.PENSIONER: {"pensioner": "true"},
    InsuranceProfile.COMPULSORY: {
        "pensioner": "false",
        "min_compulsory_months": MIN_COMPULSORY_MONTHS,
    },
    InsuranceProfile.VOLUNTARY: {
        "pensioner": "false",
        "max_compulsory_months": MIN_COMPULSORY_MONTHS - 1,
        "min_voluntary_months": MIN_VOLUNTARY_MONTHS,
    },
    InsuranceProfile.ASSISTANCE: {"pensioner": "false", "social_assistance": "true", **_BELOW_BOTH},
    InsuranceProfile.SHORT: {"pensioner": "false", "social_assistance": "false", **_BELOW_BOTH},
}
"""How BHXH's search finds each profile; ``SHORT`` also needs some months (checked on rows)."""


def profile_of(facts: Mapping[str, Any] | None) -> InsuranceProfile:
    """The profile of what BHXH knows of someone (``None``: nothing, uninsured)."""
    if facts is None:
        return InsuranceProfile.UNINSURED
    if facts["pensioner"]:
        return InsuranceProfile.PENSIONER
    if facts["compulsory_months"] >= MIN_COMPULSORY_MONTHS:
        return InsuranceProfile.COMPULSORY
    if facts["voluntary_months"] >= MIN_VOLUNTARY_MONTHS:
        return InsuranceProfile.VOLUNTARY
    if facts["social_assistance"]:
        return InsuranceProfile.ASSISTANCE
    if facts["compulsory_months"] or facts["voluntary_months"]:
        return InsuranceProfile.SHORT
    return InsuranceProfile.UNINSURED


@dataclass(frozen=True)
class Person:
    """Someone as the population database knows them."""

    personal_id: str
    full_name: str
    family_name: str
    date_of_birth: str
    sex: str
    alive: bool
    province_code: str | None
    commune_code: str | None
    household_id: str | None
    is_household_head: bool
    address: str | None

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> Person:
        """From a citizen of ``GET /api/v1/citizens``."""
        return cls(
            personal_id=body["personal_id"],
            full_name=body["full_name"],
            family_name=body["family_name"],
            date_of_birth=body["date_of_birth"],
            sex=body["sex"],
            alive=bool(body["alive"]),
            province_code=body.get("province_code"),
            commune_code=body.get("commune_code"),
            household_id=body.get("household_id"),
            is_household_head=bool(body.get("is_household_head")),
            address=body.get("address"),
        )


class PeoplePicker:
    """Draws people from the running system, at random from a seeded generator.

    Pools are fetched and kept — one page of mothers per province, candidates to die a page at
    a time as needed — so a load run of thousands of dossiers asks the population database a
    few dozen times, not once per dossier.
    """

    def __init__(
        self,
        urls: Mapping[str, str],
        rng: random.Random,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """*headers* carry the key when credentials are on: citizens and insured persons are
        personal data, read with the admin key (see ``lienthong/runtime/auth.py``)."""
        self._population = httpx.AsyncClient(
            base_url=urls[POPULATION], trust_env=False, timeout=30, headers=headers
        )
        self._insurance = httpx.AsyncClient(
            base_url=urls[INSURANCE], trust_env=False, timeout=30, headers=headers
        )
        self._rng = rng
        self._mothers: dict[str | None, list[Person]] = {}
        self._households: dict[str, list[Person]] = {}
        self._mortal: dict[tuple[str | None, str], list[Person]] = {}
        self._mortal_offset: dict[tuple[str | None, str], int] = {}
        self._used: set[str] = set()
        self._parents: set[str] = set()

    async def aclose(self) -> None:
        """Close the HTTP clients."""
        await self._population.aclose()
        await self._insurance.aclose()

    def forget(self, personal_id: str) -> None:
        """Never pick this person to die (already declared dead in this run)."""
        self._used.add(personal_id)

    async def mother(self, province: str | None = None) -> Person:
        """A living woman of 20–40 who lives in a household (in ``province`` if given)."""
        if province not in self._mothers:
            found = await self._citizens(
                sex="female", min_age=20, max_age=40, alive="true", province_code=province
            )
            self._mothers[province] = [p for p in found if p.household_id and p.commune_code]
        pool = [p for p in self._mothers[province] if p.personal_id not in self._used]
        if not pool:
            raise NoOneFits(f"no living woman of 20–40 in a household in province {province}")
        mother = self._rng.choice(pool)
        self._parents.add(mother.personal_id)
        return mother

    async def household(self, person: Person) -> list[Person]:
        """The members of ``person``'s household (``person`` alone when they have none)."""
        if person.household_id is None:
            return [person]
        if person.household_id not in self._households:
            response = await self._population.get(f"/api/v1/households/{person.household_id}")
            response.raise_for_status()
            members = response.json().get("members", [])
            self._households[person.household_id] = [Person.from_api(m) for m in members]
        return self._households[person.household_id] or [person]

    async def head_of(self, person: Person) -> Person:
        """The living head of ``person``'s household; ``person`` when the household has none."""
        heads = [m for m in await self.household(person) if m.is_household_head and m.alive]
        head = heads[0] if heads else person
        self._parents.add(head.personal_id)  # named on a form: not to be declared dead later
        return head

    async def spouse_of(self, mother: Person) -> Person | None:
        """A living man of the mother's household old enough to be the father, if any."""
        born = mother.date_of_birth[:4]
        men = [
            m
            for m in await self.household(mother)
            if m.sex == "male"
            and m.alive
            and m.personal_id not in self._used
            and abs(int(m.date_of_birth[:4]) - int(born)) <= 12
        ]
        if not men:
            return None
        self._parents.add(men[0].personal_id)
        return men[0]

    async def dead(self, sex: str | None = None) -> Person:
        """Somebody the population database holds as deceased."""
        found = await self._citizens(alive="false", sex=sex)
        if not found:
            raise NoOneFits("nobody is recorded as deceased yet")
        return self._rng.choice(found)

    async def to_die(
        self,
        province: str | None = None,
        insurance: InsuranceProfile | None = None,
    ) -> Person:
        """A living person who heads no household, never picked to die before in this run and
        never named as a parent in it (a birth after the parent's death would be refused)."""
        key = (province, insurance.value if insurance else "")
        while True:
            pool = self._mortal.setdefault(key, [])
            while pool:
                person = pool.pop(self._rng.randrange(len(pool)))
                pid = person.personal_id
                if pid not in self._used and pid not in self._parents:
                    self._used.add(person.personal_id)
                    return person
            if not await self._more_mortals(key, province, insurance):
                what = f"province {province}" if province else "any province"
                raise NoOneFits(
                    f"no living person left to declare dead in {what}"
                    + (f" with insurance profile {insurance.value}" if insurance else "")
                )

    async def _more_mortals(
        self, key: tuple[str | None, str], province: str | None, insurance: InsuranceProfile | None
    ) -> bool:
        """Fetch the next page of candidates into the pool; False when there are no more."""
        offset = self._mortal_offset.get(key, 0)
        if insurance is None or insurance is InsuranceProfile.UNINSURED:
            page = await self._citizens(
                alive="true",
                household_head="false",
                min_age=1,  # not a newborn of this run: its death would predate its birth
                province_code=province,
                offset=offset,
            )
            self._mortal_offset[key] = offset + _PAGE
            candidates = [p for p in page if p.personal_id not in self._used]
            if insurance is InsuranceProfile.UNINSURED:
                candidates = [p for p in candidates if not await self._insured(p.personal_id)]
            self._mortal[key].extend(candidates)
            return bool(page)
        params = {**_PROFILE_QUERIES[insurance], "limit": _PAGE, "offset": offset}
        response = await self._insurance.get("/api/v1/insured-persons", params=params)
        response.raise_for_status()
        rows: list[dict[str, Any]] = response.json()
        self._mortal_offset[key] = offset + _PAGE
        if insurance is InsuranceProfile.SHORT:
            rows = [r for r in rows if r["compulsory_months"] or r["voluntary_months"]]
        living = await self._living([r["personal_id"] for r in rows])
        self._mortal[key].extend(
            p
            for p in living
            if not p.is_household_head and (province is None or p.province_code == province)
        )
        return bool(rows)

    async def _insured(self, personal_id: str) -> bool:
        response = await self._insurance.get(f"/api/v1/insured-persons/{personal_id}")
        return response.status_code == 200

    async def _living(self, personal_ids: list[str]) -> list[Person]:
        if not personal_ids:
            return []
        response = await self._population.post(
            "/api/v1/citizens/lookup", json={"personal_ids": personal_ids}
        )
        response.raise_for_status()
        found = [Person.from_api(c) for c in response.json()["found"]]
        return [p for p in found if p.alive]

    async def _citizens(self, *, offset: int = 0, **filters: Any) -> list[Person]:
        params = {k: v for k, v in filters.items() if v is not None}
        response = await self._population.get(
            "/api/v1/citizens", params={**params, "limit": _PAGE, "offset": offset}
        )
        response.raise_for_status()
        return [Person.from_api(c) for c in response.json()["items"]]

    async def lookup(self, personal_ids: list[str]) -> dict[str, Person]:
        """The people with these numbers that the population database holds, alive or not."""
        found: dict[str, Person] = {}
        for start in range(0, len(personal_ids), 1000):
            chunk = list(dict.fromkeys(personal_ids[start : start + 1000]))
            response = await self._population.post(
                "/api/v1/citizens/lookup", json={"personal_ids": chunk}
            )
            response.raise_for_status()
            found.update((c["personal_id"], Person.from_api(c)) for c in response.json()["found"])
        return found
