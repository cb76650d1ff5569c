"""``lienthong kill SERVICE [--signal SIG]``: send a signal to one service of a running ``up``.

Chaos on purpose. ``KILL`` (the default) is a crash: the supervisor restarts the service with
backoff while the others go on and its backlog waits in Kafka. ``STOP`` freezes it (it holds its
connections but answers nothing) until ``CONT``; ``TERM`` is what ``lienthong restart`` sends.

Exit 0 once the signal is sent, 1 when the process is already gone (being restarted?), 2 for a
misuse (unknown service or signal, ``--url``, an agency the run leaves external), 3 when
nothing runs at the data dir.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Final

from lienthong.cli.local_target import (
    add_service_arguments,
    local_target,
    parent_of,
    run_by_us,
)

SIGNALS: Final[dict[str, signal.Signals]] = {
    sig.name.removeprefix("SIG"): sig
    for sig in (
        signal.SIGKILL,
        signal.SIGTERM,
        signal.SIGINT,
        signal.SIGSTOP,
        signal.SIGCONT,
        signal.SIGHUP,
    )
}
"""The signals worth sending by name; any other goes by number."""


def signal_number(text: str) -> int:
    """``KILL``, ``sigkill``, ``9``… → the signal number; argparse turns a bad one into exit 2."""
    name = text.strip().upper().removeprefix("SIG")
    if name in SIGNALS:
        return int(SIGNALS[name])
    try:
        number = int(name)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown signal {text!r}: use {', '.join(SIGNALS)} or a number"
        ) from None
    if not 0 < number < signal.NSIG:
        raise argparse.ArgumentTypeError(f"no signal {number}: use 1 to {signal.NSIG - 1}")
    return number


def signal_name(number: int) -> str:
    """``SIGKILL`` for 9, the bare number for a signal without a name."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """SERVICE, ``--signal`` and ``--data-dir``."""
    add_service_arguments(parser)
    parser.add_argument(
        "--signal",
        type=signal_number,
        default=int(signal.SIGKILL),
        metavar="SIG",
        help=f"{', '.join(SIGNALS)} or a number (default: KILL)",
    )


def run(args: argparse.Namespace) -> int:
    """Send the signal to the service's current process."""
    target = local_target(args)
    if isinstance(target, int):
        return target
    refused = run_by_us(args, target)
    if refused is not None:
        return refused
    prog = args.usage.prog
    pid = target.pids.get(args.service)
    if pid is None:
        print(f"{prog}: {args.service} has no process recorded yet", file=sys.stderr)
        return 1
    parent = parent_of(pid)
    if parent is not None and parent != target.supervisor_pid:
        print(f"{prog}: pid {pid} is no longer {args.service} of this run", file=sys.stderr)
        return 1
    name = signal_name(args.signal)
    try:
        os.kill(pid, args.signal)
    except ProcessLookupError:
        print(f"{prog}: {args.service} (pid {pid}) is gone already", file=sys.stderr)
        return 1
    print(f"sent {name} to {args.service} (pid {pid})")
    return 0
