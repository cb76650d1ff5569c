"""``lienthong replay`` on a real sandbox: the shipped library passes on a fresh system and again
on one that has already run it, a wrong expectation fails readably, reports are written.

A sandbox of its own (the failure policy's defaults, not the session's shortened retries), so the
scenarios meet the system as users run it; the clock-pinned scenarios start their own sandboxes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
import yaml

from lienthong.cli.main import main
from tests.e2e.helpers import ROOT, RunningSystem, running_system

LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))  # national/ is a load test, not here


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """A fresh sandbox with the default retry policy (8 attempts)."""
    with running_system(
        tmp_path_factory.mktemp("replay"), TRANSIENT_MAX_ATTEMPTS="8", TRANSIENT_BACKOFF_MS="100"
    ) as running:
        yield running


@pytest.mark.timeout(900)
def test_the_library_passes_fresh_and_again_after_itself(
    sandbox: RunningSystem, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "junit.xml"
    files = [str(p) for p in LIBRARY]
    code = main(
        [
            "replay",
            *files,
            *files,  # the second pass meets a system the first pass has used
            "--data-dir",
            str(sandbox.data_dir),
            "--report",
            "json",
            "--junit",
            str(junit),
            "--timeout-factor",
            "2",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    failed = {
        s["name"]: [c for c in s["checks"] if not c["passed"]]
        for s in report["scenarios"]
        if not s["passed"]
    }
    assert code == 0, failed
    assert [s["name"] for s in report["scenarios"]] == [p.stem for p in LIBRARY] * 2
    suites = ElementTree.parse(junit).getroot().findall("testsuite")
    assert len(suites) == 2 * len(LIBRARY)
    assert all(suite.get("failures") == "0" for suite in suites)


WRONG = """
name: wrong-expectation
dossiers:
  - {name: refused, kind: birth, defects: [mother_unknown]}
expect:
  dossiers:
    refused:
      status: completed
      steps: {civil_registry: {status: done}}
"""


def test_a_wrong_expectation_exits_1_with_expected_against_actual(
    sandbox: RunningSystem, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(WRONG, encoding="utf-8")
    code = main(["replay", str(scenario), "--url", sandbox.urls["gateway"]])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  wrong-expectation" in out
    assert (
        "✗ dossier refused status\n          expected: completed\n          actual:   rejected"
        in out
    )
    assert "✗ dossier refused step civil_registry status" in out
    assert "0 of 1 scenarios passed" in out


MIXED = """
name: mixed-run
seed: 21
dossiers:
  - {name: born, kind: birth, province: "01"}
  - {name: unknown-mother, kind: birth, defects: [mother_unknown]}
  - {name: head-elsewhere, kind: birth, defects: [household_head_elsewhere], at: 0.5s}
  - {name: pensioner, kind: death, insurance: pensioner, at: 1s}
  - {name: assistance, kind: death, insurance: assistance, at: 1s}
  - {name: unclaimed, kind: death, insurance: uninsured, benefit: not_claimed}
  - {name: twice, kind: birth, submit: {times: 2, same_key: false, every: 1s}}
"""


def test_record_then_replay_reproduces_the_outcomes(
    sandbox: RunningSystem, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(MIXED, encoding="utf-8")
    url = sandbox.urls["gateway"]
    clock = httpx.get(f"{url}/health", timeout=10).json()["clock"]["now"]
    assert main(["replay", str(mixed), "--url", url]) == 0
    recorded = tmp_path / "recorded.yaml"
    code = main(
        ["record", "--url", url, "--since", clock, "--out", str(recorded), "--name", "again"]
    )
    assert code == 0, capsys.readouterr().err
    text = recorded.read_text(encoding="utf-8")
    scenario = yaml.safe_load(text)
    # No personal data: no ID number at all, and no name or phone number of the forms.
    assert re.search(r"\b\d{12}\b", text) is None
    forms = httpx.get(f"{url}/admin/submissions", params={"since": clock}, timeout=10).json()
    assert len(forms["items"]) == 8
    for item in forms["items"]:
        form = item["form"]
        people = [form.get(role) for role in ("mother", "father", "deceased", "requester")]
        for person in filter(None, people):
            assert person["full_name"] not in text
        assert form["requester"]["phone"] not in text
    expected = scenario["expect"]["dossiers"]
    assert len(expected) == 8  # the seven dossiers and the second "twice"
    statuses = sorted(e["status"] for e in expected.values())
    assert statuses == ["completed"] * 5 + ["rejected"] * 3
    capsys.readouterr()
    assert main(["replay", str(recorded), "--url", url, "--report", "json"]) == 0
    [result] = json.loads(capsys.readouterr().out)["scenarios"]
    assert result["passed"] and len(result["checks"]) >= 20
