"""The options of ``lienthong up`` that choose the fleet: ``--only``, ``--external``, ``--mock``
and ``--instances``.

Each value is checked where argparse reads it, so a misspelt agency or a bad rule is a usage
error (exit 2) naming what would be right; options that contradict each other are checked when
the fleet is built (:meth:`Fleet.of`), before anything starts.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from lienthong.cli.fleet import Fleet, FleetError
from lienthong.cli.instances import InstancesError, parse_instances, require_shared_database
from lienthong.contracts.services import AGENCIES, GATEWAY
from services.mock.rules import MockRule, parse_rule


def _service_list(text: str) -> list[str]:
    """``civil_registry,population`` → the names, each an agency (or the gateway)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in (*AGENCIES, GATEWAY)]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"{text!r}: a comma-separated list of {', '.join((*AGENCIES, GATEWAY))}"
        )
    return names


def _rule(text: str) -> MockRule:
    """One ``--mock`` rule; a bad one is a usage error naming what would be right."""
    try:
        return parse_rule(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_fleet_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--only``, ``--external`` and ``--mock`` on *parser*."""
    parser.add_argument(
        "--only",
        type=_service_list,
        action="extend",
        default=None,
        metavar="AGENCY,…",
        help="run only these agencies for real (and the gateway); every other agency is "
        "simulated from its contracts (mock mode), e.g. --only civil_registry,population",
    )
    parser.add_argument(
        "--external",
        type=_service_list,
        action="extend",
        default=[],
        metavar="AGENCY,…",
        help="start nothing for these agencies: your own implementation consumes their "
        "topics and publishes their events on the run's broker (see the README)",
    )
    parser.add_argument(
        "--mock",
        type=_rule,
        action="append",
        default=[],
        metavar="RULE",
        help="how a simulated agency answers: AGENCY[.EVENT]=accept | refuse:REASON | silent "
        "| delay:SPEC, optionally @SHARE of the dossiers, e.g. insurance=refuse:not_under_six"
        "@25%% (repeatable; the first rule that picks a dossier decides; default accept)",
    )
    parser.add_argument(
        "--instances",
        type=parse_instances,
        action="append",
        default=[],
        metavar="AGENCY=N,…",
        help="run N processes of an agency in one consumer group, sharing its partitions and "
        "its database, which must be PostgreSQL (<AGENCY>_DATABASE_URL); the first keeps the "
        "agency's port, the others (population-2…) take free ones, e.g. population=3,"
        "insurance=2 (env LIENTHONG_INSTANCES)",
    )


INSTANCES_ENV = "LIENTHONG_INSTANCES"
"""The default of ``--instances`` (empty: one process of each agency)."""


def fleet_of(args: argparse.Namespace, env: Mapping[str, str] = os.environ) -> Fleet:
    """The fleet the options describe; :class:`FleetError` when they contradict each other,
    or when an agency asked to run several instances keeps its data where only one can."""
    only: list[str] | None = args.only  # repeated options add up (action="extend")
    instances: dict[str, int] = {}
    try:
        given = args.instances or [parse_instances(env.get(INSTANCES_ENV) or "")]
        for counts in given:  # repeated options add up, the last count of one wins
            instances.update(counts)
        require_shared_database(instances, env)
    except argparse.ArgumentTypeError as error:
        raise FleetError(f"{INSTANCES_ENV}: {error}") from None
    except InstancesError as error:
        raise FleetError(str(error)) from None
    return Fleet.of(only, args.external, args.mock, instances)


def service_line(fleet: Fleet, name: str, url: str, width: int) -> str:
    """One service's line of the ready banner: where it answers, and how it runs."""
    line = f"  {name:<{width}}  {url}"
    mode = fleet.mode(name)
    if mode == "external":
        return f"{line}   external: not started, yours to run on its topics"
    line += f"   docs {url}/docs"
    if mode == "simulated":
        rules = "; ".join(str(r) for r in fleet.rules if r.agency == name) or "accept all"
        line += f"   simulated ({rules})"
    return line
