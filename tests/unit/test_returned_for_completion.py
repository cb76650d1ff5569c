"""Returned for completion (domain.md, birth step 5): what the civil registry asks for.

A father goes on the birth certificate on the strength of the parents' marriage or, for
unmarried parents, of evidence of paternity (Decree 123/2015/NĐ-CP art. 15): a dossier with a
father and neither is incomplete, so it is returned, not refused.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from lienthong.contracts.forms import BirthDossier
from lienthong.contracts.gateway import BirthDossierSubmitted
from services.civil_registry.rules import missing_documents
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.settings import GatewaySettings
from services.gateway.tracker import DossierStatus, StepStatus, overall_status

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "birth.json"


def submitted(**changes: Any) -> BirthDossierSubmitted:
    form = BirthDossier.model_validate({**json.loads(EXAMPLE.read_text("utf-8")), **changes})
    return BirthDossierSubmitted.from_form("d1", datetime(2026, 11, 16, 2, tzinfo=UTC), form)


def test_a_father_without_marriage_or_paternity_evidence_is_asked_for() -> None:
    (item,) = missing_documents(submitted(marriage_certificate_number=None))
    assert item.field == "marriage_certificate_number"
    assert "paternity" in item.message


@pytest.mark.parametrize(
    "changes",
    [
        {},  # the example: married parents
        {"marriage_certificate_number": None, "paternity_evidence": "XN-ADN-2026-0153"},
        {"marriage_certificate_number": None, "father": None},  # no father declared
    ],
)
def test_complete_dossiers_are_not_returned(changes: dict[str, Any]) -> None:
    assert missing_documents(submitted(**changes)) == []


def test_a_returned_step_makes_the_dossier_returned_unless_another_refused() -> None:
    pending, returned = StepStatus.PENDING, StepStatus.RETURNED
    assert overall_status([returned, pending, pending]) == DossierStatus.RETURNED
    assert overall_status([returned, StepStatus.REJECTED]) == DossierStatus.REJECTED


VIETNAM = timezone(timedelta(hours=7))


def vietnam(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("returned", "last_day"),
    [
        # Monday 16/11/2026: Tue 17 … Fri 20, Mon 23, Tue 24, Wed 25 are the 7 working days.
        (vietnam(2026, 11, 16, 9, 30), date(2026, 11, 25)),
        # Friday 20/11 after 15:00: the day of the return never counts, cut-off or not;
        # Mon 23 … Fri 27, Mon 30, Tue 1/12.
        (vietnam(2026, 11, 20, 18, 0), date(2026, 12, 1)),
        # Thursday 31/12/2026: Friday 1/1/2027 is New Year's Day (BLLĐ 2019 art. 112), so
        # Mon 4 … Fri 8, Mon 11, Tue 12/1/2027.
        (vietnam(2026, 12, 31, 10, 0), date(2027, 1, 12)),
    ],
)
def test_complete_by_is_the_end_of_the_7th_working_day_after_the_return(
    returned: datetime, last_day: date
) -> None:
    policy = DeadlinePolicy.from_settings(GatewaySettings())

    due = policy.complete_by(returned.astimezone(UTC))

    assert due == datetime.combine(last_day, time(23, 59, 59), tzinfo=VIETNAM)
