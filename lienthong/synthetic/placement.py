"""Where the synthetic households live: every province, then provinces by their population.

A census-shaped load draws its dossiers' provinces by population
(:data:`~lienthong.workload.census.PROVINCE_POPULATION`, Resolution 202/2025/QH15), and picks
real people of that province: the seed must put people where the load looks for them, so Hồ
Chí Minh City holds about 27 times as many as Lai Châu, not as many as its number of communes
says (168 against 38). The first 34 households cover every province once, so even a tiny seed
has someone everywhere; within a province the commune is drawn uniformly.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import accumulate

from lienthong.domain.admin_units import AdminUnits, Commune
from lienthong.workload.census import PROVINCE_POPULATION

__all__ = ["commune_sampler"]


def commune_sampler(rng: random.Random, units: AdminUnits) -> Callable[[int], Commune]:
    """The commune of household number ``serial`` (0-based): province ``serial`` first, then a
    province drawn by population and one of its communes."""
    order = [province.code for province in units.provinces()]
    codes = list(PROVINCE_POPULATION)
    cumulative = list(accumulate(PROVINCE_POPULATION.values()))

    def commune_of(serial: int) -> Commune:
        if serial < len(order):
            return rng.choice(units.communes_of(order[serial]))
        province = rng.choices(codes, cum_weights=cumulative)[0]
        return rng.choice(units.communes_of(province))

    return commune_of
