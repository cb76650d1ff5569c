"""``lienthong replay FILE…``: run scenarios against a sandbox and give a verdict CI understands.

Exit 0 when every expectation held, 1 when one did not (the report shows expected against
actual), 2 for a usage error or an invalid scenario file (every mistake with its line), 3 when
the sandbox cannot be reached. Scenarios run one after another, in the order given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Final

from lienthong.cli.broker import BrokerError
from lienthong.cli.errors import SupervisorError
from lienthong.cli.target import EXIT_UNREACHABLE, NothingRunning, Target, add_target_arguments
from lienthong.cli.usage import bounded, reached, usage_error, writable
from lienthong.scenarios.bounds import parse_seconds
from lienthong.scenarios.launch import Launcher, clock_key
from lienthong.scenarios.loading import ScenarioInvalid, load_scenario
from lienthong.scenarios.model import Scenario
from lienthong.scenarios.progress import ProgressBar
from lienthong.scenarios.reporting import junit_xml, text_report, to_json
from lienthong.scenarios.running import replay_scenario
from lienthong.scenarios.system import SandboxApi, Unreachable
from lienthong.scenarios.verdicts import Verdict, judge

EXIT_PASSED: Final = 0
EXIT_FAILED: Final = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Files, where the sandbox runs (or ``--up``), pacing and reports."""
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="scenario YAML files")
    add_target_arguments(parser)
    parser.add_argument(
        "--up",
        action="store_true",
        help="start a fresh sandbox for the run (one per clock the scenarios need) and stop it "
        "afterwards, instead of using a running one",
    )
    parser.add_argument(
        "--speed",
        type=bounded(float, 0.001, 1000.0),
        default=1.0,
        help="replay the scenarios' timing this many times faster (default 1)",
    )
    parser.add_argument(
        "--timeout-factor",
        type=bounded(float, 0.01, 100.0),
        default=1.0,
        metavar="X",
        help="multiply every scenario's timeout (slow machines; default 1)",
    )
    parser.add_argument(
        "--max-duration",
        type=bounded(float, 0.1),
        metavar="SECONDS",
        help="stop submitting after this many real seconds per scenario, then wait for what "
        "was sent and report (for long replays such as the national one; counts then fail)",
    )
    parser.add_argument(
        "--report",
        choices=("text", "json"),
        default="text",
        help="report on stdout: readable text (default) or JSON",
    )
    parser.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
    parser.add_argument(
        "--check", action="store_true", help="only validate the files (exit 0 or 2)"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    parser.set_defaults(usage=parser)


def _load(files: list[Path]) -> list[Scenario] | list[str]:
    scenarios: list[Scenario] = []
    problems: list[str] = []
    for path in files:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioInvalid as invalid:
            problems += [str(p) for p in invalid.problems]
    return problems or scenarios


def run(args: argparse.Namespace) -> int:
    """Validate every file, then replay them one by one and report."""
    usage: argparse.ArgumentParser = args.usage
    loaded = _load(args.files)
    if loaded and isinstance(loaded[0], str):
        for problem in loaded:
            print(problem, file=sys.stderr)
        return usage_error(usage, "invalid scenario file(s); nothing was run")
    scenarios = [s for s in loaded if isinstance(s, Scenario)]
    if args.junit is not None and not writable(args.junit):
        return usage_error(usage, f"--junit {args.junit}: cannot write there")
    if args.check:
        print(f"{len(scenarios)} scenario file(s) valid")
        return EXIT_PASSED
    target: Target | None = None
    if not args.up:
        found = reached(args, usage.prog)
        if isinstance(found, int):
            return found
        target = found
        if target.data_dir is None and any(s.disruptions for s in scenarios):
            return usage_error(
                usage, "scenarios with disruptions need a local run: --data-dir or --up"
            )
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        verdicts = asyncio.run(_replay_all(scenarios, target, args, show))
    except (Unreachable, NothingRunning, SupervisorError, BrokerError) as error:
        print(f"{usage.prog}: {error}", file=sys.stderr)  # a sandbox of its own failed to start
        return EXIT_UNREACHABLE
    if args.report == "json":
        print(json.dumps(to_json(verdicts), ensure_ascii=False, indent=2, default=str))
    else:
        print(text_report(verdicts))
    if args.junit:
        args.junit.write_text(junit_xml(verdicts), encoding="utf-8")
    return EXIT_PASSED if all(v.passed for v in verdicts) else EXIT_FAILED


async def _replay_all(
    scenarios: list[Scenario], target: Target | None, args: argparse.Namespace, show: bool
) -> list[Verdict]:
    launcher = Launcher()
    verdicts: list[Verdict] = []
    try:
        running_clock = await _clock_of(target) if target else None
        for scenario in scenarios:
            urls, data_dir, key, note = await _where(scenario, target, running_clock, launcher)
            scenario = scenario.model_copy(
                update={"timeout": _scaled(scenario.timeout, args.timeout_factor)}
            )
            api = SandboxApi(urls, api_key=key)
            bar = ProgressBar(scenario.name, enabled=show)
            try:
                run = await replay_scenario(
                    api,
                    scenario,
                    speed=args.speed,
                    data_dir=data_dir,
                    progress=bar.update,
                    max_duration_s=args.max_duration,
                )
            finally:
                bar.close()
                await api.aclose()
            if note:
                run.notes.insert(0, note)
            verdicts.append(judge(run))
    finally:
        await asyncio.to_thread(launcher.close)
    return verdicts


def _scaled(timeout: str | float, factor: float) -> float:
    return parse_seconds(timeout) * factor


async def _clock_of(target: Target) -> tuple[float, str]:
    api = SandboxApi(target.urls, api_key=target.api_key)
    try:
        _, speed = await api.clock()
    finally:
        await api.aclose()
    return (speed, "")


async def _where(
    scenario: Scenario,
    target: Target | None,
    running_clock: tuple[float, str] | None,
    launcher: Launcher,
) -> tuple[dict[str, str], Path | None, str | None, str | None]:
    """The sandbox a scenario runs on (its URLs, data dir and key), and a note when replay had
    to start its own."""
    wanted = clock_key(scenario.clock)
    if target is not None and (scenario.clock is None or wanted == running_clock):
        return target.urls, target.data_dir, target.api_key, None
    launched = await asyncio.to_thread(launcher.sandbox, scenario.clock)
    note = None
    if target is not None:
        start = f" starting at {wanted[1]}" if wanted[1] else ""
        note = f"ran on a sandbox of its own: it needs a clock of speed {wanted[0]:g}{start}"
    return launched.urls, launched.data_dir, launched.api_key, note
