"""``lienthong load``: drive a running sandbox with dossiers and report what it sustained.

Open loop at a target rate (``--rate``, with ``--ramp``), open loop shaped like a census day
(``--profile census``: births and deaths by province population, office-hours peaks), or as
fast as possible (``--max``: a closed loop of ``--concurrency`` requests). A live line on
stderr (when it is a terminal, or with ``--progress``), then the report on stdout — text, or
JSON with ``--report json`` — and with ``--html`` a self-contained page with charts.
Thresholds set the exit code as k6's do: 0 all met, 1 one failed (each named with expected and
actual), 2 usage, 3 nothing runs where the command looked.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Final, TextIO

from lienthong.cli.target import EXIT_UNREACHABLE, add_target_arguments
from lienthong.cli.usage import bounded, reached, usage_error, writable
from lienthong.load.engine import UNREACHABLE, Progress, run_load
from lienthong.load.plan import Arrivals, LoadPlan, Mode
from lienthong.load.report import LoadReport
from lienthong.load.text import progress_line, render_text
from lienthong.load.thresholds import Thresholds, count_or_percent, evaluate
from lienthong.runtime.randomness import DEFAULT_SEED
from lienthong.workload.census import BIRTH_SHARE

__all__ = ["ProgressPrinter", "add_arguments", "run"]

EXIT_OK: Final = 0
EXIT_THRESHOLD: Final = 1
PROG: Final = "lienthong load"


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    """How dossiers are sent and watched (shared with ``bench``)."""
    parser.add_argument(
        "--batch",
        type=bounded(int, 0, 1000),
        default=0,
        metavar="N",
        help="0 (default): one POST /api/v1/dossiers per dossier, what a real portal sees; "
        "N: POST /api/v1/dossiers/batch with N forms each (bulk intake, fewer requests)",
    )
    parser.add_argument(
        "--concurrency",
        type=bounded(int, 1, 10_000),
        default=32,
        metavar="N",
        help="--max: requests in flight, each followed by the next on its answer (32)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=int(os.environ.get("LIENTHONG_SEED", str(DEFAULT_SEED))),
        help="seed of every random choice: people, births vs deaths, provinces, arrivals "
        f"(default {DEFAULT_SEED}, env LIENTHONG_SEED)",
    )
    parser.add_argument(
        "--birth-share",
        type=bounded(float, 0.0, 1.0),
        default=BIRTH_SHARE,
        metavar="F",
        help="share of births among dossiers, the rest deaths "
        f"(default {BIRTH_SHARE:.3f}, the national figures)",
    )
    parser.add_argument(
        "--drain",
        type=bounded(float, 0.0, 3600.0),
        default=60.0,
        metavar="SECONDS",
        help="after the last submission, how long to wait for dossiers to end before the rest "
        "count as lost (60)",
    )
    parser.add_argument(
        "--poll",
        type=bounded(float, 0.1, 60.0),
        default=1.0,
        metavar="SECONDS",
        help="how often the gateway's counters, consumer lag and processes are read (1)",
    )
    parser.add_argument(
        "--sample",
        type=bounded(float, 0.0, 1000.0),
        default=10.0,
        metavar="PER_S",
        help="dossiers per second followed one by one, for per-hop latencies (10)",
    )
    parser.add_argument(
        "--prefill",
        type=bounded(int, 0, 1_000_000),
        metavar="N",
        help="forms built before the clock starts (default: all a --rate run sends, or "
        "--duration × 300 for --max); more are built in the background when they run out",
    )
    parser.add_argument(
        "--progress", action="store_true", help="live line on stderr even when not a terminal"
    )
    add_target_arguments(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Pace, shape, reporting and thresholds."""
    parser.epilog = (
        "The report gives sent, submitted, completed, rejected, failed and lost dossiers "
        "(checked against the gateway's /api/v1/stats), dossiers/s and events/s, latencies "
        "end to end and per agency, peak consumer lag, each service's memory and CPU, and what "
        "the load tool itself cost. Exit 0: thresholds met; 1: one failed (named on stderr); "
        "2: usage; 3: nothing runs where the command looked."
    )
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument(
        "--rate",
        type=bounded(float, 0.01, 1_000_000.0),
        metavar="PER_S",
        help="open loop: dossiers per second, sent on schedule whatever the answers "
        "(with --profile census: the mean over the day)",
    )
    pace.add_argument(
        "--max", action="store_true", help="as fast as possible: a closed loop (--concurrency)"
    )
    parser.add_argument(
        "--duration", type=bounded(float, 0.1, 86_400.0), default=30.0, metavar="SECONDS",
        help="seconds of sending, ramp included (30)",
    )  # fmt: skip
    parser.add_argument(
        "--ramp", type=bounded(float, 0.0, 86_400.0), default=0.0, metavar="SECONDS",
        help="open loop: rise linearly from 0 to --rate over the first SECONDS (0)",
    )  # fmt: skip
    parser.add_argument(
        "--profile",
        choices=("flat", "census"),
        default="flat",
        help="flat (default): --rate throughout; census: intensity follows a working day's "
        "office hours, compressed into --duration (--census-span)",
    )
    parser.add_argument(
        "--census-span", type=bounded(float, 1.0, 31 * 86_400.0), default=86_400.0,
        metavar="SECONDS", help="census: portal time the run plays through (a day, 86400)",
    )  # fmt: skip
    parser.add_argument(
        "--arrivals", choices=[a.value for a in Arrivals], default=Arrivals.UNIFORM.value,
        help="open loop: evenly spaced (default) or a Poisson process of the same rate",
    )  # fmt: skip
    parser.add_argument(
        "--max-in-flight", type=bounded(int, 1, 100_000), default=1000, metavar="N",
        help="open loop: requests outstanding at most (1000); arrivals beyond are dropped, counted",
    )  # fmt: skip
    add_plan_arguments(parser)
    parser.add_argument("--report", choices=("text", "json"), default="text", help="stdout format")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained report")
    parser.add_argument(
        "--max-p99", type=bounded(float, 0.0), metavar="SECONDS",
        help="threshold: p99 of submit → completed at most SECONDS",
    )  # fmt: skip
    parser.add_argument(
        "--min-rate", type=bounded(float, 0.0), metavar="PER_S",
        help="threshold: at least PER_S completed dossiers per second",
    )  # fmt: skip
    parser.add_argument(
        "--max-failed", type=count_or_percent, metavar="N|N%",
        help="threshold: at most N (or N%% of sent) failed + lost + not accepted dossiers",
    )  # fmt: skip


class ProgressPrinter:
    """The live line: rewritten in place on a terminal, one line every 5 s otherwise."""

    def __init__(self, stream: TextIO, tty: bool) -> None:
        self._stream, self._tty, self._last = stream, tty, -5.0

    def __call__(self, progress: Progress) -> None:
        """Show one reading."""
        if self._tty:
            self._stream.write("\r\033[K" + progress_line(progress))
        elif progress.elapsed_s - self._last >= 5.0:
            self._stream.write(progress_line(progress) + "\n")
            self._last = progress.elapsed_s
        self._stream.flush()

    def close(self) -> None:
        """End the line rewritten in place."""
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()


def progress_printer(args: argparse.Namespace) -> ProgressPrinter | None:
    """A printer when stderr is a terminal or ``--progress`` asks; None otherwise."""
    tty = sys.stderr.isatty()
    return ProgressPrinter(sys.stderr, tty) if tty or args.progress else None


def plan_of(args: argparse.Namespace, *, mode: Mode, rate: float = 0.0) -> LoadPlan:
    """The plan the command line describes (shared with ``bench``)."""
    return LoadPlan(
        mode=mode,
        duration_s=args.duration,
        rate=rate,
        ramp_s=getattr(args, "ramp", 0.0),
        concurrency=args.concurrency,
        batch=args.batch,
        arrivals=Arrivals(getattr(args, "arrivals", Arrivals.UNIFORM.value)),
        seed=args.seed,
        birth_share=args.birth_share,
        census_span_s=getattr(args, "census_span", 86_400.0),
        max_in_flight=getattr(args, "max_in_flight", 1000),
        drain_s=args.drain,
        poll_s=args.poll,
        sample_per_s=args.sample,
        prefill=args.prefill,
    )


def run(args: argparse.Namespace) -> int:
    """Run the load, print the report, exit by the thresholds."""
    parser = argparse.ArgumentParser(prog=PROG)
    add_arguments(parser)
    if args.rate is None and not args.max:
        return usage_error(parser, "give --rate PER_S (open loop) or --max (as fast as possible)")
    if args.max and args.profile == "census":
        return usage_error(parser, "--profile census needs --rate (the day's mean rate)")
    if args.ramp > args.duration:
        return usage_error(parser, "--ramp cannot be longer than --duration")
    if args.html is not None and not writable(args.html):
        return usage_error(parser, f"--html {args.html}: cannot write there")
    mode = Mode.MAX if args.max else Mode.CENSUS if args.profile == "census" else Mode.RATE
    plan = plan_of(args, mode=mode, rate=args.rate or 0.0)
    target = reached(args, PROG)
    if isinstance(target, int):
        return target
    printer = progress_printer(args)
    try:
        report = asyncio.run(run_load(target, plan, progress=printer))
    except UNREACHABLE as error:
        print(f"{PROG}: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    finally:
        if printer is not None:
            printer.close()
    thresholds = Thresholds(args.max_p99, args.min_rate, args.max_failed)
    return finish(report, thresholds, args.report, args.html)


def finish(report: LoadReport, thresholds: Thresholds, form: str, html: Path | None) -> int:
    """Add the thresholds to the report, print it, write the HTML; the exit code."""
    checks = evaluate(report.data, thresholds)
    report.data["thresholds"] = checks
    report.data["passed"] = all(check["ok"] for check in checks)
    if html is not None:
        from lienthong.load.html import render_html

        html.write_text(render_html(report.data), encoding="utf-8")
    if form == "json":
        print(json.dumps(report.data, indent=2, ensure_ascii=False))
    else:
        print(render_text(report.data))
    for check in checks:
        if not check["ok"]:
            print(
                f"{PROG}: threshold {check['name']} failed: {check['what']} expected "
                f"{check['expected']}, actual {check['actual']}",
                file=sys.stderr,
            )
    return EXIT_OK if report.data["passed"] else EXIT_THRESHOLD
