"""The commands that talk to a running sandbox, one module each, found by name.

Each module defines ``add_arguments(parser)`` and ``run(args) -> int``; its one-line help is
here (:data:`HELP`), so ``lienthong -h`` imports none of them.
``lienthong.cli.main`` imports a module only when its command is chosen, so ``lienthong serve``
(run four times per ``up``) never pays for them.
"""

from __future__ import annotations

from typing import Final

COMMANDS: Final[dict[str, str]] = {
    "faults": "lienthong.cli.commands.faults",
    "failures": "lienthong.cli.commands.failures",
    "redrive": "lienthong.cli.commands.redrive",
    "kill": "lienthong.cli.commands.kill",
    "restart": "lienthong.cli.commands.restart",
    "verify": "lienthong.cli.commands.verify",
    "load": "lienthong.cli.commands.load",
    "bench": "lienthong.cli.commands.bench",
    "replay": "lienthong.cli.commands.replay",
    "record": "lienthong.cli.commands.record",
    "status": "lienthong.cli.commands.status",
    "contracts": "lienthong.cli.commands.contracts",
}
"""Command name → module implementing it."""

HELP: Final[dict[str, str]] = {
    "faults": "switch faults on and off at run time, and list what is on",
    "failures": "list the dead letters the gateway holds (filter by agency, flow, kind, time)",
    "redrive": "send failed messages again, one by id or all that match a filter",
    "kill": "send a signal to one service of a running `up` (chaos on purpose)",
    "restart": "stop one service of a running `up` and let the supervisor start it again",
    "verify": "reconcile the four databases and the gateway: exit 0 clean, 1 discrepancies",
    "load": "drive the sandbox at a rate, a census day or full speed; report rates and latencies",
    "bench": "the null pipeline's rate (raw Kafka relays) next to the full system's, and the ratio",
    "replay": "run scenario files against a sandbox: exit 0 all pass, 1 failed, 2 invalid, 3 down",
    "record": "capture a live run as a scenario (people replaced by roles) to replay elsewhere",
    "status": "dossiers, steps, latency and agency health as tables; --watch refreshes them",
    "contracts": "export the AsyncAPI and OpenAPI documents; check them against a baseline",
}
"""One line per command for ``lienthong -h``, without importing the module."""
