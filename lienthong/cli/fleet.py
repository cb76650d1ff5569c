"""Which services of a run are real, simulated from their contracts, or left to the user.

``lienthong up --only civil_registry`` runs the gateway and the named agencies for real and
simulates every other agency (mock mode, ``services/mock``); ``--external insurance`` starts
nothing for that agency, so the user's own implementation consumes its topics and publishes its
events, and the rest of the chain runs around it. The gateway always runs: it is where dossiers
are submitted and followed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from lienthong.cli.children import ServiceSpec
from lienthong.cli.data_dir import DATABASE_SUFFIXES
from lienthong.cli.errors import SupervisorError
from lienthong.cli.instances import instance_names, service_of
from lienthong.cli.ports import free_ports
from lienthong.contracts.services import AGENCIES, GATEWAY
from services.mock.rules import RULES_ENV, MockRule, rules_env

Mode = Literal["real", "simulated", "external"]

FLEET_FILE: Final = "fleet.json"
"""Which agencies a data directory's last run simulated or left external (beside its lock)."""

SIMULATED_SUFFIX: Final = "_mock"
"""A simulated agency keeps its inbox and outbox apart from the real one's (``insurance_mock``)."""


class FleetError(ValueError):
    """Options that contradict each other (a usage error of ``up``)."""


@dataclass(frozen=True)
class Fleet:
    """The mode of every service of a run; the default runs every agency for real."""

    simulated: frozenset[str] = frozenset()
    external: frozenset[str] = frozenset()
    rules: tuple[MockRule, ...] = field(default=())
    instances: tuple[tuple[str, int], ...] = field(default=())
    """How many processes of each real agency run (``--instances``); one when not named."""

    @classmethod
    def of(
        cls,
        only: Collection[str] | None,
        external: Collection[str] = (),
        rules: Sequence[MockRule] = (),
        instances: Mapping[str, int] | None = None,
    ) -> Fleet:
        """From ``--only`` (None: every agency real), ``--external``, ``--mock`` rules and
        ``--instances`` (only of agencies run for real)."""
        named = set(only or ()) | set(external)
        unknown = named - {*AGENCIES, GATEWAY}
        if unknown:
            raise FleetError(f"unknown services {', '.join(sorted(unknown))}")
        if GATEWAY in external:
            raise FleetError("the gateway cannot be external: it is where dossiers are tracked")
        both = set(only or ()) & set(external)
        if both:
            raise FleetError(f"{', '.join(sorted(both))} cannot be both --only and --external")
        real = set(AGENCIES) if only is None else set(only)
        simulated = frozenset(set(AGENCIES) - real - set(external))
        for rule in rules:
            if rule.agency not in simulated:
                raise FleetError(
                    f"--mock {rule}: {rule.agency} is not simulated "
                    "(rules apply to the agencies --only leaves out)"
                )
        counts = tuple(sorted((instances or {}).items()))
        for agency, count in counts:
            if count > 1 and (agency in simulated or agency in external):
                mode = "simulated" if agency in simulated else "external"
                raise FleetError(
                    f"--instances {agency}={count}: {agency} is {mode} in this run; "
                    "instances are for the agencies run for real"
                )
        return cls(simulated, frozenset(external), tuple(rules), counts)

    def count(self, name: str) -> int:
        """How many processes of service *name* this run starts (0 for an external agency)."""
        return 0 if name in self.external else dict(self.instances).get(name, 1)

    def mode(self, name: str) -> Mode:
        """How service *name* runs in this fleet."""
        if name in self.simulated:
            return "simulated"
        return "external" if name in self.external else "real"

    def launched(self, specs: Sequence[ServiceSpec]) -> list[ServiceSpec]:
        """The processes this run starts: no external agency, each instance of the others.

        An agency's first instance keeps its port; the further ones get free ports, picked
        together so no two share one (the run checks them all before anything starts).
        """
        names = [
            name for spec in specs for name in instance_names(spec.name, self.count(spec.name))
        ]
        ports = free_ports([name for name in names if service_of(name) != name])
        own = {spec.name: spec.port for spec in specs}
        return [ServiceSpec(name, own.get(name) or ports[name]) for name in names]

    def command(self, name: str) -> list[str]:
        """How a service is run: this interpreter, so the venv and its packages carry over."""
        mock = ["--mock"] if name in self.simulated else []
        return [sys.executable, "-m", "lienthong", "serve", name, *mock]

    def database(self, name: str) -> str:
        """The name of the service's database (a simulated agency has its own)."""
        return name + SIMULATED_SUFFIX if name in self.simulated else name

    def environment(self) -> dict[str, str]:
        """What every service of the run reads (only simulated agencies read the rules): always
        set, so rules left in the user's shell never reach a run that gave none."""
        return {RULES_ENV: rules_env(self.rules)}

    def record(self) -> dict[str, Any]:
        """The fleet as the run lock and the data directory keep it (for ``verify``, ``kill``…)."""
        return {
            "simulated": sorted(self.simulated),
            "external": sorted(self.external),
            "rules": [str(rule) for rule in self.rules],
            "instances": dict(self.instances),
        }

    def claim(self, data_dir: Path) -> None:
        """Take *data_dir* for this fleet; SupervisorError when its databases are another's.

        Switching an agency between real, simulated and external on kept databases would make
        the agencies disagree: the services replay their recent outbox into the fresh broker,
        and an agency that was simulated would now decide those dossiers for real (a second
        personal ID number for a child the gateway already shows). A data directory without a
        record was last run with every agency real.
        """
        path = data_dir / FLEET_FILE
        mine = {key: self.record()[key] for key in ("simulated", "external")}
        last: dict[str, list[str]] = {"simulated": [], "external": []}
        if path.exists():
            recorded = json.loads(path.read_text(encoding="utf-8"))
            last = {key: list(recorded.get(key, [])) for key in last}
        kept = any(p.name.endswith(DATABASE_SUFFIXES) for p in data_dir.glob("*.db*"))
        if kept and last != mine:
            raise SupervisorError(
                f"{data_dir} holds the databases of a run with simulated {last['simulated']} and "
                f"external {last['external']}; this run has {mine['simulated']} and "
                f"{mine['external']}: start it with --fresh, or use another --data-dir"
            )
        path.write_text(json.dumps(self.record(), indent=2) + "\n", encoding="utf-8")
