"""``lienthong failures``: the dead letters the gateway holds, one line per failure.

Filters (``--agency``, ``--flow``, ``--kind``, ``--status``, ``--since``/``--until``,
``--dossier``) are checked here before anything is sent, so a typo is a usage error (exit 2)
naming the option; ``lienthong redrive --all-matching`` takes the same ones. Times without an
offset are Vietnam time, as everywhere in the commands. Exit 3 when nothing runs where the
command looked.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, Final

from lienthong.cli.http import ApiClient, ApiError, Unreachable
from lienthong.cli.target import EXIT_UNREACHABLE, add_target_arguments
from lienthong.cli.usage import EXIT_USAGE, bounded, reached
from lienthong.contracts.services import SERVICE_NAMES
from lienthong.domain.calendar import VIETNAM_TZ
from lienthong.runtime.policy import FailureKind

FAILURES: Final = "/api/v1/failures"
FLOWS: Final = ("birth", "death")
KINDS: Final = tuple(kind.value for kind in FailureKind)
STATUSES: Final = ("open", "redriven", "resolved", "unresolved", "all")
ERROR_WIDTH: Final = 60
TYPE_PREFIX: Final = "vn.lienthong."

OPTION_OF_FIELD: Final = {
    "agency": "--agency",
    "flow": "--flow",
    "kind": "--kind",
    "status": "--status",
    "since": "--since",
    "until": "--until",
    "dossier_id": "--dossier",
    "limit": "--limit",
    "offset": "--offset",
}
"""The option of each API field, so the server's reasons name what the user typed."""

FILTERS: Final = ("agency", "flow", "kind", "status", "since", "until", "dossier_id")
"""The API's filter fields, as ``filters_of`` names them."""


def iso_instant(text: str) -> str:
    """An ISO time as the API takes it; without an offset it is Vietnam time (argparse type)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO time, e.g. 2026-11-16T08:00"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM_TZ)).isoformat()


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filters ``failures`` and ``redrive --all-matching`` share."""
    parser.add_argument("--agency", choices=SERVICE_NAMES, help="the consumer that failed")
    parser.add_argument("--flow", choices=FLOWS, help="birth or death")
    parser.add_argument("--kind", choices=KINDS, help="the error kind")
    parser.add_argument(
        "--status", choices=STATUSES, help="open, redriven, resolved; unresolved (default), all"
    )
    parser.add_argument(
        "--since", type=iso_instant, metavar="ISO", help="last failed at or after (simulated)"
    )
    parser.add_argument(
        "--until", type=iso_instant, metavar="ISO", help="last failed at or before (simulated)"
    )
    parser.add_argument("--dossier", metavar="ID", help="only this dossier")


def filters_of(args: argparse.Namespace) -> dict[str, Any]:
    """The filters given on the command line, by their API names (absent ones left out)."""
    given = {
        "agency": args.agency,
        "flow": args.flow,
        "kind": args.kind,
        "status": args.status,
        "since": args.since,
        "until": args.until,
        "dossier_id": args.dossier,
    }
    return {name: value for name, value in given.items() if value is not None}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Filters, paging, ``--json``, and where the sandbox runs."""
    add_filter_arguments(parser)
    parser.add_argument(
        "--limit", type=bounded(int, 1, 1000), default=100, help="at most N (1–1000; 100)"
    )
    parser.add_argument("--offset", type=bounded(int, 0), default=0, help="skip the first N")
    parser.add_argument("--json", action="store_true", help="print the API's JSON")
    add_target_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """List the failures the gateway holds, newest first."""
    target = reached(args, "lienthong failures")
    if isinstance(target, int):
        return target
    params = {**filters_of(args), "limit": args.limit, "offset": args.offset}
    try:
        page = ApiClient(api_key=target.api_key).get(f"{target.gateway}{FAILURES}", params=params)
    except ApiError as error:
        print(f"lienthong failures: refused: {reasons(error.body)}", file=sys.stderr)
        return EXIT_USAGE
    except Unreachable as error:
        print(f"lienthong failures: the gateway did not answer: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print(json.dumps(page, indent=2, ensure_ascii=False) if args.json else failure_table(page))
    return 0


def reasons(body: Any) -> str:
    """The server's field-level reasons (FastAPI's 422 shape), naming the options."""
    detail = body.get("detail") if isinstance(body, dict) else body
    if not isinstance(detail, list):
        return str(detail)
    parts = []
    for problem in detail:
        loc = [str(p) for p in problem.get("loc", []) if p not in ("body", "query", "path")]
        field = loc[0] if loc else ""
        parts.append(f"{OPTION_OF_FIELD.get(field, field or 'filter')}: {problem.get('msg')}")
    return "; ".join(parts)


def vietnam_time(text: str | None) -> str:
    """An API time (UTC, ISO) as Vietnam time to the second, the way options are given."""
    if not text:
        return "-"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.astimezone(VIETNAM_TZ).strftime("%Y-%m-%d %H:%M:%S")


def shorten(text: str | None, width: int) -> str:
    """One line of at most ``width`` characters (``…`` marks a cut)."""
    line = " ".join((text or "").split())
    return line if len(line) <= width else line[: width - 1] + "…"


def failure_table(page: dict[str, Any]) -> str:
    """A page of failures as a table; a last line says when more match than are shown."""
    items: list[dict[str, Any]] = page.get("items", [])
    if not items:
        return "no failures match"
    header = (
        "ID",
        "AGENCY",
        "FLOW",
        "KIND",
        "STATUS",
        "DOSSIER",
        "EVENT TYPE",
        "LAST FAILED (VN)",
        "ERROR",
    )
    rows = [
        (
            str(item["id"]),
            str(item["agency"]),
            item.get("flow") or "-",
            str(item["error_kind"]),
            str(item["status"]),
            item.get("dossier_id") or "-",
            (item.get("event_type") or "-").removeprefix(TYPE_PREFIX),
            vietnam_time(item.get("last_failed_at")),
            shorten(item.get("error"), ERROR_WIDTH),
        )
        for item in items
    ]
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    total = int(page.get("total", len(items)))
    if total > len(items):
        lines.append(f"({len(items)} of {total}; see --limit and --offset)")
    return "\n".join(lines)
