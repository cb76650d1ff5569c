"""Personal identification number (số định danh cá nhân), Thông tư 59/2021/TT-BCA.

The number is 12 digits ``PPP G YY RRRRRR``:

* ``PPP`` — the province where the birth was registered: "0" + the two-digit administrative
  code (Hà Nội 001, Thanh Hóa 038, TP.HCM 079). Births registered after the July 2025 merger use
  "0" + the new code; the 34 new codes are a subset of the 63 old ones, so one set covers both.
* ``G`` — century and sex: 1900s male 0 / female 1, 2000s 2 / 3, 2100s 4 / 5, 2200s 6 / 7,
  2300s 8 / 9.
* ``YY`` — last two digits of the birth year.
* ``RRRRRR`` — six random digits. There is no check digit.

The population database (CSDL quốc gia về dân cư) issues the number at birth registration (khai
sinh). The civil registry cross-checks the parents' numbers on Form 01 and the deceased's number
on Form 02, and a number whose ``G``/``YY`` contradict the stated sex or birth year is invalid —
that is the only structural check possible without a check digit.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "OLD_PROVINCE_CODES",
    "PersonalIdError",
    "PersonalIdParts",
    "Sex",
    "century_sex_digit",
    "generate_personal_id",
    "parse_personal_id",
    "validate_personal_id",
]


class Sex(StrEnum):
    """Sex (giới tính) as recorded in the population database; it drives digit ``G``."""

    MALE = "male"
    FEMALE = "female"


OLD_PROVINCE_CODES: frozenset[str] = frozenset(
    {
        "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20",
        "22", "24", "25", "26", "27", "30", "31", "33", "34", "35", "36", "37", "38",
        "40", "42", "44", "45", "46", "48", "49", "51", "52", "54", "56", "58", "60",
        "62", "64", "66", "67", "68", "70", "72", "74", "75", "77", "79", "80", "82",
        "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip
"""The 63 pre-2025 province codes (mã tỉnh). People born before 1/7/2025 keep the old code in
their number for life, and the 34 post-merger codes (Decision 19/2025/QĐ-TTg) reuse a subset of
these, so this set is what the ``PPP`` part may contain."""

_FIRST_CENTURY = 1900
_CENTURIES = 5  # digits 0–9 cover 1900–2399
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")

_SEX_WORDS: dict[Sex, str] = {Sex.MALE: "male", Sex.FEMALE: "female"}


class PersonalIdError(ValueError):
    """A personal ID number that is malformed or contradicts the person it is given for.

    Subclasses :class:`ValueError` so callers that only care about "bad input" need not import
    it; the message is written for the officer (công chức hộ tịch) reading a rejection reason.
    """


@dataclass(frozen=True, slots=True)
class PersonalIdParts:
    """The decoded fields of a personal ID number.

    ``province_code`` is the two-digit code (without the leading "0" of ``PPP``);
    ``century_start`` is the first year of the century encoded in ``G`` (1900, 2000, …).
    """

    province_code: str
    sex: Sex
    birth_year_suffix: int
    century_start: int
    serial: str

    @property
    def birth_year(self) -> int:
        """The birth year the number encodes (century from ``G`` plus ``YY``)."""
        return self.century_start + self.birth_year_suffix

    def matches_year(self, year: int) -> bool:
        """Tell whether ``year`` is the birth year encoded by ``G`` and ``YY``."""
        return year == self.birth_year


def _century_range(century_start: int) -> str:
    return f"{century_start}–{century_start + 99}"


def century_sex_digit(sex: Sex, birth_year: int) -> str:
    """Return digit ``G`` (position 4) for ``sex`` and ``birth_year``.

    Why a function: the mapping is needed both to issue numbers at khai sinh and to explain a
    mismatch, and years outside 1900–2399 have no digit at all (``ValueError``).
    """
    century_index = (birth_year - _FIRST_CENTURY) // 100
    if birth_year < _FIRST_CENTURY or century_index >= _CENTURIES:
        raise ValueError(
            f"birth year {birth_year} has no century/sex digit "
            f"(personal ID numbers cover {_FIRST_CENTURY}–{_FIRST_CENTURY + 100 * _CENTURIES - 1})"
        )
    return str(2 * century_index + (1 if sex is Sex.FEMALE else 0))


def _describe_digit(digit: int) -> tuple[Sex, int, str]:
    sex = Sex.FEMALE if digit % 2 else Sex.MALE
    century_start = _FIRST_CENTURY + 100 * (digit // 2)
    meaning = f"{_SEX_WORDS[sex]} born {_century_range(century_start)}"
    return sex, century_start, meaning


def parse_personal_id(value: str) -> PersonalIdParts:
    """Decode a personal ID number, raising :class:`PersonalIdError` if it is malformed.

    Only ASCII digits are accepted: the population database stores the number as text and a
    full-width or Arabic-Indic digit would silently create a different key. Whitespace is not
    stripped here — callers decide whether to clean user input.
    """
    if not _TWELVE_DIGITS.fullmatch(value):
        raise PersonalIdError(
            f"personal ID number {value!r} must be exactly 12 digits (ASCII 0–9), "
            f"got {len(value)} characters"
        )
    prefix = value[:3]
    if prefix[0] != "0" or prefix[1:] not in OLD_PROVINCE_CODES:
        raise PersonalIdError(
            f"first three digits {prefix!r} of personal ID number {value!r} are not a province "
            "code (expected '0' + a two-digit province code, e.g. 001 Hà Nội, 079 TP.HCM)"
        )
    sex, century_start, _ = _describe_digit(int(value[3]))
    return PersonalIdParts(
        province_code=prefix[1:],
        sex=sex,
        birth_year_suffix=int(value[4:6]),
        century_start=century_start,
        serial=value[6:],
    )


def validate_personal_id(
    value: str, *, sex: Sex | None = None, date_of_birth: date | None = None
) -> str:
    """Return ``value`` unchanged if it is well formed and agrees with ``sex``/``date_of_birth``.

    Why: with no check digit, the civil registry can only catch a mistyped parent or deceased
    number by comparing ``G`` and ``YY`` with the sex and birth year declared on the form.
    Raises :class:`PersonalIdError` naming the digit that disagrees.
    """
    parts = parse_personal_id(value)
    digit = int(value[3])
    _, _, meaning = _describe_digit(digit)
    if sex is not None and parts.sex is not sex:
        raise PersonalIdError(
            f"personal ID number {value}: digit 4 (century/sex) is {digit}, which means "
            f"{meaning}, but sex is {_SEX_WORDS[sex]}"
        )
    if date_of_birth is not None and not parts.matches_year(date_of_birth.year):
        century_start = parts.century_start
        if not century_start <= date_of_birth.year <= century_start + 99:
            raise PersonalIdError(
                f"personal ID number {value}: digit 4 (century/sex) is {digit}, which means "
                f"{meaning}, but date of birth is {date_of_birth.isoformat()}"
            )
        raise PersonalIdError(
            f"personal ID number {value}: digits 5–6 (birth year) are {value[4:6]}, which "
            f"means born {parts.birth_year}, but date of birth is {date_of_birth.isoformat()}"
        )
    return value


def generate_personal_id(
    province_code: str, sex: Sex, date_of_birth: date, rng: random.Random
) -> str:
    """Issue a new number for someone born in ``province_code`` on ``date_of_birth``.

    Why ``rng`` is passed in: the simulator must be reproducible (same seed, same people), so
    the six random digits come from the caller's generator. Uniqueness is the caller's job —
    the population database retries on collision, as does the seed generator.
    """
    if province_code not in OLD_PROVINCE_CODES:
        raise PersonalIdError(f"{province_code!r} is not a two-digit province code")
    digit = century_sex_digit(sex, date_of_birth.year)
    return f"0{province_code}{digit}{date_of_birth.year % 100:02d}{rng.randrange(1_000_000):06d}"
