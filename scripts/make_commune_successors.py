"""Write ``lienthong/data/admin_units/commune_successors.json``: what each pre-1/7/2025 commune
became, for the commune codes that no longer exist.

Source: ``mapping/splits.json`` of github.com/dvhcvn/20250701 (MIT, commit dd94887), which maps
the 10,047 communes of before the 2025 reorganisation to the 3,321 after it, each match cited to
a clause of the Standing Committee's commune-merger resolutions (1654–1687/NQ-UBTVQH15). Its
author matched them with a language model and checked and corrected them by hand: not an
official GSO table, so the portal names the successor as a hint, never rewrites a form.

Old codes still in use (a new commune kept one of its old communes' codes) are left out: such a
code is valid today. Usage::

    python scripts/make_commune_successors.py path/to/splits.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lienthong.domain.admin_units import load_admin_units
from lienthong.domain.text import nfc

TARGET = Path(__file__).resolve().parents[1] / "lienthong/data/admin_units/commune_successors.json"
SOURCE = "github.com/dvhcvn/20250701 mapping/splits.json @ dd94887ce32324380bc5bb0a76fe39867dafc73b"


def successors(splits: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Old commune code → its name and the codes of the communes it became."""
    units = load_admin_units()
    found: dict[str, dict[str, Any]] = {}
    for province in splits["data"]:
        for old in province.get("level3s", []):
            code = str(old["level3_id"])
            if units.commune(code) is not None:
                continue  # still a commune's code today
            became = [s["new_id"] for s in old["splits"] if units.commune(s["new_id"])]
            if became:
                found[code] = {
                    "name": nfc(old["name"]),
                    "became": sorted(set(became)),
                }
    return dict(sorted(found.items()))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    splits = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    body = {"source": SOURCE, "communes": successors(splits)}
    TARGET.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(f"{len(body['communes'])} former communes written to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
