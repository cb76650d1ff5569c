"""The Vietnamese lunar calendar (âm lịch), computed.

Three of the public holidays move with the moon (Tết Nguyên đán from mùng 1 tháng Giêng, Giỗ Tổ
Hùng Vương on 10/3 âm lịch), so a working-day calendar for a year nobody has announced yet needs
the lunar date. This module implements Hồ Ngọc Đức's well-known astronomical algorithm, the one
Vietnamese calendars are checked against:

* a lunar month starts on the local day (UTC+7) of a new moon;
* month 11 is the month containing the winter solstice (sun longitude 270°);
* a lunar year with 13 months (13 new moons between two months 11) has a leap month: the first
  month after month 11 containing no major solar term (sun longitude multiple of 30°).

The time zone matters: the Chinese calendar applies the same rules at UTC+8, and the two differ in
some years (Tết 1985 was 21/1 in Vietnam and 20/2 in China; Tết 2007 was 17/2 and 18/2). New moon
and sun longitude use the series of Jean Meeus' "Astronomical Algorithms", accurate to well within
a day for 1800–2199, the range accepted here.

Lunar years are numbered by the solar year in which their mùng 1 Tết falls: lunar year 2026
(Bính Ngọ) starts on 17/2/2026.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "VIETNAM_UTC_OFFSET",
    "LunarDate",
    "lunar_new_year",
    "to_lunar",
    "to_solar",
]

VIETNAM_UTC_OFFSET = 7.0
"""Hours east of UTC of the meridian the Vietnamese calendar is computed on (giờ Việt Nam)."""

MIN_YEAR = 1800
MAX_YEAR = 2199
"""The years over which the astronomical series are accurate enough to give the right day."""

_JDN_MINUS_ORDINAL = 1721425
"""Julian day number minus :meth:`date.toordinal` (JDN 2451545 is 1/1/2000, ordinal 730120)."""
_SYNODIC_MONTH = 29.530588853
_NEW_MOON_1900 = 2415021.076998695
"""Julian date of the new moon of 1/1/1900, the origin of the new-moon index ``k``."""
_DEG = math.pi / 180


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A day of the Vietnamese lunar calendar; ``leap`` marks the day as in a tháng nhuận."""

    year: int
    month: int
    day: int
    leap: bool = False


def _jdn(d: date) -> int:
    return d.toordinal() + _JDN_MINUS_ORDINAL


def _from_jdn(jdn: int) -> date:
    return date.fromordinal(jdn - _JDN_MINUS_ORDINAL)


def _new_moon(k: int) -> float:
    """Julian date (UT) of the ``k``-th new moon after 1/1/1900 (Meeus, ch. 49, abridged)."""
    t = k / 1236.85
    t2 = t * t
    t3 = t2 * t
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _DEG)
    m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * _DEG
    mpr = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * _DEG
    f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * _DEG
    c1 = (0.1734 - 0.000393 * t) * math.sin(m) + 0.0021 * math.sin(2 * m)
    c1 += -0.4068 * math.sin(mpr) + 0.0161 * math.sin(2 * mpr) - 0.0004 * math.sin(3 * mpr)
    c1 += 0.0104 * math.sin(2 * f) - 0.0051 * math.sin(m + mpr) - 0.0074 * math.sin(m - mpr)
    c1 += 0.0004 * math.sin(2 * f + m) - 0.0004 * math.sin(2 * f - m)
    c1 += -0.0006 * math.sin(2 * f + mpr) + 0.0010 * math.sin(2 * f - mpr)
    c1 += 0.0005 * math.sin(m + 2 * mpr)
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + c1 - delta_t


def _sun_longitude(jd: float) -> float:
    """Apparent sun longitude in radians, in [0, 2π), at Julian date ``jd`` (UT)."""
    t = (jd - 2451545.0) / 36525
    t2 = t * t
    m = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * _DEG
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(m)
    dl += (0.019993 - 0.000101 * t) * math.sin(2 * m) + 0.000290 * math.sin(3 * m)
    return ((l0 + dl) * _DEG) % (2 * math.pi)


def _new_moon_day(k: int, tz: float) -> int:
    """Day number (local) on which the ``k``-th new moon falls."""
    return math.floor(_new_moon(k) + 0.5 + tz / 24)


def _solar_term(day_number: int, tz: float) -> int:
    """Which 30° sector (0–11) the sun is in at local midnight starting ``day_number``."""
    return math.floor(_sun_longitude(day_number - 0.5 - tz / 24) / math.pi * 6)


def _month_11(year: int, tz: float) -> int:
    """Day number of mùng 1 of the lunar month 11 containing the winter solstice of ``year``."""
    k = math.floor((_jdn(date(year, 12, 31)) - 2415021) / _SYNODIC_MONTH)
    start = _new_moon_day(k, tz)
    if _solar_term(start, tz) >= 9:  # new moon after the solstice: month 11 began one earlier
        start = _new_moon_day(k - 1, tz)
    return start


def _leap_month_offset(a11: int, tz: float) -> int:
    """Months after month 11 (starting ``a11``) of the first month without a major term."""
    k = math.floor((a11 - _NEW_MOON_1900) / _SYNODIC_MONTH + 0.5)
    i = 1
    arc = _solar_term(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _solar_term(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            return i - 1


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"lunar calendar computed for {MIN_YEAR}–{MAX_YEAR} only, got {year}")


def to_lunar(d: date, tz: float = VIETNAM_UTC_OFFSET) -> LunarDate:
    """The lunar date of the solar (Gregorian) day ``d``."""
    _check_year(d.year)
    day_number = _jdn(d)
    # The estimate of ``k`` can be one month off when a new moon falls near midnight: step back
    # from one month after it to the last new moon on or before the day.
    k = math.floor((day_number - _NEW_MOON_1900) / _SYNODIC_MONTH) + 2
    while _new_moon_day(k, tz) > day_number:
        k -= 1
    month_start = _new_moon_day(k, tz)
    a11 = _month_11(d.year, tz)
    b11 = a11
    if a11 >= month_start:
        lunar_year = d.year
        a11 = _month_11(d.year - 1, tz)
    else:
        lunar_year = d.year + 1
        b11 = _month_11(d.year + 1, tz)
    diff = (month_start - a11) // 29
    month = diff + 11
    leap = False
    if b11 - a11 > 365:  # 13 months: one of them is the leap month
        leap_diff = _leap_month_offset(a11, tz)
        if diff >= leap_diff:
            month = diff + 10
            leap = diff == leap_diff
    if month > 12:
        month -= 12
    if month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(lunar_year, month, day_number - month_start + 1, leap)


def to_solar(
    year: int, month: int, day: int, *, leap: bool = False, tz: float = VIETNAM_UTC_OFFSET
) -> date:
    """The solar date of lunar ``day``/``month`` of lunar ``year``.

    ``leap`` selects the tháng nhuận; a holiday such as Giỗ Tổ (10/3) is kept in the ordinary
    month even in a year with a leap third month. Raises :class:`ValueError` for a day that does
    not exist (a leap month the year does not have, or day 30 of a 29-day month).
    """
    _check_year(year)
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError(f"no lunar date {day}/{month}")
    if month < 11:
        a11, b11 = _month_11(year - 1, tz), _month_11(year, tz)
    else:
        a11, b11 = _month_11(year, tz), _month_11(year + 1, tz)
    k = math.floor(0.5 + (a11 - _NEW_MOON_1900) / _SYNODIC_MONTH)
    off = (month - 11) % 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11, tz)
        leap_month = (leap_off + 9) % 12 + 1  # named after the month before it
        if leap and month != leap_month:
            raise ValueError(f"lunar year {year} has no leap month {month}")
        if leap or off >= leap_off:
            off += 1
    elif leap:
        raise ValueError(f"lunar year {year} has no leap month")
    month_start = _new_moon_day(k + off, tz)
    if day > _new_moon_day(k + off + 1, tz) - month_start:
        raise ValueError(f"lunar month {month}/{year} has no day {day}")
    return _from_jdn(month_start + day - 1)


def lunar_new_year(year: int, tz: float = VIETNAM_UTC_OFFSET) -> date:
    """Mùng 1 Tết (1/1 âm lịch) of lunar year ``year``, which falls in solar year ``year``."""
    return to_solar(year, 1, 1, tz=tz)
