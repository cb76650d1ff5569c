"""``lienthong verify``: reconcile the four databases and the gateway's counters of a live run.

Reads every service's ``GET /admin/ledger`` (and the gateway's open failures), runs the rules of
:mod:`lienthong.verify` and prints a summary table (``--json``: the full report). Exit 0 when
everything reconciles, 1 when something does not, 2 on a usage error, 3 when a service cannot
be read (named in the message).

**Reading order.** The gateway first, then the agencies downstream first (insurance, population,
civil registry). Everything the gateway's snapshot shows as decided was committed at the agency
before, so the agencies read later show it too; an agency's fact always follows its upstream
fact, so reading the downstream agency first never shows an effect whose cause is not read yet.
What the order cannot give — an agency fact for a dossier submitted after the gateway was read
— is settled by reading the gateway again: dossiers it knows then are left out as *late*.

**Mock mode.** The run's fleet comes from the lock of ``--data-dir``: an agency it leaves
external (the user's own implementation) has no ledger to read, so it is skipped — said in the
report, ``insurance is external: not reconciled`` — and nothing only it could show is judged.
Its ``silent`` mock rules explain the dossiers a simulated agency consumed and left unanswered
(:mod:`lienthong.verify.silence`). Through ``--url`` the fleet is not known: an external agency
is then unreachable (exit 3).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Collection
from typing import Any, Final

from lienthong.cli.http import ApiClient, ApiError, Unreachable
from lienthong.cli.target import EXIT_UNREACHABLE, RunFleet, add_target_arguments
from lienthong.cli.usage import EXIT_USAGE, bounded, reached
from lienthong.contracts.services import CIVIL_REGISTRY, GATEWAY, INSURANCE, POPULATION
from lienthong.verify.ledgers import Ledger, LedgerError, Snapshot, parse_failures, parse_ledger
from lienthong.verify.report import as_json, reconcile, render
from services.mock.rules import Answer, MockRule, parse_rule

EXIT_CLEAN: Final = 0
EXIT_DISCREPANCIES: Final = 1

READ_ORDER: Final = (GATEWAY, INSURANCE, POPULATION, CIVIL_REGISTRY)
"""The gateway, then the agencies downstream first (see the module docstring)."""

FAILURES_PAGE: Final = 1000
"""Failures read per request (the gateway's largest page)."""

Get = Callable[[str, dict[str, Any] | None], Any]
"""GET a URL with query parameters, decoded JSON back; raises Unreachable or ApiError."""


class CannotRead(RuntimeError):
    """A service's ledger could not be read; the message names the service and why."""


class UnknownDossier(LookupError):
    """``--dossier`` names a dossier no service knows."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the sandbox runs, and how to report."""
    add_target_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument(
        "--show",
        type=bounded(int, 0),
        default=20,
        metavar="N",
        help="discrepancies listed under the table (default 20; --json lists all)",
    )
    parser.add_argument(
        "--grace",
        type=bounded(float, 0.0),
        default=0.0,
        metavar="SECONDS",
        help="real seconds: a dossier that changed this recently counts as in flight, not "
        "stuck (turned into simulated time with the clock's speed; default 0, for a quiet "
        "system)",
    )
    parser.add_argument("--dossier", metavar="ID", help="check only this dossier")
    parser.add_argument(
        "--timeout",
        type=bounded(float, 0.1, 3600.0),
        default=60.0,
        metavar="SECONDS",
        help="per request (60)",
    )


def _read(name: str, urls: dict[str, str], get: Get, params: dict[str, Any]) -> Ledger:
    url = urls.get(name)
    if url is None:
        raise CannotRead(f"the gateway does not name {name}'s URL")
    try:
        return parse_ledger(get(f"{url}/admin/ledger", params))
    except Unreachable as error:
        raise CannotRead(f"{name} is unreachable: {error}") from error
    except ApiError as error:
        raise CannotRead(f"{name} at {url} refused /admin/ledger: {error}") from error
    except LedgerError as error:
        raise CannotRead(f"{name} at {url}: {error}") from error


def _failures(url: str, get: Get, snapshot: Snapshot, dossier_id: str | None) -> None:
    """The gateway's unresolved failures, page by page; a gateway without the route has none."""
    params: dict[str, Any] = {"status": "unresolved", "limit": FAILURES_PAGE}
    if dossier_id:
        params["dossier_id"] = dossier_id
    offset = 0
    try:
        while True:
            page = get(f"{url}/api/v1/failures", {**params, "offset": offset})
            failures, size, total = parse_failures(page)
            snapshot.failures += failures
            offset += size
            if size == 0 or offset >= total:
                return
    except (ApiError, Unreachable, LedgerError) as error:
        snapshot.notes.append(f"open failures not read ({error}); failed steps still count")


def collect(
    urls: dict[str, str],
    get: Get,
    dossier_id: str | None = None,
    external: Collection[str] = (),
) -> Snapshot:
    """Every ledger but the *external* agencies', in :data:`READ_ORDER`, and the dossiers that
    arrived meanwhile."""
    params = {"dossier_id": dossier_id} if dossier_id else {}
    ledgers = {name: _read(name, urls, get, params) for name in READ_ORDER if name not in external}
    snapshot = Snapshot(ledgers, external=frozenset(external))
    _failures(urls[GATEWAY], get, snapshot, dossier_id)
    known = set(snapshot.gateway.dossiers)
    seen = {
        dossier
        for ledger in ledgers.values()
        for rows in ledger.facts.values()
        for dossier in rows
        if dossier not in known
    }
    if seen:
        again = _read(GATEWAY, urls, get, params)
        snapshot.late = seen & set(again.dossiers)
    if dossier_id and dossier_id not in known and not seen:
        raise UnknownDossier(f"no service knows dossier {dossier_id!r}")
    return snapshot


def silent_rules(fleet: RunFleet | None) -> tuple[MockRule, ...] | None:
    """The run's ``silent`` mock rules (None when the fleet is not known); a rule this version
    cannot read explains nothing."""
    if fleet is None:
        return None
    rules = []
    for written in fleet.rules:
        try:
            rules.append(parse_rule(written))
        except ValueError:
            continue
    return tuple(rule for rule in rules if rule.answer is Answer.SILENT)


def run(args: argparse.Namespace) -> int:
    """Read, reconcile, report; the exit code says whether everything reconciles."""
    target = reached(args, "lienthong verify")
    if isinstance(target, int):
        return target
    client = ApiClient(timeout_s=args.timeout, api_key=target.api_key)
    try:
        snapshot = collect(target.urls, client.get, args.dossier, target.external)
        snapshot.silent_rules = silent_rules(target.fleet)
        report = reconcile(snapshot, args.grace)
    except (CannotRead, LedgerError) as error:
        print(f"lienthong verify: cannot verify: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except UnknownDossier as error:
        print(f"lienthong verify: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(as_json(report), indent=2, ensure_ascii=False))
    else:
        print(render(report, args.show))
    return EXIT_CLEAN if report.clean else EXIT_DISCREPANCIES
