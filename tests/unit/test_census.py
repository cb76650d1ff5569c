"""The census shape of load: provinces weighted by population, office-hours peaks."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from lienthong.domain.admin_units import load_admin_units
from lienthong.workload.census import (
    BIRTH_SHARE,
    PROVINCE_POPULATION,
    apportion,
    office_hours_factor,
    province_sampler,
)


def test_every_province_of_2025_has_a_population_and_no_other_code_does() -> None:
    assert set(PROVINCE_POPULATION) == {p.code for p in load_admin_units().provinces()}


def test_the_weights_are_the_resolutions_figures() -> None:
    # Resolution 202/2025/QH15 art. 1: item 1, Tuyên Quang 1,865,270; item 2, Lào Cai
    # 1,778,785 (official English translation); item 16, Hồ Chí Minh City 14,002,598.
    assert PROVINCE_POPULATION["08"] == 1_865_270
    assert PROVINCE_POPULATION["15"] == 1_778_785
    assert PROVINCE_POPULATION["79"] == 14_002_598
    # Residents counted as the resolution counts them (temporary residents included) come to
    # about 113.6 million, as lists of the 34 note: more than the GSO's 101 million, a figure
    # the weights never claim.
    assert 113_500_000 <= sum(PROVINCE_POPULATION.values()) <= 113_700_000


def test_births_share_is_the_reports_figure() -> None:
    # 634,723 / (634,723 + 52,267) by hand: 0.92392…
    assert round(BIRTH_SHARE, 4) == 0.9239


def test_apportion_is_exact_and_proportional() -> None:
    shares = apportion(10, {"a": 1, "b": 1, "c": 2})
    # 2.5, 2.5, 5: the tie goes to the first code in order, deterministically
    assert shares == {"a": 3, "b": 2, "c": 5}
    assert sum(apportion(634_723, PROVINCE_POPULATION).values()) == 634_723
    assert apportion(7, {"x": 0, "y": 5}) == {"x": 0, "y": 7}


def test_the_sampler_favours_big_provinces() -> None:
    draw = province_sampler(random.Random(1))
    counts = Counter(draw() for _ in range(20_000))
    # Hồ Chí Minh City (14.0 M) against Lai Châu (0.5 M): about 27 times as many.
    assert counts["79"] > 15 * counts["12"]


def test_office_hours_are_busier_than_nights_and_weekends() -> None:
    monday_9 = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
    monday_3 = datetime(2026, 11, 15, 20, 0, tzinfo=UTC)  # 03:00 in Vietnam
    sunday_9 = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)
    assert office_hours_factor(monday_9) > 10 * office_hours_factor(monday_3)
    assert office_hours_factor(sunday_9) == office_hours_factor(monday_9) / 5
