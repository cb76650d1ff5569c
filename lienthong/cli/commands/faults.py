"""``lienthong faults``: switch faults on and off at run time, and list what is on.

- ``faults set AGENCY FAULT [options]`` — PUT ``/admin/faults/FAULT`` on that service;
- ``faults clear [AGENCY] [--fault KIND]`` — DELETE there (every service when no agency);
- ``faults list [--json]`` — every service's ``GET /admin/faults``, as a table or as JSON.

A setting is checked here with the same model and rules as the services use (``checked_fault``)
before anything is sent: a typo is a usage error (exit 2) naming the option, and no service is
half-configured. Exit 3 when nothing runs where the command looked.

An agency the run leaves external (``up --external``, read from the run's lock) is the user's
own program, without lienthong's ``/admin/faults``: naming it is a usage error (exit 2), and
``list`` and ``clear`` without an agency skip it (and say so) instead of failing on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, Final

from pydantic import ValidationError

from lienthong.cli.fault_view import fault_table as fault_table  # tests and callers read it here
from lienthong.cli.http import ApiClient, ApiError, Unreachable
from lienthong.cli.target import EXIT_UNREACHABLE, Target, add_target_arguments, not_run
from lienthong.cli.usage import EXIT_USAGE, UsageError, reached, usage_error
from lienthong.contracts.faults import (
    POISON_KINDS,
    FaultKind,
    FaultProblem,
    FaultSetting,
    checked_fault,
)
from lienthong.contracts.services import SERVICE_NAMES
from lienthong.domain.calendar import VIETNAM_TZ

OPTION_OF_FIELD: Final = {
    "agency": "AGENCY",
    "fault": "FAULT",
    "rate": "--rate",
    "provinces": "--province",
    "flow": "--flow",
    "latency": "--latency",
    "limit": "--limit",
    "office_hours": "--office-hours",
    "window": "--window",
    "poison": "--poison",
    "starts_at": "--from",
    "ends_at": "--until",
}
"""The option of each field of a setting, so an error names what the user typed."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``set``, ``clear`` and ``list``, each with ``--data-dir`` / ``--url``."""
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    put = actions.add_parser("set", help="switch one fault on at one service")
    put.add_argument("agency", metavar="AGENCY", help=f"one of {', '.join(SERVICE_NAMES)}")
    put.add_argument("fault", metavar="FAULT", help=", ".join(kind.value for kind in FaultKind))
    put.add_argument("--rate", type=float, help="share of messages it hits, 0 < R ≤ 1 (1)")
    put.add_argument(
        "--province",
        action="append",
        default=[],
        metavar="CODE",
        help="only dossiers of this province (2-digit code; repeatable)",
    )
    put.add_argument("--flow", choices=["birth", "death"], help="only this flow")
    put.add_argument("--latency", metavar="SPEC", help="e.g. fixed:2s, lognormal:2s,0.5")
    put.add_argument("--limit", type=float, metavar="N", help="overload: submissions a second")
    put.add_argument(
        "--office-hours",
        action="store_true",
        help="only 07:30–17:00 Monday to Friday, Vietnam time (simulated clock)",
    )
    put.add_argument("--window", type=int, metavar="N", help="reorder: messages shuffled together")
    put.add_argument("--poison", choices=POISON_KINDS, help="poison: the bad message (rotates)")
    put.add_argument(
        "--from", dest="starts_at", metavar="ISO", help="simulated time it switches on"
    )
    put.add_argument(
        "--until", dest="ends_at", metavar="ISO", help="simulated time it switches off"
    )
    clear = actions.add_parser("clear", help="switch faults off (every service by default)")
    clear.add_argument("agency", nargs="?", metavar="AGENCY", help="only this service")
    clear.add_argument("--fault", metavar="KIND", help="only this fault")
    show = actions.add_parser("list", help="the faults on at every service")
    show.add_argument("--json", action="store_true", help="print JSON instead of a table")
    for action in (put, clear, show):
        add_target_arguments(action)
        action.set_defaults(usage=action)


def run(args: argparse.Namespace) -> int:
    """Check the command line, then talk to the running services."""
    try:
        request = _requests(args)
    except UsageError as error:
        return usage_error(args.usage, error)
    target = reached(args, "lienthong faults")
    if isinstance(target, int):
        return target
    if args.action == "list":
        return _list(target, as_json=args.json)
    named = [service for service, _, _ in request if service in target.external]
    if named and args.agency:
        return usage_error(args.usage, f"AGENCY: {not_run(named[0])}")
    for service in named:
        print(f"{service}: skipped, external (lienthong does not run it)")
    return _send(target, [r for r in request if r[0] not in target.external])


# -- checking the command line ---------------------------------------------------------------


def service_name(agency: str) -> str:
    """``civil-registry`` → ``civil_registry``; :class:`UsageError` for an unknown name."""
    name = agency.strip().lower().replace("-", "_")
    if name not in SERVICE_NAMES:
        raise UsageError(f"AGENCY: unknown service {agency!r}; one of {', '.join(SERVICE_NAMES)}")
    return name


def _instant(text: str | None, option: str) -> datetime | None:
    """An ISO time; without an offset it is read as Vietnam time (the reports' clock)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not an ISO time, e.g. 2026-11-16T08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM_TZ)


def setting_of(args: argparse.Namespace) -> FaultSetting:
    """The setting the options describe, validated; :class:`UsageError` names the option."""
    given: dict[str, Any] = {
        "rate": args.rate,
        "provinces": args.province,
        "flow": args.flow,
        "latency": args.latency,
        "limit": args.limit,
        "office_hours": args.office_hours,
        "window": args.window,
        "poison": args.poison,
        "starts_at": _instant(args.starts_at, "--from"),
        "ends_at": _instant(args.ends_at, "--until"),
    }
    try:
        return FaultSetting.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as error:
        raise UsageError("; ".join(_reason(problem) for problem in error.errors())) from None


def _reason(problem: Any) -> str:
    loc = problem.get("loc") or ()
    option = OPTION_OF_FIELD.get(str(loc[0]), str(loc[0])) if loc else "setting"
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    if not loc and "ends_at" in message:
        option, message = "--until", "must be after --from"
    return f"{option}: {message}"


def _requests(args: argparse.Namespace) -> list[tuple[str, str, dict[str, Any] | None]]:
    """The (service, path, body) of every request the command will make, all checked first."""
    if args.action == "list":
        return []
    if args.action == "set":
        service = service_name(args.agency)
        try:
            fault = checked_fault(service, args.fault, setting_of(args))
        except FaultProblem as problem:
            raise UsageError(
                f"{OPTION_OF_FIELD.get(problem.field, problem.field)}: {problem.message}"
            ) from None
        body = fault.model_dump(mode="json", exclude={"service", "kind"})
        return [(service, f"/admin/faults/{fault.kind.value}", body)]
    services = [service_name(args.agency)] if args.agency else list(SERVICE_NAMES)
    path = "/admin/faults"
    if args.fault is not None:
        try:
            path += f"/{FaultKind(args.fault).value}"
        except ValueError:
            kinds = ", ".join(kind.value for kind in FaultKind)
            raise UsageError(f"--fault: unknown fault {args.fault!r}; one of {kinds}") from None
    return [(service, path, None) for service in services]


# -- talking to the services -----------------------------------------------------------------


def _send(target: Target, requests: list[tuple[str, str, dict[str, Any] | None]]) -> int:
    """PUT a setting or DELETE faults; every service is tried, the worst outcome is returned."""
    client, code = ApiClient(timeout_s=10.0, api_key=target.api_key), 0
    for service, path, body in requests:
        method = "PUT" if body is not None else "DELETE"
        try:
            answer = client.request(method, f"{target.urls[service]}{path}", json=body)
        except ApiError as error:
            print(f"lienthong faults: {service} refused: {_reasons(error.body)}", file=sys.stderr)
            code = max(code, EXIT_USAGE)
            continue
        except Unreachable as error:
            print(f"lienthong faults: {service} did not answer: {error}", file=sys.stderr)
            code = max(code, EXIT_UNREACHABLE)
            continue
        if method == "PUT":
            print(f"{service}: {answer['kind']} on")
        else:
            cleared = ", ".join(answer.get("cleared", []))
            print(f"{service}: cleared {cleared}" if cleared else f"{service}: nothing was on")
    return code


def _reasons(body: Any) -> str:
    """The server's field-level reasons (FastAPI's 422 shape), one per field."""
    detail = body.get("detail") if isinstance(body, dict) else body
    if not isinstance(detail, list):
        return str(detail)
    parts = []
    for problem in detail:
        loc = [str(part) for part in problem.get("loc", []) if part not in ("body", "path")]
        field = loc[0] if loc else ""
        parts.append(f"{OPTION_OF_FIELD.get(field, field or 'setting')}: {problem.get('msg')}")
    return "; ".join(parts)


def _list(target: Target, *, as_json: bool) -> int:
    client = ApiClient(timeout_s=5.0, api_key=target.api_key)
    faults: dict[str, list[dict[str, Any]]] = {}
    unreachable: list[str] = []
    external = [service for service in SERVICE_NAMES if service in target.external]
    for service in (service for service in SERVICE_NAMES if service not in external):
        try:
            faults[service] = client.get(f"{target.urls[service]}/admin/faults")["faults"]
        except (Unreachable, ApiError):
            unreachable.append(service)
    if as_json:
        listed = {"faults": faults, "unreachable": unreachable, "external": external}
        print(json.dumps(listed, indent=2))
    else:
        print(fault_table(faults))
        print("".join(f"{service}: not listed, external\n" for service in external), end="")
    for service in unreachable:
        print(f"lienthong faults: {service} did not answer", file=sys.stderr)
    return EXIT_UNREACHABLE if unreachable else 0
