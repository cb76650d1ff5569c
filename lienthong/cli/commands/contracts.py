"""``lienthong contracts export DIR`` and ``lienthong contracts check --against DIR``.

``export`` writes ``DIR/asyncapi.json`` (and ``.yaml``): every channel and message, generated
from the event catalogue; and ``DIR/openapi/<service>.json`` for each service. Nothing needs to
run. Exit 0 written, 2 usage (no action, or a DIR that cannot be written).

``check`` compares the contracts of this tree with a baseline ``export`` wrote (or a directory
of such baselines, one per version) under a compatibility mode, and says for each break what
changed, where, why and whom it breaks. Exit 0 compatible, 1 incompatible, 2 usage (no or no
valid ``--against``, an unknown ``--mode``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lienthong.cli.usage import usage_error

EXIT_INCOMPATIBLE = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``export DIR`` and ``check --against DIR [--mode MODE] [--json]``."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    export = actions.add_parser(
        "export", help="write the AsyncAPI document and every service's OpenAPI document"
    )
    export.add_argument("dir", type=Path, metavar="DIR", help="where to write (created)")
    check = actions.add_parser(
        "check",
        help="compare the current contracts with a saved baseline: exit 0 compatible, 1 not",
        description="Compare the current AsyncAPI and OpenAPI documents with a baseline written "
        "by `contracts export` and explain every incompatibility: what changed, where, why it "
        "breaks and whom. Exit 0 compatible, 1 incompatible, 2 usage.",
    )
    check.add_argument(
        "--against",
        type=Path,
        metavar="DIR",
        help="a directory written by `contracts export`, or a directory of such directories "
        "(versions, in name order; the last is the latest)",
    )
    check.add_argument(
        "--mode",
        default="BACKWARD",
        metavar="MODE",
        help="BACKWARD (default: new readers read old data; the new server serves old clients), "
        "FORWARD (old readers read new data), FULL (both), or one of them _TRANSITIVE (against "
        "every version in DIR, not only the latest)",
    )
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.set_defaults(usage=parser, export_parser=export, check_parser=check)


def run(args: argparse.Namespace) -> int:
    """Export the documents, or check them against a baseline."""
    if args.action == "check":
        return _check(args)
    if args.action != "export":
        return usage_error(args.usage, "say what to do: export DIR, or check --against DIR")
    directory: Path = args.dir
    if directory.exists() and not directory.is_dir():
        return usage_error(args.export_parser, f"{directory} exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        from lienthong.cli.contract_documents import write_contracts

        for path in write_contracts(directory):
            print(path)
    except OSError as error:
        return usage_error(args.export_parser, f"cannot write {directory}: {error.strerror}")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Load the baselines, build the current documents, compare, tell."""
    from lienthong.cli.contract_baselines import BaselineError, load_baselines
    from lienthong.cli.contract_compat import Mode, check, parse_mode
    from lienthong.cli.contract_report import render_json, render_text

    parser: argparse.ArgumentParser = args.check_parser
    mode = parse_mode(args.mode)
    if mode is None:
        return usage_error(parser, f"unknown mode {args.mode!r}: one of {', '.join(Mode)}")
    if args.against is None:
        return usage_error(parser, "say what to compare with: --against DIR")
    try:
        baselines = load_baselines(args.against)
    except BaselineError as error:
        return usage_error(parser, error)
    from lienthong.cli.contract_documents import contract_documents

    verdict = check(baselines, contract_documents(), mode)
    print(render_json(verdict) if args.json else render_text(verdict))
    return EXIT_INCOMPATIBLE if verdict.incompatibilities else 0
