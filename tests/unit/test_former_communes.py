"""A commune code of before 1/7/2025 is refused with the commune it became.

Expected successors come from Resolution 1656/NQ-UBTVQH15 of 16/6/2025 (Hà Nội), art. 1: item
14 merges the whole of phường Phúc Xá (old code 00001) into the new phường Hồng Hà (00097);
items 4 and 5 divide phường Cống Vị (00007) between the new phường Ngọc Hà (00008) and phường
Giảng Võ (00025). A code a new commune kept (00004, Ba Đình) is valid, not former.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from lienthong.contracts.form_checks import form_problems
from lienthong.contracts.forms import BirthDossier
from lienthong.domain.former_communes import former_commune, successor_hint

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "birth.json"


def test_a_commune_merged_whole_names_its_one_successor() -> None:
    former = former_commune("00001")

    assert former is not None
    assert (former.name, former.became) == ("Phường Phúc Xá", ("00097",))
    assert successor_hint("00001") == (
        "commune code '00001' (Phường Phúc Xá) ceased on 1/7/2025; it became 00097 Phường Hồng "
        "Hà: use that code"
    )


def test_a_commune_divided_names_every_part() -> None:
    former = former_commune("00007")

    assert former is not None and former.became == ("00008", "00025")
    hint = successor_hint("00007")
    assert hint is not None
    assert "divided among 00008 Phường Ngọc Hà and 00025 Phường Giảng Võ" in hint


def test_a_code_still_in_use_or_never_used_is_not_former() -> None:
    assert former_commune("00004") is None  # Phường Ba Đình kept phường Trúc Bạch's code
    assert former_commune("99999") is None
    assert successor_hint("99999") is None


def test_a_form_with_a_former_commune_is_refused_at_that_field_with_its_successor() -> None:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    data["residence"]["commune_code"] = "00001"
    data["child"]["birthplace"]["commune_code"] = "99999"
    form = BirthDossier.model_validate(data)

    problems = {p.loc: p.message for p in form_problems(form, date(2026, 11, 16))}

    assert "it became 00097 Phường Hồng Hà" in problems[("residence", "commune_code")]
    assert problems[("child", "birthplace", "commune_code")].startswith(
        "unknown commune code '99999'"
    )
