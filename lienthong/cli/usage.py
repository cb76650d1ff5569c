"""How every command that talks to a running sandbox says no: usage errors and "nothing runs".

One wording and one exit code per kind of refusal, for every command: a bad command line is
argparse's usage line plus the reason, exit 2, with nothing sent; a sandbox that cannot be
found is one line naming where it was looked for, exit 3.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeVar

from lienthong.cli.target import EXIT_UNREACHABLE, NothingRunning, Target, find_target

__all__ = ["EXIT_USAGE", "UsageError", "bounded", "reached", "usage_error", "writable"]

N = TypeVar("N", int, float)

EXIT_USAGE: Final = 2


class UsageError(ValueError):
    """A bad command line, found after argparse: reported like argparse does, nothing sent."""


def usage_error(parser: argparse.ArgumentParser, message: object) -> int:
    """Print *parser*'s usage and ``prog: error: message`` to stderr; the exit code (2)."""
    parser.print_usage(sys.stderr)
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def reached(args: argparse.Namespace, prog: str) -> Target | int:
    """The sandbox ``--url``/``--data-dir`` point at, or the exit code (3) after saying why."""
    try:
        return find_target(args)
    except NothingRunning as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE


def bounded(kind: Callable[[str], N], low: N, high: N | None = None) -> Callable[[str], N]:
    """An argparse type: a number of ``kind`` (int or float) from *low* (to *high*, if given)."""

    def parse(text: str) -> N:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            span = f"between {low} and {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"must be {span}, not {text}")
        return value

    return parse


def writable(path: Path) -> bool:
    """Whether a file can be written at ``path``: checked before a long run, not after it."""
    folder = path.parent
    return folder.is_dir() and os.access(folder, os.W_OK) and not path.is_dir()
