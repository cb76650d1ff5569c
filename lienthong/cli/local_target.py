"""What ``lienthong kill`` and ``lienthong restart`` share: one service's process on this machine.

Both act on a process id, and a pid means something only on the machine that runs ``up``: they
find the sandbox through its data directory's lock file, never through ``--url`` (refused as a
usage error, exit 2, even when ``LIENTHONG_URL`` is set for the other commands). An agency the
run leaves external (``up --external``) has no process of the run: asking for it is a usage
error too, whatever the user's own implementation is doing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Final

from lienthong.cli.instances import service_of
from lienthong.cli.target import (
    EXIT_UNREACHABLE,
    NothingRunning,
    Target,
    add_target_arguments,
    find_target,
    not_run,
)
from lienthong.cli.usage import EXIT_USAGE, usage_error
from lienthong.contracts.services import SERVICE_NAMES

__all__ = ["EXIT_USAGE", "add_service_arguments", "local_target", "parent_of", "run_by_us"]

_READS: Final = 3
_REREAD_S: Final = 0.05


def _process_name(text: str) -> str:
    """One of the four services, or a further instance of an agency (``population-2``)."""
    if text in SERVICE_NAMES or service_of(text) != text:
        return text
    raise argparse.ArgumentTypeError(
        f"invalid choice: {text!r} (choose from {', '.join(SERVICE_NAMES)}, or an instance "
        "such as population-2 of `up --instances`)"
    )


def add_service_arguments(parser: argparse.ArgumentParser) -> None:
    """SERVICE (one of the four, or an instance) and ``--data-dir``; ``--url`` is accepted
    only to be refused."""
    parser.add_argument(
        "service",
        type=_process_name,
        metavar="SERVICE",
        help=f"{', '.join(SERVICE_NAMES)}, or an instance of `up --instances` (population-2)",
    )
    add_target_arguments(parser)
    # LIENTHONG_URL suits the HTTP commands; here only an explicit --url is an error.
    parser.set_defaults(url=None, usage=parser)


def local_target(args: argparse.Namespace) -> Target | int:
    """The sandbox running from ``--data-dir``, or the exit code after saying why not.

    2 for ``--url``, 3 when nothing runs there.
    """
    usage: argparse.ArgumentParser = args.usage
    if args.url:
        return usage_error(
            usage,
            "--url cannot be used: process ids are only known on the machine running "
            "`lienthong up`, through its --data-dir",
        )
    for attempt in range(_READS):
        try:
            return find_target(args)
        except NothingRunning as error:
            if attempt == _READS - 1:
                print(f"{usage.prog}: {error}", file=sys.stderr)
            else:  # the lock file may be mid-rewrite (a restart): read it again
                time.sleep(_REREAD_S)
    return EXIT_UNREACHABLE


def run_by_us(args: argparse.Namespace, target: Target) -> int | None:
    """None when ``args.service`` is a process of the run, else the usage error's exit (2).

    An instance the run does not have (``population-4`` of a run with three) is a misuse too.

    An external agency is the user's own program: no pid of ours will ever be recorded for it,
    so "no process recorded yet" (exit 1, try again later) would be the wrong answer.
    """
    if service_of(args.service) in target.external:
        return usage_error(args.usage, not_run(service_of(args.service)))
    if args.service not in SERVICE_NAMES and args.service not in target.processes:
        running = ", ".join(sorted(target.processes)) or ", ".join(SERVICE_NAMES)
        return usage_error(
            args.usage, f"{args.service} is not a process of this run (it runs {running})"
        )
    return None


def parent_of(pid: int) -> int | None:
    """The parent pid of *pid* from ``/proc`` (Linux), None where unknown or *pid* is gone.

    Lets a command check that a recorded pid still is a child of the run's supervisor, so a pid
    reused by an unrelated process after a crash is never signalled.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last.
    fields = stat.rpartition(")")[2].split()
    try:
        return int(fields[1])
    except (IndexError, ValueError):
        return None
