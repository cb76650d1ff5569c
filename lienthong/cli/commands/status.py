"""``lienthong status``: the gateway's headline figures as tables, once or refreshing.

Reads ``GET /api/v1/stats`` (dossiers and steps per flow and agency), ``/api/v1/stats/latency``
(percentiles per hop) and ``/api/v1/health/agencies`` (lag, last success and failure, faults,
dead letters) and prints them (:mod:`lienthong.cli.status_view`); ``--json`` prints what was
read, combined, once. A gateway that lacks an endpoint (404) shows that section as ``n/a``.

The gateway only knows what it sees: an agency left to the user's own implementation
(``up --external``) is, to it, an agency that does not answer. So the run's fleet, read from the
lock of ``--data-dir``, goes into the snapshot (``fleet``) and the health table marks the agencies
it lists as ``external`` or ``simulated``; through ``--url`` the fleet is not known.

``--watch`` redraws in place on a terminal and prints one snapshot after the other otherwise
(a log file, a pipe), until Ctrl-C (exit 0). Exit 3 when nothing answers at the first read; once
watching, a sandbox that goes away is shown as such and read again at the next tick, so a
restart does not end the watch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any, Final, TextIO

from lienthong.cli.http import ApiClient, ApiError, Unreachable
from lienthong.cli.status_view import render
from lienthong.cli.target import EXIT_UNREACHABLE, RunFleet, add_target_arguments
from lienthong.cli.usage import bounded, reached

PROG: Final = "lienthong status"
ENDPOINTS: Final = {
    "stats": "/api/v1/stats",
    "latency": "/api/v1/stats/latency",
    "health": "/api/v1/health/agencies",
}
"""Snapshot key → the gateway's endpoint it is read from."""
DEFAULT_WATCH_S: Final = 2.0
REDRAW: Final = "\x1b[H"
"""Cursor home: the next snapshot is written over the last one (no flicker of a full clear)."""
CLEAR_SCREEN: Final = "\x1b[2J"
"""Before the first snapshot only: what the terminal showed before is not ours to keep."""
CLEAR_LINE: Final = "\x1b[K"
CLEAR_BELOW: Final = "\x1b[J"
SEPARATOR: Final = "-" * 72

Get = Callable[[str], Any]
"""GET a URL, decoded JSON back; raises Unreachable or ApiError."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the sandbox runs, and once, watching, or JSON."""
    add_target_arguments(parser)
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--watch",
        nargs="?",
        type=bounded(float, 0.1, 3600.0),
        const=DEFAULT_WATCH_S,
        default=None,
        metavar="SECONDS",
        help=f"refresh every SECONDS (default {DEFAULT_WATCH_S:g}) until Ctrl-C",
    )
    how.add_argument(
        "--json", action="store_true", help="print the three answers, combined, as JSON, once"
    )
    parser.add_argument(
        "--timeout",
        type=bounded(float, 0.1, 600.0),
        default=10.0,
        metavar="SECONDS",
        help="per request (10)",
    )


def collect(gateway: str, get: Get, fleet: RunFleet | None = None) -> dict[str, Any]:
    """One snapshot: each endpoint's answer (None when the gateway refused it, and why), and
    the run's *fleet* when known.

    A 4xx — a gateway without the endpoint yet — leaves that section out; nothing answering
    (:class:`Unreachable`) is the caller's business.
    """
    snapshot: dict[str, Any] = {"gateway": gateway, "missing": {}}
    if fleet is not None:
        snapshot["fleet"] = {
            "simulated": sorted(fleet.simulated),
            "external": sorted(fleet.external),
        }
    for key, path in ENDPOINTS.items():
        try:
            snapshot[key] = get(gateway + path)
        except ApiError as error:
            snapshot[key] = None
            snapshot["missing"][key] = f"{path}: HTTP {error.status}"
    return snapshot


def watch(
    read: Callable[[], str],
    interval_s: float,
    out: TextIO,
    *,
    sleep: Callable[[float], None] = time.sleep,
    ticks: int | None = None,
) -> int:
    """Write ``read()`` every *interval_s* until Ctrl-C (or *ticks* snapshots, for tests): 0.

    On a terminal each snapshot overwrites the last one; elsewhere they follow each other,
    separated by a line.
    """
    tty = out.isatty()
    shown = 0
    try:
        while ticks is None or shown < ticks:
            text = read()
            if tty:
                lines = text.rstrip("\n").split("\n")
                first = CLEAR_SCREEN if shown == 0 else ""
                body = "".join(f"{line}{CLEAR_LINE}\n" for line in lines)
                out.write(first + REDRAW + body + CLEAR_BELOW)
            else:
                out.write(("" if shown == 0 else f"{SEPARATOR}\n") + text)
            out.flush()
            shown += 1
            if ticks is None or shown < ticks:
                sleep(interval_s)
    except KeyboardInterrupt:
        out.write("\n")
    return 0


def run(args: argparse.Namespace) -> int:
    """Read once (exit 3 if nothing answers), then print, or keep printing with ``--watch``."""
    target = reached(args, PROG)
    if isinstance(target, int):
        return target
    client = ApiClient(timeout_s=args.timeout, api_key=target.api_key)
    gateway = target.gateway
    try:
        first = collect(gateway, client.get, target.fleet)
    except Unreachable as error:
        print(f"{PROG}: the gateway is unreachable: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        return 0
    if args.json:
        print(json.dumps(first, indent=2, ensure_ascii=False))
        return 0
    if args.watch is None:
        sys.stdout.write(render(first))
        return 0
    pending = [first]

    def read() -> str:
        if pending:
            return render(pending.pop())
        try:
            return render(collect(gateway, client.get, target.fleet))
        except Unreachable as error:
            return f"lienthong status — gateway {gateway} — unreachable: {error}\n"

    return watch(read, args.watch, sys.stdout)  # `| head`: lienthong.cli.main ends it quietly
