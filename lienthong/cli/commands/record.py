"""``lienthong record``: capture a live run as a scenario whose expectations are what happened.

Either a window that already happened (``--since 10m`` — simulated time before now — or an
instant, up to ``--until``), or the next ``--duration`` real seconds from now. The dossiers of
the window are waited for (``--wait``) until final, then written to ``--out`` as YAML, with
people replaced by role descriptions (see :mod:`lienthong.scenarios.recording`). Exit 0
written, 1 nothing was submitted in the window, 2 usage, 3 the sandbox cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from lienthong.cli.target import EXIT_UNREACHABLE, Target, add_target_arguments
from lienthong.cli.usage import bounded, reached, usage_error, writable
from lienthong.scenarios.bounds import parse_seconds
from lienthong.scenarios.loading import ScenarioInvalid, load_scenario_text
from lienthong.scenarios.model import NAME
from lienthong.scenarios.recording import record_scenario
from lienthong.scenarios.system import SandboxApi, Unreachable

NAME_HELP = "scenario name, kebab-case (default: recorded-<simulated time>)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The window, the output file, where the sandbox runs."""
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="YAML to write")
    parser.add_argument("--name", help=NAME_HELP)
    window = parser.add_mutually_exclusive_group(required=True)
    window.add_argument(
        "--since",
        metavar="WHEN",
        help="start of the window: an ISO time with offset, or a duration before now in "
        "simulated time (e.g. 10m, 2h)",
    )
    window.add_argument(
        "--duration",
        type=bounded(float, 0.1, 86_400.0),
        metavar="SECONDS",
        help="record what is submitted during the next SECONDS real seconds",
    )
    parser.add_argument("--until", metavar="WHEN", help="end of the window (ISO; default now)")
    parser.add_argument(
        "--wait",
        type=bounded(float, 0.0, 3600.0),
        default=60.0,
        metavar="SECONDS",
        help="wait up to this long for the window's dossiers to be final (default 60)",
    )
    add_target_arguments(parser)
    parser.set_defaults(usage=parser)


def _instant(text: str, now: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return now - timedelta(seconds=parse_seconds(text))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset (write e.g. 2026-11-16T09:00:00+07:00)")
    return moment


def run(args: argparse.Namespace) -> int:
    """Validate the options, reach the sandbox, record, write."""
    usage: argparse.ArgumentParser = args.usage
    if args.name is not None and not NAME.fullmatch(args.name):
        return usage_error(usage, f"--name {args.name!r}: lowercase letters, digits and - only")
    if args.duration is not None and args.until is not None:
        return usage_error(usage, "--until ends a --since window; --duration ends by itself")
    if not writable(args.out):
        return usage_error(usage, f"--out {args.out}: cannot write in {args.out.parent}")
    target = reached(args, usage.prog)
    if isinstance(target, int):
        return target
    try:
        data = asyncio.run(_record(target, args))
    except ValueError as error:
        return usage_error(usage, error)
    except Unreachable as error:
        print(f"{usage.prog}: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if not data["dossiers"]:
        print(
            f"{usage.prog}: nothing was submitted in the window; nothing written", file=sys.stderr
        )
        return 1
    text = _yaml(data)
    try:
        load_scenario_text(text, str(args.out))  # what we write must replay
    except ScenarioInvalid as invalid:  # a bug here, not the user's: say so plainly
        raise RuntimeError(f"record produced an invalid scenario:\n{invalid}") from invalid
    args.out.write_text(text, encoding="utf-8")
    print(f"recorded {len(data['dossiers'])} dossier specs into {args.out}")
    return 0


def _valid_name(name: str) -> bool:
    return (
        bool(name)
        and len(name) <= 80
        and all(c.isdigit() or c == "-" or "a" <= c <= "z" for c in name)
    )


async def _record(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    api = SandboxApi(target.urls, api_key=target.api_key)
    try:
        now, _ = await api.clock()
        if args.duration is not None:
            since = now
            await asyncio.sleep(args.duration)
            until, _ = await api.clock()
        else:
            since = _instant(args.since, now)
            until = _instant(args.until, now) if args.until else now
        if until <= since:
            raise ValueError("the window ends before it starts (--until before --since)")
        name = args.name or f"recorded-{since.strftime('%Y%m%d-%H%M%S')}"
        until += timedelta(microseconds=1)  # the window includes its last instant
        data, still = await record_scenario(api, since, until, name, args.wait)
        if still:
            print(
                f"warning: {still} dossier(s) still moving after {args.wait:g} s; their "
                "expectations are left out (wait longer with --wait)",
                file=sys.stderr,
            )
        return data
    finally:
        await api.aclose()


def _yaml(data: dict[str, Any]) -> str:
    header = (
        "# yaml-language-server: $schema=scenario.schema.json\n"
        "# Recorded by `lienthong record`: people are role descriptions, not the people of the\n"
        "# run; expectations are the outcomes observed. Replay: lienthong replay THIS_FILE\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
