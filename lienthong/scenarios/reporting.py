"""Saying the verdicts: a readable report, JSON for tools, JUnit XML for CI.

The readable report lists every failed check as expected against actual; passing checks are
counted, not listed, so the page shows what needs fixing.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from lienthong.scenarios.verdicts import Verdict

__all__ = ["junit_xml", "text_report", "to_json"]


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def text_report(verdicts: list[Verdict]) -> str:
    """One block per scenario; ends with a one-line summary."""
    lines: list[str] = []
    for verdict in verdicts:
        run = verdict.run
        mark = "PASS" if verdict.passed else "FAIL"
        lines.append(
            f"{mark}  {run.scenario.name}  ({len(run.dossiers)} dossiers, "
            f"{len(verdict.checks)} checks, {run.elapsed_s:.1f} s, "
            f"{run.final_per_s:.1f} final dossiers/s)"
        )
        for note in run.notes:
            lines.append(f"      note: {note}")
        for check in verdict.failures:
            lines.append(f"      ✗ {check.subject}")
            lines.append(f"          expected: {_value(check.expected)}")
            lines.append(f"          actual:   {_value(check.actual)}")
            if check.detail:
                lines.append(f"          ({check.detail})")
    passed = sum(1 for v in verdicts if v.passed)
    lines.append(f"{passed} of {len(verdicts)} scenarios passed")
    return "\n".join(lines)


def _outcome(view: dict[str, Any] | None, dossier_id: str) -> dict[str, Any]:
    """A named dossier as it ended: status, and each step's status, reason and result."""
    if view is None:
        return {"dossier_id": dossier_id, "status": "unknown"}
    return {
        "dossier_id": dossier_id,
        "status": view["status"],
        "overdue": view["overdue"],
        "steps": {
            step["agency"]: {
                "status": step["status"],
                "reason": (step.get("reason") or {}).get("code"),
                "result": step.get("result"),
            }
            for step in view["steps"]
        },
    }


def to_json(verdicts: list[Verdict]) -> dict[str, Any]:
    """Everything the readable report says, and the passing checks too."""
    return {
        "passed": all(v.passed for v in verdicts),
        "scenarios": [
            {
                "name": v.run.scenario.name,
                "passed": v.passed,
                "elapsed_s": round(v.run.elapsed_s, 3),
                "final_per_s": round(v.run.final_per_s, 2),
                "stopped": v.run.stopped,
                "dossiers": len(v.run.dossiers),
                "timed_out": v.run.timed_out,
                "throttled": v.run.throttled,
                "dead_letters": v.run.dead_letters,
                "notes": v.run.notes,
                "named": {
                    d.name: _outcome(v.run.views.get(d.dossier_id), d.dossier_id)
                    for d in v.run.dossiers
                    if d.name
                },
                "invalid": v.run.invalid,
                "checks": [
                    {
                        "subject": c.subject,
                        "expected": c.expected,
                        "actual": c.actual,
                        "passed": c.passed,
                        **({"detail": c.detail} if c.detail else {}),
                    }
                    for c in v.checks
                ],
            }
            for v in verdicts
        ],
    }


def junit_xml(verdicts: list[Verdict]) -> str:
    """JUnit XML: a test suite per scenario, a test case per check (what CI servers render)."""
    suites = ElementTree.Element("testsuites", name="lienthong replay")
    for verdict in verdicts:
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=verdict.run.scenario.name,
            tests=str(len(verdict.checks)),
            failures=str(len(verdict.failures)),
            errors="0",
            time=f"{verdict.run.elapsed_s:.3f}",
        )
        for check in verdict.checks:
            case = ElementTree.SubElement(
                suite, "testcase", classname=verdict.run.scenario.name, name=check.subject
            )
            if not check.passed:
                failure = ElementTree.SubElement(
                    case,
                    "failure",
                    message=f"expected {_value(check.expected)}, got {_value(check.actual)}",
                )
                failure.text = (
                    f"expected: {_value(check.expected)}\nactual:   {_value(check.actual)}"
                )
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
