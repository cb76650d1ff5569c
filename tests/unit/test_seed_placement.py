"""The synthetic population lives where people live (issue: census-shaped hot spots).

Expected ratios come from Resolution 202/2025/QH15's figures: Hồ Chí Minh City 14,002,598
against Lai Châu's 512,601 is 27.3 to 1, while their numbers of communes (168 and 38) would
give 4.4 to 1. Hà Nội (8,807,523) against Cao Bằng (573,119): 15.4 to 1.
"""

from __future__ import annotations

from collections import Counter

from lienthong.domain.admin_units import load_admin_units
from lienthong.synthetic.population import generate_population


def test_households_follow_the_provinces_population_and_cover_every_province() -> None:
    people = generate_population(20_000, seed=11).citizens
    by_province = Counter(person.province_code for person in people)

    assert set(by_province) == {p.code for p in load_admin_units().provinces()}
    assert 20 < by_province["79"] / by_province["12"] < 36  # 27.3 expected
    assert 11 < by_province["01"] / by_province["04"] < 21  # 15.4 expected
