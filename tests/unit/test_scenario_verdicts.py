"""Verdicts and reports: what each expectation compares, and how a failure reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

from lienthong.scenarios.loading import load_scenario_text
from lienthong.scenarios.reporting import junit_xml, text_report, to_json
from lienthong.scenarios.running import ScenarioRun, SentDossier
from lienthong.scenarios.verdicts import judge

SUBMITTED = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
SCENARIO = """
name: v
dossiers:
  - {name: ok, kind: birth}
  - {name: refused, kind: birth, defects: [mother_unknown]}
  - {name: bad-form, kind: birth}
generate:
  - {kind: death, count: 2, label: deaths}
expect:
  dossiers:
    ok:
      status: completed
      steps: {insurance: {status: done, result: {card_code: TE1011234567890}}}
    refused:
      status: rejected
      reason: mother_not_found
      steps: {civil_registry: {status: rejected, reason: mother_not_found}}
    bad-form: {status: invalid}
  groups:
    deaths: {count: 2, status: {completed: 2}, latency: {p50: "< 10s", max: "< 1m"}}
  all: {count: 4, overdue: 0}
  throttled: 0
  dead_letters: {total: 0}
"""


def _view(
    dossier_id: str, status: str, seconds: float, steps: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "dossier_id": dossier_id,
        "status": status,
        "overdue": False,
        "submitted_at": SUBMITTED.isoformat(),
        "completed_at": (SUBMITTED + timedelta(seconds=seconds)).isoformat()
        if status == "completed"
        else None,
        "steps": steps,
    }


def _step(agency: str, status: str, reason: str | None = None, **result: Any) -> dict[str, Any]:
    return {
        "agency": agency,
        "status": status,
        "reason": {"code": reason} if reason else None,
        "result": result or None,
        "overdue": False,
    }


def _run(card: str = "TE1011234567890", death_seconds: float = 3) -> ScenarioRun:
    run = ScenarioRun(load_scenario_text(SCENARIO), started_at=datetime(2026, 11, 16, tzinfo=UTC))
    run.dossiers = [
        SentDossier("d1", "ok", None, 0),
        SentDossier("d2", "refused", None, 0),
        SentDossier("d3", None, "deaths", 0),
        SentDossier("d4", None, "deaths", 0),
    ]
    run.invalid = {"bad-form": {"detail": [{"loc": ["body", "child"], "msg": "bad"}]}}
    run.views = {
        "d1": _view("d1", "completed", 2, [_step("insurance", "done", card_code=card)]),
        "d2": _view("d2", "rejected", 0, [_step("civil_registry", "rejected", "mother_not_found")]),
        "d3": _view("d3", "completed", death_seconds, []),
        "d4": _view("d4", "completed", 5, []),
    }
    run.dead_letters = {"total": 0}
    run.elapsed_s = 2.0
    return run


def test_a_run_that_matches_passes_every_check() -> None:
    verdict = judge(_run())
    assert verdict.passed, verdict.failures
    # ok 3, refused 4, bad-form 1, deaths group 4, all 2, throttled 1, dead letters 1
    assert len(verdict.checks) == 16


def test_a_wrong_result_fails_and_says_expected_and_actual() -> None:
    verdict = judge(_run(card="TE1019999999999"))
    assert not verdict.passed
    [failure] = verdict.failures
    assert failure.subject == "dossier ok step insurance result.card_code"
    assert (failure.expected, failure.actual) == ("TE1011234567890", "TE1019999999999")
    report = text_report([verdict])
    assert "FAIL  v" in report
    assert "expected: TE1011234567890" in report and "actual:   TE1019999999999" in report
    assert report.endswith("0 of 1 scenarios passed")


def test_latency_bounds_use_the_submit_to_completed_time() -> None:
    assert judge(_run(death_seconds=59)).passed  # latencies 59 s and 5 s: p50 5 s, max 59 s
    [failure] = judge(_run(death_seconds=61)).failures  # max 61 s is not under a minute
    assert (failure.subject, failure.expected, failure.actual) == (
        "group deaths latency max (s)",
        "< 1m",
        61.0,
    )


def test_a_missing_dossier_is_a_failure_not_a_crash() -> None:
    run = _run()
    run.dossiers = [d for d in run.dossiers if d.name != "ok"]
    failures = {f.subject for f in judge(run).failures}
    assert "dossier ok" in failures
    assert "all dossiers count" in failures


def test_a_timeout_names_how_many_were_still_open() -> None:
    run = _run()
    run.views["d4"] = {**run.views["d4"], "status": "in_progress", "completed_at": None}
    run.open_ids = ["d4"]
    failures = {f.subject: f.actual for f in judge(run).failures}
    assert failures["dossiers final before the timeout"] == "1 still open"


def test_junit_has_a_case_per_check_and_a_failure_per_failed_check() -> None:
    xml = junit_xml([judge(_run(card="TE1019999999999"))])
    root = ElementTree.fromstring(xml.split("?>", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("tests") == "16" and suite.get("failures") == "1"
    failed = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    assert [case.get("name") for case in failed] == ["dossier ok step insurance result.card_code"]


def test_json_report_lists_checks_and_named_outcomes() -> None:
    report = to_json([judge(_run())])
    scenario = report["scenarios"][0]
    assert report["passed"] is True
    assert scenario["named"]["refused"]["steps"]["civil_registry"]["reason"] == "mother_not_found"
    assert scenario["invalid"] == {
        "bad-form": {"detail": [{"loc": ["body", "child"], "msg": "bad"}]}
    }


def test_forms_refused_at_the_door_fail_a_group_that_does_not_expect_them() -> None:
    run = _run()
    run.refused["deaths"] = 1
    failures = {f.subject: (f.expected, f.actual) for f in judge(run).failures}
    assert failures["group deaths refused at the door (4xx)"] == (0, 1)
    assert failures["all dossiers refused at the door (4xx)"] == (0, 1)


def test_a_named_dossier_refused_at_the_door_fails_what_was_expected_of_it() -> None:
    run = _run()
    run.invalid["ok"] = {"detail": [{"loc": ["body", "child"], "msg": "bad"}]}
    failures = {f.subject for f in judge(run).failures}
    assert {"dossier ok status", "dossier ok accepted by the portal"} <= failures


def test_a_disruption_that_could_not_happen_fails_the_scenario() -> None:
    run = _run()
    run.problems = ["pause_broker: this run has no embedded broker to pause"]
    [failure] = judge(run).failures
    assert failure.subject == "the scenario ran as written"
