"""What the chaos tests share: a mixed load, the CLI as a user runs it, and the tally.

Every scenario pushes a few hundred dossiers of both flows through a real broker and four real
service processes, breaks something on purpose, ends the fault, drains, and asks
``lienthong verify`` whether anything was lost or applied twice. Its numbers are printed (and
appended to ``$CHAOS_REPORT`` when set) for the closing note of the issue.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from lienthong.chaos.load import (
    birth_form,
    death_form,
    drain,
    living_citizens,
    recent_death_day,
    submit_all,
)
from tests.e2e.helpers import RunningSystem

BIRTHS = 200
DEATHS = 100


def cli(system: RunningSystem, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``lienthong ARGS --data-dir D`` as a user types it."""
    done = subprocess.run(
        [sys.executable, "-m", "lienthong", *args, "--data-dir", str(system.data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"lienthong {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}"
        )
    return done


def lock_info(system: RunningSystem) -> dict[str, Any]:
    """What ``up`` recorded about its run (pids)."""
    loaded: dict[str, Any] = json.loads((system.data_dir / "up.lock").read_text("utf-8"))
    return loaded


async def mixed_forms(
    system: RunningSystem, run: str, skip_deaths: int = 0
) -> list[dict[str, Any]]:
    """``BIRTHS`` births and ``DEATHS`` deaths, interleaved."""
    people = await living_citizens(system.urls["population"], DEATHS, skip=skip_deaths)
    died = recent_death_day(date.today())
    births = [birth_form(run, n) for n in range(BIRTHS)]
    deaths = [death_form(person, died) for person in people]
    forms: list[dict[str, Any]] = []
    for n, birth in enumerate(births):
        forms.append(birth)
        if n % 2 == 0 and deaths:
            forms.append(deaths.pop())
    return forms + deaths


async def load(system: RunningSystem, gateway: httpx.AsyncClient, run: str) -> list[str]:
    """Submit the mixed load; the accepted ids (all must be accepted)."""
    forms = await mixed_forms(system, run)
    ids = await submit_all(gateway, forms)
    assert len(ids) == len(forms)
    return ids


@dataclass
class ChaosResult:
    """One scenario's numbers, as the issue asks for them."""

    scenario: str
    submitted: int
    completed: int
    rejected: int
    dead_lettered_then_redriven: int
    lost: int
    duplicated_effects: int
    drain_s: float

    def report(self) -> None:
        """Print, and append to ``$CHAOS_REPORT`` when set."""
        line = json.dumps(asdict(self))
        print(f"CHAOS {line}")
        target = os.environ.get("CHAOS_REPORT")
        if target:
            with Path(target).open("a", encoding="utf-8") as out:
                out.write(line + "\n")


def verified(system: RunningSystem) -> dict[str, Any]:
    """``lienthong verify --json``: must exit 0 (clean)."""
    done = cli(system, "verify", "--json", check=False)
    assert done.returncode == 0, (
        f"verify found discrepancies:\n{done.stdout[-4000:]}\n{done.stderr}"
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


AGENCY_ROWS: dict[tuple[str, str], tuple[str, str]] = {
    ("birth", "civil_registry"): ("civil_registry", "SELECT COUNT(*) FROM birth_registrations"),
    ("death", "civil_registry"): ("civil_registry", "SELECT COUNT(*) FROM death_registrations"),
    ("birth", "population"): (
        "population",
        "SELECT COUNT(*) FROM citizens WHERE birth_registration_number IS NOT NULL",
    ),
    ("death", "population"): (
        "population",
        "SELECT COUNT(*) FROM citizens WHERE death_registration_number IS NOT NULL",
    ),
    ("birth", "insurance"): (
        "insurance",
        "SELECT COUNT(*) FROM health_cards WHERE dossier_id IS NOT NULL",
    ),
    ("death", "insurance"): ("insurance", "SELECT COUNT(*) FROM funeral_benefits"),
}
"""(flow, agency) → the agency's own rows a synced step leaves: one each."""


def _metric_values(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def _disagreements(system: RunningSystem, gateway: httpx.AsyncClient) -> list[str]:
    stats = (await gateway.get("/api/v1/stats")).json()
    metrics = (await gateway.get("/metrics")).text
    steps = _metric_values(metrics, "lienthong_steps")
    dossiers = _metric_values(metrics, "lienthong_dossiers")
    found = []
    total = sum(flow["dossiers"]["total"] for flow in stats["flows"].values())
    counted = system.count("gateway", "SELECT COUNT(*) FROM dossiers")
    if total != counted:
        found.append(f"dossiers: /api/v1/stats {total}, the gateway's table {counted}")
    for (flow, agency), (service, sql) in AGENCY_ROWS.items():
        synced = stats["flows"][flow]["agencies"][agency]["synced"]
        rows = system.count(service, sql)
        labels = (("agency", agency), ("flow", flow), ("state", "synced"))
        if not synced == rows == steps.get(labels):
            found.append(
                f"{flow} {agency}: stats {synced}, /metrics {steps.get(labels)}, rows {rows}"
            )
    for flow, figures in stats["flows"].items():
        for status, n in figures["dossiers"].items():
            if status != "total" and dossiers.get((("flow", flow), ("status", status))) != n:
                found.append(f"{flow} {status}: stats {n}, /metrics disagrees")
    return found


async def agrees_with_every_database(system: RunningSystem, gateway: httpx.AsyncClient) -> None:
    """``/api/v1/stats`` and the gateway's ``/metrics`` say what each agency's own database
    holds: one row per synced step (retried while a parallel step of a closed dossier lands)."""
    found: list[str] = []
    for _ in range(20):
        found = await _disagreements(system, gateway)
        if not found:
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the counters disagree with the databases:\n" + "\n".join(found))


DRAIN_S = 120.0
"""How long a scenario may take to drain once its fault ended."""


async def finish(
    name: str,
    system: RunningSystem,
    gateway: httpx.AsyncClient,
    ids: list[str],
    *,
    ended: float,
    redriven: int = 0,
) -> ChaosResult:
    """Drain, verify, and report the scenario's numbers; the drain time is counted from
    ``ended`` (``time.monotonic()`` when the fault ended: last kill, SIGCONT, clear, redrive)."""
    final, _ = await drain(gateway, len(ids), DRAIN_S, failed_ends=False)
    seconds = time.monotonic() - ended
    report = verified(system)
    await agrees_with_every_database(system, gateway)
    result = ChaosResult(
        scenario=name,
        submitted=len(ids),
        completed=final.get("completed"),
        rejected=final.get("rejected"),
        dead_lettered_then_redriven=redriven,
        lost=len(ids) - final.final,
        duplicated_effects=sum(
            1 for item in report.get("discrepancies", []) if "duplicate" in str(item)
        ),
        drain_s=round(seconds, 1),
    )
    result.report()
    assert result.lost == 0, final.by_status
    assert result.duplicated_effects == 0
    assert final.total == len(ids)
    return result
