"""Cấp số định danh cá nhân at birth registration: allocate the number, record the newborn.

The civil registry asks while it registers the birth (``lienthong.contracts.newborns``), so the
number is on the birth certificate and a child whose residence step fails still has one. The
newborn is recorded without a residence; the BirthRegistered event later gives it one (đăng ký
thường trú) on the same row.

The number's random digits are drawn from the birth itself (mother, name, date of birth), so
the same birth gets the same number whatever order births arrive in; a number already held
falls back to the next draw of the same sequence. One dossier gets one number: the dossier id
is a unique column, and a request racing another instance for it reads the winner's number.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts.newborns import IssuedNumber, NewbornRequest
from lienthong.domain.personal_id import Sex, generate_personal_id
from lienthong.domain.text import name_key, nfc
from lienthong.runtime.applying import is_lost_race
from lienthong.runtime.db import Database
from lienthong.runtime.randomness import RandomSource, first_free
from services.population.models import Citizen

__all__ = ["id_draws", "issue_numbers"]

_ATTEMPTS = 3
"""Transactions tried when another writer took a number or a dossier first."""


def id_draws(
    randomness: RandomSource,
    mother_personal_id: str,
    full_name: str,
    date_of_birth: date,
    province_code: str,
    sex: Sex,
) -> Iterator[str]:
    """The sequence of candidate numbers of one birth, the first the usual one.

    Keyed by the mother, the child's name and date of birth — what makes a birth one birth.
    """
    rng: random.Random = randomness.derive(
        "personal_id", mother_personal_id, nfc(full_name).casefold(), date_of_birth.isoformat()
    )
    while True:
        yield generate_personal_id(province_code, sex, date_of_birth, rng)


async def issue_numbers(
    db: Database, randomness: RandomSource, births: list[NewbornRequest]
) -> list[IssuedNumber]:
    """One number per birth, in order: those issued before for the dossier, or new ones."""
    for attempt in range(_ATTEMPTS):
        try:
            async with db.session() as session:
                return await _issue(session, randomness, births)
        except IntegrityError as error:
            if not is_lost_race(error) or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def _issue(
    session: AsyncSession, randomness: RandomSource, births: list[NewbornRequest]
) -> list[IssuedNumber]:
    known = await _numbered(session, births)
    issued: list[IssuedNumber] = []
    taken: set[str] = set()

    async def is_taken(candidate: str) -> bool:
        return await session.get(Citizen, candidate) is not None

    for birth in births:
        previous = known.get(birth.dossier_id) or known.get(_birth_key(birth))
        if previous is not None:
            issued.append(_issued(birth, previous, already=True))
            continue
        draws = id_draws(
            randomness,
            birth.mother_personal_id,
            birth.full_name,
            birth.date_of_birth,
            birth.birth_province_code,
            birth.sex,
        )
        first = next(draws)
        if await is_taken(first):
            taken.add(first)
        personal_id = await first_free(
            _starting_with(first, draws), taken, is_taken, what="personal ID number"
        )
        session.add(_newborn(birth, personal_id))
        taken.add(personal_id)
        known[birth.dossier_id] = known[_birth_key(birth)] = personal_id
        issued.append(_issued(birth, personal_id, already=False))
    return issued


async def _numbered(session: AsyncSession, births: list[NewbornRequest]) -> dict[str, str]:
    """Numbers already issued, by dossier id and by birth (:func:`_birth_key`).

    A second dossier of the same birth (a family submitting twice) is the same child: it gets
    the first one's number, never a second person in the register; the civil registry then
    refuses it as the duplicate it is.
    """
    dossiers = {birth.dossier_id for birth in births}
    mothers = {birth.mother_personal_id for birth in births}
    rows = await session.exec(
        select(Citizen).where(
            or_(
                col(Citizen.birth_dossier_id).in_(dossiers),
                and_(
                    col(Citizen.mother_personal_id).in_(mothers),
                    col(Citizen.source) == "birth_registration",
                ),
            )
        )
    )
    known: dict[str, str] = {}
    for row in rows.all():
        if row.birth_dossier_id is not None:
            known[row.birth_dossier_id] = row.personal_id
        if row.mother_personal_id is not None:
            key = _key(row.mother_personal_id, row.full_name, row.date_of_birth)
            known.setdefault(key, row.personal_id)
    return known


def _birth_key(birth: NewbornRequest) -> str:
    return _key(birth.mother_personal_id, birth.full_name, birth.date_of_birth)


def _key(mother: str, full_name: str, born: date) -> str:
    """One birth: the mother, the name (:func:`~lienthong.domain.text.name_key`), the day."""
    return f"birth|{mother}|{name_key(full_name)}|{born.isoformat()}"


def _issued(birth: NewbornRequest, personal_id: str, *, already: bool) -> IssuedNumber:
    return IssuedNumber(
        dossier_id=birth.dossier_id, personal_id=personal_id, already_issued=already
    )


def _starting_with(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _newborn(birth: NewbornRequest, personal_id: str) -> Citizen:
    """The child as the population database records it at birth: no residence yet."""
    return Citizen(
        personal_id=personal_id,
        family_name=birth.family_name,
        middle_name=birth.middle_name,
        given_name=birth.given_name,
        full_name=birth.full_name,
        sex=birth.sex,
        date_of_birth=birth.date_of_birth,
        birth_province_code=birth.birth_province_code,
        mother_personal_id=birth.mother_personal_id,
        father_personal_id=birth.father_personal_id,
        birth_dossier_id=birth.dossier_id,
        source="birth_registration",
    )
