"""The verdict: every expectation of a scenario checked against what the run observed.

Each check says what it looked at (``dossier first-birth, step population, status``), what was
expected and what was found, so a failed run explains itself without a debugger.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from lienthong.load.stats import percentile
from lienthong.scenarios.bounds import parse_bound
from lienthong.scenarios.expectations import (
    DossierExpectation,
    GroupExpectation,
    LatencyExpectation,
    StepExpectation,
)
from lienthong.scenarios.outcomes import refusal_of
from lienthong.scenarios.running import ScenarioRun

__all__ = ["Check", "Verdict", "judge"]


@dataclass(frozen=True)
class Check:
    """One compared value."""

    subject: str
    expected: Any
    actual: Any
    passed: bool
    detail: str = ""
    """What else helps to see why (e.g. the group's statuses and reasons when a count is off)."""


@dataclass(frozen=True)
class Verdict:
    """All checks of one scenario; it passes when every check does."""

    run: ScenarioRun
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def _equal(subject: str, expected: Any, actual: Any) -> Check:
    return Check(subject, expected, actual, expected == actual)


def _bounded(subject: str, spec: str | float, actual: float) -> Check:
    return Check(subject, spec, actual, parse_bound(spec).holds(actual))


def _step_checks(where: str, expected: StepExpectation, step: dict[str, Any] | None) -> list[Check]:
    if step is None:
        return [Check(where, "a step", "none", False)]
    checks: list[Check] = []
    if expected.status is not None:
        checks.append(_equal(f"{where} status", expected.status, step["status"]))
    if expected.reason is not None:
        code = (step.get("reason") or {}).get("code")
        checks.append(_equal(f"{where} reason", expected.reason, code))
    if expected.overdue is not None:
        checks.append(_equal(f"{where} overdue", expected.overdue, step["overdue"]))
    for key, value in (expected.result or {}).items():
        actual = (step.get("result") or {}).get(key)
        checks.append(_equal(f"{where} result.{key}", value, actual))
    return checks


def _dossier_checks(
    name: str, expected: DossierExpectation, run: ScenarioRun, ids: dict[str, str]
) -> list[Check]:
    where = f"dossier {name}"
    if name in run.invalid:
        problems = run.invalid[name]
        status = "invalid"
        view: dict[str, Any] | None = None
    elif name in ids and ids[name] in run.views:
        view = run.views[ids[name]]
        status = view["status"]
    else:
        return [Check(where, "a dossier", "none was created", False)]
    checks: list[Check] = []
    if expected.status is not None:
        checks.append(_equal(f"{where} status", expected.status, status))
    if view is None:  # refused at the door: anything expected of the dossier did not happen
        if expected.status != "invalid":
            checks.append(Check(f"{where} accepted by the portal", "a dossier", problems, False))
        return checks
    if expected.reason is not None:
        checks.append(_equal(f"{where} reason", expected.reason, refusal_of(view)))
    if expected.overdue is not None:
        checks.append(_equal(f"{where} overdue", expected.overdue, view["overdue"]))
    steps = {step["agency"]: step for step in view["steps"]}
    for agency, step_expected in expected.steps.items():
        checks += _step_checks(f"{where} step {agency}", step_expected, steps.get(agency))
    return checks


def _latencies(views: list[dict[str, Any]]) -> list[float]:
    return [
        (
            datetime.fromisoformat(v["completed_at"]) - datetime.fromisoformat(v["submitted_at"])
        ).total_seconds()
        for v in views
        if v["status"] == "completed" and v["completed_at"]
    ]


def _latency_checks(
    where: str, expected: LatencyExpectation, views: list[dict[str, Any]]
) -> list[Check]:
    values = sorted(_latencies(views))
    checks = []
    for label, share in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100)):
        spec = getattr(expected, label)
        if spec is None:
            continue
        if not values:
            checks.append(Check(f"{where} latency {label}", spec, "no completed dossier", False))
            continue
        value = percentile(values, share)
        assert value is not None  # values is not empty
        checks.append(_bounded(f"{where} latency {label} (s)", spec, value))
    return checks


def _group_checks(
    where: str, expected: GroupExpectation, views: list[dict[str, Any]], refused: int
) -> list[Check]:
    """Counts over ``views``; forms the portal refused at the door count as status
    ``invalid``, and are a failure unless the expectation names that status."""
    checks: list[Check] = []
    if refused and "invalid" not in expected.status:
        checks.append(Check(f"{where} refused at the door (4xx)", 0, refused, False))
    if expected.count is not None:
        checks.append(_bounded(f"{where} count", expected.count, len(views)))
    statuses = Counter(v["status"] for v in views)
    if refused:
        statuses["invalid"] += refused
    reasons = Counter(code for v in views if (code := refusal_of(v)))
    seen = ", ".join(f"{k} {n}" for k, n in sorted(statuses.items()))
    if reasons:
        seen += "; reasons: " + ", ".join(f"{k} {n}" for k, n in sorted(reasons.items()))
    for status, spec in expected.status.items():
        check = _bounded(f"{where} status {status}", spec, statuses.get(status, 0))
        checks.append(replace(check, detail=f"statuses: {seen}"))
    for code, spec in expected.reasons.items():
        check = _bounded(f"{where} reason {code}", spec, reasons.get(code, 0))
        checks.append(replace(check, detail=f"statuses: {seen}"))
    if expected.overdue is not None:
        late = sum(1 for v in views if v["overdue"])
        checks.append(_bounded(f"{where} overdue", expected.overdue, late))
    if expected.latency is not None:
        checks += _latency_checks(where, expected.latency, views)
    return checks


def judge(run: ScenarioRun) -> Verdict:
    """Check every expectation of ``run.scenario`` against ``run``."""
    expect = run.scenario.expect
    ids = {d.name: d.dossier_id for d in run.dossiers if d.name}
    checks: list[Check] = []
    open_count = len(run.open_ids)
    for problem in run.problems:
        checks.append(Check("the scenario ran as written", "every disruption", problem, False))
    if run.stopped:
        checks.append(Check("every planned dossier submitted", "all", run.stopped, False))
    if open_count:
        checks.append(
            Check("dossiers final before the timeout", 0, f"{open_count} still open", False)
        )
    for name, expectation in expect.dossiers.items():
        checks += _dossier_checks(name, expectation, run, ids)
    for label, group in expect.groups.items():
        views = [
            run.views[d.dossier_id]
            for d in run.dossiers
            if d.group == label and d.dossier_id in run.views
        ]
        checks += _group_checks(f"group {label}", group, views, run.refused[label])
    if expect.all is not None:
        views = [run.views[d.dossier_id] for d in run.dossiers if d.dossier_id in run.views]
        checks += _group_checks("all dossiers", expect.all, views, sum(run.refused.values()))
    if expect.throttled is not None:
        checks.append(_bounded("submissions throttled (503)", expect.throttled, run.throttled))
    for kind, spec in expect.dead_letters.items():
        checks.append(_bounded(f"dead letters {kind}", spec, run.dead_letters.get(kind, 0)))
    return Verdict(run, checks)
