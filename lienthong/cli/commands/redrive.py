"""``lienthong redrive``: send failed messages again, through the gateway.

- ``redrive ID...`` — each failure by its id (``lienthong failures`` lists them);
- ``redrive --all-matching [filters]`` — every unresolved failure the filters match (the same
  filters as ``lienthong failures``; at least one);
- ``redrive --all`` — every unresolved failure.

A failure already resolved is not sent again; the command says by which decision, and exits 0
all the same. Exit 2 for a misuse or an id the gateway does not know, 3 when nothing answers.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any, Final

from lienthong.cli.commands.failures import (
    FAILURES,
    add_filter_arguments,
    filters_of,
    reasons,
)
from lienthong.cli.http import ApiClient, ApiError, Unreachable
from lienthong.cli.target import (
    EXIT_UNREACHABLE,
    Target,
    add_target_arguments,
)
from lienthong.cli.usage import EXIT_USAGE, UsageError, reached, usage_error

PROG: Final = "lienthong redrive"


@dataclass(frozen=True)
class Plan:
    """What to redrive: these ids, or the failures a body selects (bulk)."""

    ids: list[str] = field(default_factory=list)
    selection: dict[str, Any] | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Ids, or ``--all-matching`` with filters, or ``--all``; ``--json``; the target."""
    parser.add_argument("ids", nargs="*", metavar="ID", help="failures to send again")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--all-matching",
        action="store_true",
        help="every unresolved failure the filters below match",
    )
    which.add_argument("--all", action="store_true", help="every unresolved failure")
    add_filter_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the API's JSON")
    add_target_arguments(parser)
    parser.set_defaults(usage=parser)


def plan_of(args: argparse.Namespace) -> Plan:
    """Check the command line; :class:`UsageError` says what is missing or too much."""
    filters = filters_of(args)
    if args.ids:
        if args.all_matching or args.all:
            raise UsageError("give failure IDs or --all-matching/--all, not both")
        if filters:
            raise UsageError("filters select failures for --all-matching; IDs need none")
        return Plan(ids=list(dict.fromkeys(args.ids)))
    if args.all_matching:
        if not filters:
            raise UsageError("--all-matching needs at least one filter (or use --all)")
        return Plan(selection=filters)
    if args.all:
        if filters:
            raise UsageError("--all takes no filter; use --all-matching with filters")
        return Plan(selection={"all": True})
    raise UsageError("give failure IDs, --all-matching with filters, or --all")


def run(args: argparse.Namespace) -> int:
    """Check the command line, then ask the gateway to redrive."""
    try:
        plan = plan_of(args)
    except UsageError as error:
        return usage_error(args.usage, error)
    target = reached(args, PROG)
    if isinstance(target, int):
        return target
    try:
        if plan.selection is not None:
            return _bulk(target, plan.selection, as_json=args.json)
        return _each(target, plan.ids, as_json=args.json)
    except Unreachable as error:
        print(f"{PROG}: the gateway did not answer: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE


def _each(target: Target, ids: list[str], *, as_json: bool) -> int:
    """One request per id; an unknown id is reported and the others still go."""
    client, code, answers = ApiClient(api_key=target.api_key), 0, []
    for failure_id in ids:
        try:
            answer = client.request("POST", f"{target.gateway}{FAILURES}/{failure_id}/redrive")
        except ApiError as error:
            print(f"{PROG}: {failure_id}: {reasons(error.body)}", file=sys.stderr)
            code = EXIT_USAGE
            continue
        answers.append(answer)
        if not as_json:
            print(describe(answer))
    if as_json:
        print(json.dumps(answers, indent=2, ensure_ascii=False))
    return code


def _bulk(target: Target, selection: dict[str, Any], *, as_json: bool) -> int:
    try:
        answer = ApiClient(api_key=target.api_key).request(
            "POST", f"{target.gateway}{FAILURES}/redrive", json=selection
        )
    except ApiError as error:
        print(f"{PROG}: refused: {reasons(error.body)}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(answer, indent=2, ensure_ascii=False) if as_json else summarise(answer))
    return 0


def describe(answer: dict[str, Any]) -> str:
    """One line for the redrive of one failure."""
    if answer.get("redriven"):
        return f"redriven          {answer['id']}  (redrive {answer.get('redrive')})"
    return f"not sent          {answer['id']}: {answer.get('reason')}"


def summarise(answer: dict[str, Any]) -> str:
    """The outcome of a bulk redrive: counts, then the ids sent."""
    lines = [
        f"matched {answer.get('matched', 0)}: redriven {answer.get('redriven', 0)}, "
        f"already resolved {answer.get('already_resolved', 0)} (not sent)"
    ]
    lines += [f"redriven          {failure_id}" for failure_id in answer.get("ids", [])]
    return "\n".join(lines)
