"""``lienthong up``: the whole sandbox on one laptop with one command.

Translates command-line options (with env-var defaults, so ``make run`` and CI can move ports
without editing commands) into a :class:`~lienthong.cli.supervisor.Supervisor`, prints where
everything answers once it is healthy, then streams every process's logs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime

from lienthong.cli.broker import BrokerError
from lienthong.cli.errors import AlreadyRunning, ServiceExited, SupervisorError
from lienthong.cli.fleet import FleetError
from lienthong.cli.fleet_options import add_fleet_arguments, fleet_of
from lienthong.cli.foreground import run_in_foreground
from lienthong.cli.ready_banner import format_ready
from lienthong.cli.run_credentials import AUTH_ENV
from lienthong.cli.store_options import (
    add_store_arguments,
    store_environment,
)
from lienthong.cli.supervisor import Supervisor
from lienthong.cli.target import add_data_dir_argument
from lienthong.contracts.services import DEFAULT_PORTS, SERVICE_NAMES
from lienthong.runtime.clock import clock_environment
from lienthong.runtime.delays import parse_delay
from lienthong.runtime.logs import (
    LOG_FORMATS,
    LOG_LEVELS,
    check_format,
    check_level,
    configure_logging,
)
from lienthong.runtime.masking import mask
from lienthong.runtime.randomness import DEFAULT_SEED

__all__ = ["add_up_arguments", "build_supervisor", "run_environment", "run_up"]

RUN_SEED_ENV = "RUN_SEED"
"""The env var through which every service learns the run's seed (its ``run_seed`` setting)."""

log = logging.getLogger("lienthong.up")


def _choice(check: Callable[[str], str]) -> Callable[[str], str]:
    """An argparse type from a ``check_*`` of :mod:`lienthong.runtime.logs`: its ValueError is
    a usage error (exit 2), for the option and for its env-var default alike."""

    def parse(text: str) -> str:
        try:
            return check(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def _port_env(service: str) -> str:
    """``LIENTHONG_GATEWAY_PORT`` and friends: one env var per ``--<service>-port`` option."""
    return f"LIENTHONG_{service.upper()}_PORT"


def add_up_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``up`` options on *parser* (the main CLI owns the subparser itself).

    Env-var defaults are read here, when the parser is built, and are strings on purpose:
    argparse runs them through ``type=int`` so a bad value gets the usual clear usage error.
    """
    add_data_dir_argument(parser)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="delete the databases (*.db, *.db-wal, *.db-shm) in the data dir before starting; "
        "with --postgres, drop and create the service databases it names (refused while "
        "another run is connected to one)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface the services listen on (default: 127.0.0.1); any other than loopback "
        "turns credentials on",
    )
    parser.add_argument(
        "--auth",
        action="store_true",
        help="credentials on: every call but /health and /metrics needs an API key; the keys "
        "(made once per data dir, in its api-keys file) are printed when the run is up",
    )
    for service in SERVICE_NAMES:
        env = _port_env(service)
        parser.add_argument(
            f"--{service.replace('_', '-')}-port",
            dest=f"{service}_port",
            type=int,
            default=os.environ.get(env, str(DEFAULT_PORTS[service])),
            metavar="PORT",
            help=f"HTTP port of {service} (default: {DEFAULT_PORTS[service]}, env {env})",
        )
    parser.add_argument(
        "--broker-port",
        type=int,
        default=0,
        metavar="PORT",
        help="port of the embedded broker (default: 0 = any free port); ignored when "
        "KAFKA_BOOTSTRAP_SERVERS points at an external Kafka",
    )
    parser.add_argument(
        "--partitions",
        type=int,
        default=3,
        help="partitions per topic when the topics are created (default: 3)",
    )
    parser.add_argument(
        "--health-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for every service's /health (default: 60)",
    )

    add_fleet_arguments(parser)
    add_store_arguments(parser)
    parser.add_argument(
        "--clock-speed",
        type=float,
        default=float(os.environ.get("LIENTHONG_CLOCK_SPEED", "1")),
        help="simulated seconds per real second, shared by all services (86400 ≈ a day per "
        "second; default 1 = real time)",
    )
    parser.add_argument(
        "--clock-start",
        type=datetime.fromisoformat,
        default=None,
        help="simulated time at start-up, ISO 8601 with offset (default: now)",
    )
    parser.add_argument(
        "--delay",
        action="append",
        default=[],
        metavar="SERVICE=SPEC",
        help="processing delay of one agency in simulated time, e.g. population=lognormal:8h,0.6 "
        "(none, fixed:D, uniform:D..D, exponential:D, lognormal:D,σ; repeatable)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=os.environ.get("LIENTHONG_SEED", str(DEFAULT_SEED)),
        metavar="N",
        help="seed of every business identifier and random decision of this run (personal ID "
        "serials, card numbers, processing delays); the same seed and the same dossiers give "
        f"the same results (default: {DEFAULT_SEED}, env LIENTHONG_SEED)",
    )
    parser.add_argument(
        "--log-level",
        type=_choice(check_level),
        default=os.environ.get("LOG_LEVEL", "info"),
        metavar="LEVEL",
        help=f"of every service and of `up` itself: {', '.join(LOG_LEVELS)} (default: info, "
        "env LOG_LEVEL)",
    )
    parser.add_argument(
        "--log-format",
        type=_choice(check_format),
        default=os.environ.get("LOG_FORMAT", "text"),
        metavar="|".join(LOG_FORMATS),
        help="text for a terminal (lines prefixed with their service), json for one JSON object "
        "per line that names its service (default: text, env LOG_FORMAT); personal data is "
        "masked either way",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every HTTP request the services answer (off: one line per request drowns "
        "the rest under load)",
    )


def run_environment(args: argparse.Namespace) -> dict[str, str]:
    """What every service of this run shares, as env vars: the seed, the clock, the delays.

    Passed as the supervisor's ``extra_env``, so each child reads them as ordinary settings.
    A bad ``--delay`` exits here, before anything starts.
    """
    env = clock_environment(args.clock_speed, args.clock_start)
    env[RUN_SEED_ENV] = str(args.seed)
    env.update(
        LOG_LEVEL=args.log_level,
        LOG_FORMAT=args.log_format,
        LOG_ACCESS="1" if args.access_log else "0",
    )
    if getattr(args, "auth", False):
        env[AUTH_ENV] = "1"
    env.update(store_environment(args))
    for item in args.delay:
        service, _, spec = item.partition("=")
        if service not in SERVICE_NAMES:
            raise SystemExit(f"--delay {item!r}: unknown service {service!r}")
        try:
            parse_delay(spec)
        except ValueError as error:
            raise SystemExit(f"--delay {item!r}: {error}") from error
        env[f"{service.upper()}_PROCESSING_DELAY"] = spec
    return env


def build_supervisor(args: argparse.Namespace) -> Supervisor:
    """Map parsed options onto a supervisor; an external Kafka comes only from the env."""
    return Supervisor(
        args.data_dir,
        host=args.host,
        ports={service: getattr(args, f"{service}_port") for service in SERVICE_NAMES},
        bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None,
        partitions=args.partitions,
        broker_port=args.broker_port,
        health_timeout_s=args.health_timeout,
        fresh=args.fresh,
        extra_env=run_environment(args),
        log_format=args.log_format,
        log_level=args.log_level,
        fleet=fleet_of(args, {**os.environ, **store_environment(args)}),
    )


def run_up(args: argparse.Namespace) -> int:
    """Run the sandbox in the foreground; 0 after Ctrl-C/SIGTERM/SIGHUP, 1 if it failed.

    Failing means: it could not start, or the embedded broker died (a crashed service is
    restarted by the supervisor and does not end the run).
    """
    try:
        supervisor = build_supervisor(args)
    except FleetError as error:
        args.command_parser.error(str(error))
    # The supervisor's own process (its libraries included) logs through the same output,
    # format, level and masking as the services.
    configure_logging(
        args.log_level,
        check_format(args.log_format),
        access_log=False,
        handler=supervisor.logs.handler(),
    )
    started = time.monotonic()

    def announce(ready: Supervisor) -> None:
        # A JSON stream goes to a log store: the keys stay in the key file and the lock.
        block = format_ready(ready, time.monotonic() - started, show_keys=args.log_format != "json")
        if args.log_format == "json":  # the stream stays one JSON object per line
            for line in filter(None, (line.strip() for line in block.splitlines())):
                ready.logs.say(line)
        else:
            ready.logs.echo(block)

    try:
        code = run_in_foreground(supervisor, on_ready=announce)
    except AlreadyRunning as exc:
        return _failed(str(exc))
    except ServiceExited as exc:  # its output was just streamed; do not repeat it
        return _failed(f"lienthong up failed: {exc.headline} (see its output above)")
    except (SupervisorError, BrokerError) as exc:
        return _failed(f"lienthong up failed: {exc}")
    if code == 0:
        supervisor.logs.say("lienthong stopped")
    else:  # a crashed service is restarted; only the broker's death ends the run
        _failed("lienthong up failed: the embedded broker died (see its output above)")
    return code


def _failed(message: str) -> int:
    """Why ``up`` ends with 1: on stderr, plain and masked, whatever the log format (like
    every command's fatal error), so it is seen even when stdout goes to a log pipeline."""
    print(mask(message), file=sys.stderr)
    return 1
