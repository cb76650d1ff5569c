"""``lienthong restart SERVICE [--timeout S]``: stop one service and let ``up`` start it again.

The command only asks: it sends SIGTERM (and SIGCONT, in case the service was frozen with
``lienthong kill --signal STOP``); the supervisor sees a requested exit and starts a new process
at once, without the backoff a crash gets. The command then waits until the lock file names the
new pid and the new process answers ``GET /health`` with 200, and prints that pid.

Exit 0 when the new process is healthy, 1 on timeout (or if the old process cannot be
signalled), 2 for a misuse (``--url``, an agency the run leaves external), 3 when nothing runs
at the data dir.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from typing import Final

import httpx

from lienthong.cli.local_target import (
    add_service_arguments,
    local_target,
    parent_of,
    run_by_us,
)
from lienthong.cli.target import NothingRunning, from_data_dir
from lienthong.cli.usage import bounded

_POLL_S: Final = 0.2


class TimedOut(RuntimeError):
    """The new process did not show up, or did not become healthy, in time."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """SERVICE, ``--timeout`` and ``--data-dir``."""
    add_service_arguments(parser)
    parser.add_argument(
        "--timeout",
        type=bounded(float, 0.1, 3600.0),
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for the new process to be healthy (default: 60)",
    )


def run(args: argparse.Namespace) -> int:
    """Ask for the restart, wait for the new healthy process, print its pid."""
    target = local_target(args)
    if isinstance(target, int):
        return target
    refused = run_by_us(args, target)
    if refused is not None:
        return refused
    prog = args.usage.prog
    service: str = args.service
    old = target.pids.get(service)
    if old is None or target.data_dir is None:
        print(f"{prog}: {service} has no process recorded yet", file=sys.stderr)
        return 1
    parent = parent_of(old)
    if parent is not None and parent != target.supervisor_pid:
        print(f"{prog}: pid {old} is no longer {service} of this run", file=sys.stderr)
        return 1
    # Already gone is fine: the supervisor is restarting it anyway.
    with contextlib.suppress(ProcessLookupError):
        os.kill(old, signal.SIGTERM)
        os.kill(old, signal.SIGCONT)
    deadline = time.monotonic() + args.timeout
    try:
        new = _new_pid(target.data_dir, service, old, deadline)
        _healthy(target.processes.get(service) or target.urls[service], deadline)
    except TimedOut as error:
        print(f"{prog}: {service}: {error} within {args.timeout:g} s", file=sys.stderr)
        return 1
    print(f"{service} restarted as pid {new}")
    return 0


def _new_pid(data_dir: Path, service: str, old: int, deadline: float) -> int:
    """Poll the lock file until it names a live process of *service* other than *old*."""
    last = "no new process recorded"
    while time.monotonic() < deadline:
        try:
            pid = from_data_dir(data_dir).pids.get(service)
        except NothingRunning as error:  # mid-write, or `up` is gone
            last = str(error)
        else:
            if pid is not None and pid != old:
                return pid
        time.sleep(_POLL_S)
    raise TimedOut(last)


def _healthy(url: str, deadline: float) -> None:
    """Poll ``url/health`` until it answers 200."""
    last = "no answer"
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            try:
                response = client.get(f"{url}/health")
            except httpx.HTTPError as error:
                last = type(error).__name__
            else:
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            time.sleep(_POLL_S)
    raise TimedOut(f"not healthy ({last})")
