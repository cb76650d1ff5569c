"""Communes that ceased on 1/7/2025, and the communes they became (xã cũ → xã mới).

The 2025 reorganisation merged 10,047 communes into 3,321; a new commune kept one of its old
communes' codes, so most old codes simply stopped existing. A form still carrying one gets a
422 that names what the commune became, so the requester can correct it. The table
(``lienthong/data/admin_units/commune_successors.json``, made by
``scripts/make_commune_successors.py``) comes from github.com/dvhcvn/20250701 (MIT, see
``commune_successors.LICENSE``): matched to the clauses of the commune-merger resolutions
1654–1687/NQ-UBTVQH15 by a language model, then checked by hand; not an official table. That is
why it only names the successor and never rewrites a form, and why an old commune split between
several new ones lists them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lienthong.domain.admin_units import load_admin_units

__all__ = ["FormerCommune", "former_commune", "successor_hint"]


@dataclass(frozen=True, slots=True)
class FormerCommune:
    """A commune of before 1/7/2025 whose code no longer exists, and what it became."""

    code: str
    name: str
    became: tuple[str, ...]


@cache
def _table() -> dict[str, FormerCommune]:
    resource = resources.files("lienthong") / "data" / "admin_units" / "commune_successors.json"
    raw = json.loads(resource.read_text(encoding="utf-8"))
    return {
        code: FormerCommune(code, entry["name"], tuple(entry["became"]))
        for code, entry in raw["communes"].items()
    }


def former_commune(code: str) -> FormerCommune | None:
    """The commune that had ``code`` before 1/7/2025, if that code no longer exists."""
    return _table().get(code)


def successor_hint(code: str) -> str | None:
    """``"commune code '00001' (Phường Phúc Xá) ceased on 1/7/2025; it became 00097 Phường
    Hồng Hà: use that code"``, or None for a code the table does not know."""
    former = former_commune(code)
    if former is None:
        return None
    units = load_admin_units()
    names = []
    for new_code in former.became:
        commune = units.commune(new_code)
        names.append(f"{new_code} {commune.name}" if commune is not None else new_code)
    ceased = f"commune code {code!r} ({former.name}) ceased on 1/7/2025"
    if len(names) == 1:
        return f"{ceased}; it became {names[0]}: use that code"
    among = ", ".join(names[:-1]) + " and " + names[-1]
    return f"{ceased}; it was divided among {among}: use the code of the part in question"
