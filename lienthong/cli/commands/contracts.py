"""``lienthong contracts export DIR``: the AsyncAPI and OpenAPI documents of the sandbox.

Writes ``DIR/asyncapi.json`` (and ``.yaml``): every channel and message, generated from the
event catalogue; and ``DIR/openapi/<service>.json`` for each service. Nothing needs to run.
Exit 0 written, 2 usage (no action, or a DIR that cannot be written).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lienthong.cli.usage import usage_error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``export DIR``."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    export = actions.add_parser(
        "export", help="write the AsyncAPI document and every service's OpenAPI document"
    )
    export.add_argument("dir", type=Path, metavar="DIR", help="where to write (created)")
    parser.set_defaults(usage=parser, export_parser=export)


def run(args: argparse.Namespace) -> int:
    """Export the documents; print where each went."""
    if args.action != "export":
        return usage_error(args.usage, "say what to do: export DIR")
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
