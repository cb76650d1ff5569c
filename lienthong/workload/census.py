"""How dossiers spread over provinces and hours: the shape of a census-like load.

Province weights are population, because births and deaths happen where people live; the share
of births among dossiers, and the nationwide totals, are the reports' figures of 16/02/2024
(domain.md: 634,723 linked birth dossiers and 52,267 linked death dossiers). Submissions peak
in office hours (giờ hành chính), when the one-stop desks and the portal are busiest.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime
from itertools import accumulate
from types import MappingProxyType
from typing import Final

from lienthong.domain.calendar import VIETNAM_TZ

__all__ = [
    "BIRTH_SHARE",
    "ELECTRONIC_BIRTH_CERTIFICATE_SHARE",
    "NATIONAL_BIRTH_DOSSIERS",
    "NATIONAL_DEATH_DOSSIERS",
    "PROVINCE_POPULATION",
    "apportion",
    "office_hours_factor",
    "province_sampler",
]

NATIONAL_BIRTH_DOSSIERS: Final = 634_723
"""Linked birth dossiers nationwide by 16/02/2024 (domain.md, "Figures from the source reports")."""

NATIONAL_DEATH_DOSSIERS: Final = 52_267
"""Linked death dossiers nationwide by 16/02/2024 (same source)."""

BIRTH_SHARE: Final = NATIONAL_BIRTH_DOSSIERS / (NATIONAL_BIRTH_DOSSIERS + NATIONAL_DEATH_DOSSIERS)
"""Births among linked dossiers: 0.924."""

ELECTRONIC_BIRTH_CERTIFICATE_SHARE: Final = 16_697 / 26_283
"""Births whose hospital certificate (giấy chứng sinh) arrives electronically: 0.635. Thanh Hóa,
first half of 2024: 49 health facilities linked 16,697 electronic birth certificates, for 26,283
birth registrations (domain.md, figures; source report 004, section 4.4). One province's figure,
used nationwide for want of another; the rest are paper, which the civil registry verifies."""

PROVINCE_POPULATION: Final[Mapping[str, int]] = MappingProxyType(
    {
        # People living in each of the 34 provinces formed on 1/7/2025: the "quy mô dân số"
        # Resolution 202/2025/QH15 (12/6/2025) art. 1 gives each of the 23 merged provinces
        # (items 1–23; residents, temporary residents included, so the 34 sum to 113.6 million,
        # more than the country's 101 million: used only as weights). Items 1–6 were read in the
        # official English translation (LuatVietnam) and Lao Động's restatement; the others in
        # pages listing the resolution's figures (vietnam.travel, ai-hay.vn, tinbds.com), which
        # agree to the person. The 11 provinces the resolution left unchanged (marked *) get no
        # figure there: theirs are the same series as quoted beside the resolution's in several
        # lists, most likely the Government's Statement 486/TTr-CP (uncertain; Lai Châu's 512,601
        # is also in the press). Check against the resolution's text when it is at hand.
        "01": 8_807_523,  # Hà Nội *
        "04": 573_119,  # Cao Bằng *
        "08": 1_865_270,  # Tuyên Quang (+ Hà Giang), art. 1 item 1
        "11": 673_091,  # Điện Biên *
        "12": 512_601,  # Lai Châu *
        "14": 1_404_587,  # Sơn La *
        "15": 1_778_785,  # Lào Cai (+ Yên Bái), item 2
        "19": 1_799_489,  # Thái Nguyên (+ Bắc Kạn), item 3
        "20": 881_384,  # Lạng Sơn *
        "22": 1_497_447,  # Quảng Ninh *
        "24": 3_619_433,  # Bắc Ninh (+ Bắc Giang), item 5
        "25": 4_022_638,  # Phú Thọ (+ Vĩnh Phúc, Hòa Bình), item 4
        "31": 4_664_124,  # Hải Phòng (+ Hải Dương)
        "33": 3_567_943,  # Hưng Yên (+ Thái Bình), item 6
        "37": 4_412_264,  # Ninh Bình (+ Hà Nam, Nam Định)
        "38": 4_324_783,  # Thanh Hóa *
        "40": 3_831_694,  # Nghệ An *
        "42": 1_622_901,  # Hà Tĩnh *
        "44": 1_870_845,  # Quảng Trị (+ Quảng Bình)
        "46": 1_432_986,  # Huế *
        "48": 3_065_628,  # Đà Nẵng (+ Quảng Nam)
        "51": 2_161_755,  # Quảng Ngãi (+ Kon Tum)
        "52": 3_583_693,  # Gia Lai (+ Bình Định)
        "56": 2_243_554,  # Khánh Hòa (+ Ninh Thuận)
        "66": 3_346_853,  # Đắk Lắk (+ Phú Yên)
        "68": 3_872_999,  # Lâm Đồng (+ Đắk Nông, Bình Thuận)
        "75": 4_491_408,  # Đồng Nai (+ Bình Phước)
        "79": 14_002_598,  # Hồ Chí Minh (+ Bình Dương, Bà Rịa – Vũng Tàu), item 16
        "80": 3_254_170,  # Tây Ninh (+ Long An)
        "82": 4_370_046,  # Đồng Tháp (+ Tiền Giang)
        "86": 4_257_581,  # Vĩnh Long (+ Bến Tre, Trà Vinh)
        "91": 4_952_238,  # An Giang (+ Kiên Giang)
        "92": 4_199_824,  # Cần Thơ (+ Sóc Trăng, Hậu Giang)
        "96": 2_606_672,  # Cà Mau (+ Bạc Liêu)
    }
)

_HOURLY: Final = (
    # Relative intensity of submissions by local hour on a working day: the desks open 7:30–
    # 11:30 and 13:00–17:00 (the office hours of the overload fault), online filing trickles on.
    0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 1.0, 2.0, 2.4, 2.4, 1.6,
    0.6, 1.4, 2.2, 2.2, 1.8, 0.8, 0.5, 0.5, 0.4, 0.3, 0.2, 0.1,
)  # fmt: skip


def province_sampler(rng: random.Random) -> Callable[[], str]:
    """A draw of a province code, weighted by population (one draw per dossier)."""
    codes = list(PROVINCE_POPULATION)
    cumulative = list(accumulate(PROVINCE_POPULATION.values()))
    return lambda: rng.choices(codes, cum_weights=cumulative)[0]


def apportion(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """``total`` split over ``weights`` in whole numbers that add up exactly (largest remainder)."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    leftover = total - sum(shares.values())
    by_remainder = sorted(exact, key=lambda key: (shares[key] - exact[key], key))
    for key in by_remainder[:leftover]:
        shares[key] += 1
    return shares


def office_hours_factor(moment: datetime) -> float:
    """How busy the portal is at ``moment`` (Vietnam local time), relative to a day's average.

    Weekends get a fifth of a working day's hourly intensity: online filing goes on, the desks
    are closed. The factors of one working day average 1.0.
    """
    local = moment.astimezone(VIETNAM_TZ)
    average = sum(_HOURLY) / len(_HOURLY)
    factor = _HOURLY[local.hour] / average
    return factor / 5 if local.weekday() >= 5 else factor
