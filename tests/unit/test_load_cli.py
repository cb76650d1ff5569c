"""``lienthong load`` and ``bench`` as commands: usage errors, nothing running, thresholds as
the exit code, and a clean stdout for ``--report json``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lienthong.cli.commands.load import finish
from lienthong.cli.main import main
from lienthong.load.engine import LoadRun
from lienthong.load.observe import ClockMap
from lienthong.load.plan import LoadPlan, Mode
from lienthong.load.report import LoadReport, build_report
from lienthong.load.thresholds import Limit, Thresholds


def empty_report() -> LoadReport:
    clock = ClockMap(1.0, datetime(2026, 11, 16, tzinfo=UTC), 0.0)
    run = LoadRun(LoadPlan(Mode.MAX, duration_s=1.0), "t", clock, 0.0)
    return build_report(run)


@pytest.mark.parametrize(
    "argv",
    [
        ["load", "--duration", "5"],  # neither --rate nor --max
        ["load", "--max", "--profile", "census"],
        ["load", "--rate", "10", "--duration", "5", "--ramp", "6"],
    ],
)
def test_a_plan_that_makes_no_sense_is_a_usage_error(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "usage: lienthong load" in err and "error:" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["load", "--rate", "0"],
        ["load", "--rate", "10", "--max"],
        ["load", "--max", "--batch", "1001"],
        ["load", "--max", "--max-failed", "5x"],
        ["bench", "--duration", "0"],
    ],
)
def test_bad_options_are_refused_by_argparse(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


@pytest.mark.parametrize("command", [["load", "--rate", "10"], ["bench"]])
def test_nothing_running_is_exit_3(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--data-dir", str(tmp_path)]) == 3
    assert "nothing runs at" in capsys.readouterr().err


def test_an_empty_run_still_reports(capsys: pytest.CaptureFixture[str]) -> None:
    report = empty_report()
    assert finish(report, Thresholds(), "text", None) == 0
    assert "final       completed 0" in capsys.readouterr().out


def test_thresholds_set_the_exit_code_and_name_what_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "report.html"
    limits = Thresholds(max_p99_s=1.0, min_rate=0.0, max_failed=Limit(0))
    assert finish(empty_report(), limits, "json", page) == 1
    out, err = capsys.readouterr()
    data = json.loads(out)  # stdout is the JSON alone
    assert data["passed"] is False
    assert [(c["name"], c["ok"]) for c in data["thresholds"]] == [
        ("max_p99", False),
        ("min_rate", False),
        ("max_failed", True),
    ]
    assert "threshold max_p99 failed: p99 submit → completed (s) expected ≤ 1, actual None" in err
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_an_html_report_that_cannot_be_written_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["load", "--rate", "10", "--html", str(tmp_path / "missing" / "r.html")]
    assert main([*argv, "--url", "http://127.0.0.1:1"]) == 2  # nothing was reached
    assert "--html" in capsys.readouterr().err
