"""The ``lienthong`` command: ``up`` for humans, ``serve`` for the supervisor, ``seed`` for data.

Subcommand modules are imported only when chosen: ``serve`` runs four times per ``up`` and should
not pay for (or be broken by) the others, and ``seed`` owns its options, so its parser is built
only when someone runs it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from lienthong.cli.commands import COMMANDS, HELP
from lienthong.contracts.services import SERVICE_NAMES

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; ``seed`` is a placeholder whose options its own module declares."""
    from lienthong.cli.up import add_up_arguments

    parser = argparse.ArgumentParser(
        prog="lienthong",
        description="A sandbox of Vietnam's inter-agency linkage for birth and death procedures.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = commands.add_parser(
        "up",
        help="start the broker and all four services, stream their logs until Ctrl-C",
        description="Start the embedded broker (unless KAFKA_BOOTSTRAP_SERVERS is set) and the "
        "four services as child processes, print their URLs, and supervise them until Ctrl-C.",
    )
    add_up_arguments(up)
    up.set_defaults(command_parser=up)
    serve = commands.add_parser(
        "serve",
        help="run one service in the foreground (configured by env vars; used by `up`)",
    )
    serve.add_argument("name", choices=SERVICE_NAMES, help="the service to run")
    serve.add_argument(
        "--mock",
        action="store_true",
        help="run the agency simulated from its contracts, answering as MOCK_RULES says",
    )
    serve.set_defaults(command_parser=serve)
    commands.add_parser(
        "seed",
        add_help=False,  # `lienthong seed -h` is answered by the seed module's own parser
        help="regenerate the synthetic population from a seed (see `lienthong seed -h`)",
    )
    for name in COMMANDS:
        commands.add_parser(name, add_help=False, help=HELP[name])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse *argv* (default: ``sys.argv[1:]``), run the chosen subcommand, return its exit code."""
    parser = build_parser()
    args, extra = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.command == "seed":
        return _run_seed(extra)
    if args.command in COMMANDS:
        return _run_command(args.command, extra)
    if extra:  # reported by the subcommand's parser, so its usage line is the one shown
        command_parser: argparse.ArgumentParser = args.command_parser
        command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "up":
        from lienthong.cli.up import run_up

        return run_up(args)
    if args.command == "serve":
        if args.mock and args.name == "gateway":
            args.command_parser.error("the gateway cannot be simulated: only the agencies can")
        return _run_serve(args.name, mock=args.mock)
    parser.error(f"unknown command {args.command!r}")
    return 2  # not reached: parser.error exits


def _run_serve(name: str, *, mock: bool) -> int:
    """Hand over to ``lienthong.cli.serve.run_serve``, imported only in the service process."""
    from lienthong.cli.serve import run_serve

    return run_serve(name, mock=mock)


def _run_seed(argv: list[str]) -> int:
    """Build the seed parser and run it on the remaining arguments."""
    from lienthong.cli.seed import add_seed_arguments, run_seed

    parser = argparse.ArgumentParser(
        prog="lienthong seed",
        description="Regenerate the synthetic population deterministically from a seed.",
    )
    add_seed_arguments(parser)
    return run_seed(parser.parse_args(argv))


def _run_command(name: str, argv: list[str]) -> int:
    """Import the command's module, build its parser and run it on the remaining arguments."""
    module = importlib.import_module(COMMANDS[name])
    parser = argparse.ArgumentParser(prog=f"lienthong {name}", description=HELP[name])
    module.add_arguments(parser)
    try:
        code: int = module.run(parser.parse_args(argv))
    except BrokenPipeError:  # `lienthong … | head`: the reader has had enough, no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor one at exit
        return 0
    return code
