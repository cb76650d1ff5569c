"""``lienthong bench``: the full system's rate next to what the same broker and hops can carry.

First the null pipeline (:mod:`lienthong.bench.null_pipeline`): raw aiokafka relays over the
birth flow's hops — source, civil registry, population, insurance, sink — with no database and
no logic. Then, on the same broker, the full system as fast as it goes (``lienthong load
--max``) for the same duration. Both rates are printed, and their ratio.

Units: the null pipeline's rate is messages per second arriving at the sink, each having
crossed every hop — one message standing for one dossier's journey; the full system's rate is
completed dossiers per second. The ratio is what the databases, the inbox/outbox and the
domain logic cost, on this machine, relative to moving the bytes alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, Final

from aiokafka.errors import KafkaError

from lienthong.cli.commands.load import add_plan_arguments, plan_of, progress_printer
from lienthong.cli.target import EXIT_UNREACHABLE, Target
from lienthong.cli.usage import bounded, reached, usage_error
from lienthong.load.engine import UNREACHABLE, Progress, run_load
from lienthong.load.plan import Mode
from lienthong.load.text import describe_plan, render_text

__all__ = ["add_arguments", "run"]

PROG: Final = "lienthong bench"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Duration, how the full system is driven, where it runs, how to report."""
    parser.epilog = (
        "Units: the null pipeline counts messages/s arriving at its sink, each having crossed "
        "every hop (one message stands for one dossier); the full system counts completed "
        "dossiers/s. Exit 0 when both ran, 2 usage, 3 when either could not run."
    )
    parser.add_argument(
        "--duration",
        type=bounded(float, 1.0, 3600.0),
        default=20.0,
        metavar="SECONDS",
        help="seconds each of the two runs is measured (20)",
    )
    add_plan_arguments(parser)
    parser.add_argument("--report", choices=("text", "json"), default="text", help="stdout format")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def render(result: dict[str, Any]) -> str:
    """Three lines — each rate, and the ratio — then the full system's report."""
    null, full = result["null_pipeline"], result["full_system"]
    latency = full["latency_s"]["submit_to_completed"]
    ratio = result["ratio"]
    lines = [
        f"null pipeline  {null['messages_per_s']:,.1f} messages/s end to end through "
        f"{null['hops'] + 1} hops ({' → '.join(['source', *null['hop_names'], 'sink'])}); "
        f"p50 {_ms(null['latency_p50_ms'])}, p99 {_ms(null['latency_p99_ms'])}; "
        f"{null['measured']:,} messages in {null['duration_s']:g} s, lost {null['lost']}",
        f"full system    {full['rates']['completed_per_s'] or 0:,.1f} completed dossiers/s; "
        f"p50 {_s(latency['p50'])}, p99 {_s(latency['p99'])} submit → completed; "
        f"{describe_plan(full['plan'])}",
        "ratio          "
        + ("-" if ratio is None else f"{ratio:.4f} ({1 / ratio:,.0f}× slower)" if ratio else "0")
        + " = completed dossiers/s ÷ null messages/s (one null message stands for one dossier)",
        "",
        render_text(full),
    ]
    return "\n".join(lines)


async def _bench(target: Target, bootstrap: str, args: argparse.Namespace) -> dict[str, Any]:
    from lienthong.bench.null_pipeline import run_null_pipeline

    null = await run_null_pipeline(bootstrap, duration_s=args.duration)
    printer = progress_printer(args)

    def show(progress: Progress) -> None:
        if printer is not None:
            printer(progress)

    try:
        full = await run_load(target, plan_of(args, mode=Mode.MAX), progress=show)
    finally:
        if printer is not None:
            printer.close()
    null_rate = null.messages_per_s
    ratio = full.completed_per_s / null_rate if null_rate else None
    return {
        "null_pipeline": null.to_dict(),
        "full_system": full.data,
        "ratio": None if ratio is None else round(ratio, 6),
        "units": {
            "null_pipeline": "messages/s at the sink, each through every hop",
            "full_system": "completed dossiers/s",
            "ratio": "full_system / null_pipeline",
        },
    }


def run(args: argparse.Namespace) -> int:
    """Both runs, then the rates and their ratio; 0 when both ran, 3 when either could not."""
    target = reached(args, PROG)
    if isinstance(target, int):
        return target
    bootstrap = target.bootstrap_servers
    if bootstrap is None:
        parser = argparse.ArgumentParser(prog=PROG)
        add_arguments(parser)
        return usage_error(
            parser, "the null pipeline needs the run's Kafka address: find it with --data-dir"
        )
    from lienthong.bench.null_pipeline import NullPipelineError

    try:
        result = asyncio.run(_bench(target, bootstrap, args))
    except (*UNREACHABLE, NullPipelineError, KafkaError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if args.report == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(render(result))
    return 0
