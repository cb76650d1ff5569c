"""Administrative units after the 2025 reorganisation (Decision 19/2025/QĐ-TTg).

From 1/7/2025 Vietnam has 34 provinces (tỉnh, thành phố; 2-digit codes) and 3,321 communes
(xã, phường, đặc khu; 5-digit codes) with no district level. Every agency in the linkage
addresses residence registration (thường trú) and civil registration by commune, so they share
this one read-only table. The data file ships with the package
(``lienthong/data/admin_units/vn_units_2025.json``, MIT, see its LICENSE).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lienthong.domain.text import nfc

__all__ = ["AdminUnits", "Commune", "Province", "load_admin_units"]


@dataclass(frozen=True, slots=True)
class Province:
    """A province-level unit (tỉnh / thành phố trực thuộc trung ương)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune-level unit (xã / phường / đặc khu) and the province it belongs to."""

    code: str
    name: str
    province_code: str


class AdminUnits:
    """Lookup over provinces and communes, keyed by code.

    Lists are returned as fresh copies sorted by code so callers can neither mutate the shared
    cached table nor depend on file order.
    """

    def __init__(self, provinces: Iterable[Province], communes: Iterable[Commune]) -> None:
        self._provinces: dict[str, Province] = {p.code: p for p in sorted(provinces, key=_code)}
        self._communes: dict[str, Commune] = {c.code: c for c in sorted(communes, key=_code)}
        by_province: dict[str, list[Commune]] = {code: [] for code in self._provinces}
        for commune in self._communes.values():
            if commune.province_code not in by_province:
                raise ValueError(
                    f"commune {commune.code} refers to unknown province {commune.province_code}"
                )
            by_province[commune.province_code].append(commune)
        self._by_province = by_province

    def province(self, code: str) -> Province | None:
        """Return the province with this 2-digit code, or ``None`` if it does not exist."""
        return self._provinces.get(code)

    def commune(self, code: str) -> Commune | None:
        """Return the commune with this 5-digit code, or ``None`` if it does not exist."""
        return self._communes.get(code)

    def province_of_commune(self, code: str) -> str:
        """The 2-digit province code of a commune. Forms only carry listed communes; an unknown
        code (an event from elsewhere) gives its first two digits, so a decision never fails."""
        commune = self._communes.get(code)
        return commune.province_code if commune else code[:2]

    def provinces(self) -> list[Province]:
        """Return all provinces, sorted by code."""
        return list(self._provinces.values())

    def communes(self) -> list[Commune]:
        """Return all communes, sorted by code."""
        return list(self._communes.values())

    def communes_of(self, province_code: str) -> list[Commune]:
        """Return the communes of a province sorted by code (empty for an unknown province)."""
        return list(self._by_province.get(province_code, ()))


def _code(unit: Province | Commune) -> str:
    return unit.code


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise ValueError(f"admin-unit record is missing text field {key!r}: {record!r}")
    return value


def _parse(raw: Any) -> AdminUnits:
    if not isinstance(raw, list):
        raise ValueError("admin-unit file must hold a JSON list of provinces")
    provinces: list[Province] = []
    communes: list[Commune] = []
    for record in raw:
        if not isinstance(record, dict):
            raise ValueError(f"province record must be an object: {record!r}")
        provinces.append(Province(code=_text(record, "Code"), name=nfc(_text(record, "FullName"))))
        wards = record.get("Wards", [])
        if not isinstance(wards, list):
            raise ValueError(f"province {record.get('Code')!r}: Wards must be a list")
        for ward in wards:
            if not isinstance(ward, dict):
                raise ValueError(f"commune record must be an object: {ward!r}")
            communes.append(
                Commune(
                    code=_text(ward, "Code"),
                    name=nfc(_text(ward, "FullName")),
                    province_code=_text(ward, "ProvinceCode"),
                )
            )
    return AdminUnits(provinces, communes)


@cache
def load_admin_units() -> AdminUnits:
    """Load the 2025 administrative units shipped with the package (read once, then cached).

    Why package data via ``importlib.resources``: services run from an installed wheel or a
    container where the repository layout is not available.
    """
    resource = resources.files("lienthong") / "data" / "admin_units" / "vn_units_2025.json"
    return _parse(json.loads(resource.read_text(encoding="utf-8")))
