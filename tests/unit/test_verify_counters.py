"""The counters rule on hand-counted stats, and the report people and programs read."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from lienthong.verify.counters import AGENCY_FIELDS
from lienthong.verify.ledgers import DossierRow, Ledger, Snapshot, Step
from lienthong.verify.report import as_json, reconcile, render

NOW = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
AGENCIES = ("civil_registry", "population", "insurance")


def zero() -> dict[str, Any]:
    return dict.fromkeys(AGENCY_FIELDS, 0) | {"rejected_by_reason": {}}


def dossiers() -> dict[str, DossierRow]:
    """A: a birth completed on time. B: a birth open past its deadline, stuck at population."""
    a = DossierRow(
        "A",
        "birth",
        "completed",
        submitted_at=NOW - 2 * HOUR,
        updated_at=NOW - HOUR,
        closed_at=NOW - HOUR,
        due_at=NOW + 2 * DAY,
        steps=tuple(
            Step(agency, "done", NOW - 2 * HOUR, NOW - HOUR, due_at=NOW + DAY)
            for agency in AGENCIES
        ),
    )
    b = DossierRow(
        "B",
        "birth",
        "in_progress",
        submitted_at=NOW - 3 * DAY,
        updated_at=NOW - 2 * DAY,
        due_at=NOW - HOUR,
        steps=(
            Step("civil_registry", "done", NOW - 3 * DAY, NOW - 2 * DAY, due_at=NOW - 1 * DAY),
            Step("population", "pending", NOW - 2 * DAY, None, due_at=NOW - HOUR),
            Step("insurance", "pending"),
        ),
    )
    return {"A": a, "B": b}


STATS: dict[str, Any] = {
    "generated_at": NOW.isoformat(),
    "flows": {
        "birth": {
            "dossiers": {
                "submitted": 0,
                "in_progress": 1,
                "returned": 0,
                "completed": 1,
                "rejected": 0,
                "failed": 0,
                "total": 2,
            },
            "on_time": 1,  # A closed before its due time
            "overdue": 1,  # B still open past it
            "agencies": {
                # A's and B's steps, both decided within their deadlines
                "civil_registry": zero() | {"sent": 2, "synced": 2, "on_time": 2},
                # A's done on time, B's open past its deadline
                "population": zero()
                | {"sent": 2, "synced": 1, "pending": 1, "on_time": 1}
                | {"overdue": 1},
                # only A's step started; B's is waiting for population
                "insurance": zero() | {"sent": 1, "synced": 1, "on_time": 1, "waiting": 1},
            },
        }
    },
}


def snapshot(stats: dict[str, Any] | None) -> Snapshot:
    ledgers = {name: Ledger(name, NOW) for name in ("gateway", *AGENCIES)}
    ledgers["gateway"].dossiers = dossiers()
    ledgers["gateway"].counters = stats
    return Snapshot(ledgers)


def counters_found(stats: dict[str, Any]) -> tuple[int, list[str]]:
    report = reconcile(snapshot(stats))
    (rule,) = [rule for rule in report.rules if rule.rule == "counters"]
    return rule.checked, [d.detail for d in rule.discrepancies]


def test_counters_counted_from_the_rows_agree_with_what_the_gateway_reports() -> None:
    # 7 dossier figures + on time + overdue + 3 agencies × (12 figures + refusals by reason)
    assert counters_found(STATS) == (48, [])


def test_a_counter_that_disagrees_with_the_rows_is_found() -> None:
    stats = copy.deepcopy(STATS)
    stats["flows"]["birth"]["dossiers"]["completed"] = 2
    stats["flows"]["birth"]["agencies"]["population"]["overdue"] = 0

    assert counters_found(stats) == (
        48,
        [
            "birth.dossiers.completed: /api/v1/stats says 2, the dossier rows 1",
            "birth.agencies.population.overdue: /api/v1/stats says 0, the dossier rows 1",
        ],
    )


def test_a_flow_the_counters_leave_out_is_found() -> None:
    stats = copy.deepcopy(STATS)
    stats["flows"] = {"death": stats["flows"].pop("birth") | {"dossiers": {"total": 0}}}
    stats["flows"]["death"].update(on_time=0, overdue=0, agencies={})

    checked, details = counters_found(stats)

    assert details == ["birth dossiers exist but /api/v1/stats has no birth flow"]
    assert checked == 3  # death: total, on time, overdue


def test_the_table_shows_each_rule_the_dossiers_and_the_first_discrepancies() -> None:
    stats = copy.deepcopy(STATS)
    stats["flows"]["birth"]["on_time"] = 5
    report = reconcile(snapshot(stats))

    text = render(report, show=1)

    lines = text.splitlines()
    assert lines[0].split() == ["rule", "checked", "discrepancies"]
    assert lines[5].split() == ["counters", "48", "1"]
    # B stuck (1), A's three facts missing (3), the on-time counter (1), no trace of either at
    # the civil registry (2): only the first shows.
    assert "7 discrepancies (first 1):" in lines
    assert text.splitlines()[-1] == (
        "  [final_or_pending] B: in_progress, stuck: at population: no reason (no decision at "
        "population, nothing parked or staged, no fault on)"
    )


def test_the_json_report_lists_everything() -> None:
    report = reconcile(snapshot(STATS))

    body = as_json(report)

    assert body["clean"] is False
    assert [rule["rule"] for rule in body["rules"]] == [
        "final_or_pending",
        "one_effect_each",
        "cause_before_effect",
        "effect_after_cause",
        "counters",
        "reached_civil_registry",
    ]
    assert body["dossiers"]["birth"] == {
        "submitted": 0,
        "in_progress": 1,
        "returned": 0,
        "completed": 1,
        "rejected": 0,
        "failed": 0,
        "total": 2,
    }
    assert body["pending"] == [
        {
            "dossier_id": "B",
            "flow": "birth",
            "status": "in_progress",
            "waiting_at": ["population"],
            "reasons": [],
            "in_flight": False,
            "stuck": True,
        }
    ]
    # A is completed but none of its facts exist: three missing facts; B is stuck; and neither
    # dossier left a trace at the civil registry.
    assert [(d["rule"], d["dossier_id"]) for d in body["discrepancies"]] == [
        ("final_or_pending", "B"),
        ("one_effect_each", "A"),
        ("one_effect_each", "A"),
        ("one_effect_each", "A"),
        ("reached_civil_registry", "A"),
        ("reached_civil_registry", "B"),
    ]
