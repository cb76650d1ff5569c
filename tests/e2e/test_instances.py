"""Several instances of an agency (``up --instances``) on PostgreSQL: kills lose nothing.

Three population and two insurance processes share their agency's partitions through one
consumer group and their agency's database. One population instance is killed mid-load; once
it is back, another leaves the group (SIGTERM, so the group rebalances at once) and the first
one is killed in the middle of that rebalance. The supervisor restarts them all, and
``lienthong verify`` must find nothing lost and nothing applied twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from lienthong.chaos.load import submit_all
from lienthong.cli.fleet import Fleet
from lienthong.cli.ports import free_ports
from lienthong.contracts.services import SERVICE_NAMES
from tests.e2e.chaos import cli, finish, lock_info, mixed_forms
from tests.e2e.helpers import ROOT, RunningSystem, running_system
from tests.postgres import shared_server

pytestmark = pytest.mark.e2e

INSTANCES = {"population": 3, "insurance": 2}
PROCESSES = {"gateway", "civil_registry", "population", "population-2", "population-3"}
PROCESSES |= {"insurance", "insurance-2"}


async def _restarted(system: RunningSystem, name: str, old: int, timeout_s: float = 60) -> int:
    """The new pid of process *name* once the supervisor restarted it and it answers /health."""
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            info = lock_info(system)
            pid = info["children"].get(name)
            if pid not in (None, old):
                try:
                    health = await client.get(f"{info['processes'][name]}/health")
                except httpx.HTTPError:
                    health = None
                if health is not None and health.status_code == 200:
                    return int(pid)
            await asyncio.sleep(0.2)
    raise AssertionError(f"{name} was not restarted within {timeout_s:g} s: {lock_info(system)}")


async def _consumed(url: str) -> float:
    """How many events one process consumed, from its own ``/metrics``."""
    async with httpx.AsyncClient(timeout=5, trust_env=False) as client:
        text = (await client.get(f"{url}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "lienthong_events_consumed_total"
    )


async def test_instances_killed_mid_load_and_during_a_rebalance_lose_nothing(
    tmp_path: Path,
) -> None:
    fleet = Fleet.of(None, instances=INSTANCES)
    with running_system(tmp_path, fleet, "postgres") as system:
        info = lock_info(system)
        assert set(info["processes"]) == set(info["children"]) == PROCESSES
        assert len(set(info["processes"].values())) == len(PROCESSES)  # a port each
        async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=30) as gateway:
            forms = await mixed_forms(system, "instances")
            submitting = asyncio.create_task(submit_all(gateway, forms))
            await asyncio.sleep(1.0)
            killed = lock_info(system)["children"]
            cli(system, "kill", "population-2")  # SIGKILL mid-load: its partitions move
            await _restarted(system, "population-2", killed["population-2"])
            # population-3 leaves the group (SIGTERM): the group rebalances at once, and the
            # first instance is killed while the partitions are being handed out again.
            cli(system, "kill", "population-3", "--signal", "TERM")
            cli(system, "kill", "population")
            ended = time.monotonic()
            for name in ("population", "population-3"):
                await _restarted(system, name, killed[name])
            ids = await submitting
            restarts = lock_info(system)["restarts"]
            assert [restarts[n] for n in ("population", "population-2", "population-3")] == [1] * 3
            result = await finish(
                "population ×3, insurance ×2 on PostgreSQL: an instance SIGKILLed mid-load, "
                "another killed during a rebalance",
                system,
                gateway,
                ids,
                ended=ended,
            )
            # Never killed, the two insurance instances shared the partitions all along.
            for name in ("insurance", "insurance-2"):
                assert await _consumed(lock_info(system)["processes"][name]) > 0, name
    assert result.lost == 0 and result.duplicated_effects == 0


def test_instances_of_an_agency_on_sqlite_are_refused_before_anything_starts(
    tmp_path: Path,
) -> None:
    """Several processes on one SQLite file would each relay its outbox: a usage error."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    argv = ["up", "--instances", "population=2", "--data-dir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "lienthong", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert "POPULATION_DATABASE_URL" in done.stderr and "PostgreSQL" in done.stderr
    assert not (tmp_path / "up.lock").exists()


def test_up_on_a_postgres_server_creates_the_databases_and_runs_the_instances(
    tmp_path: Path,
) -> None:
    """What a team types: one server URL, a database per service created by ``up``."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    server = shared_server().rsplit("/", 1)[0]  # no database: up names one per service
    env["LIENTHONG_POSTGRES_URL"] = server
    argv = ["up", "--instances", "population=2", "--data-dir", str(tmp_path), "--fresh"]
    ports = free_ports(SERVICE_NAMES)
    argv += [f"--{name.replace('_', '-')}-port={port}" for name, port in ports.items()]
    log = tmp_path / "up.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "lienthong", *argv], cwd=ROOT, env=env, stdout=sink, stderr=sink
        )
    try:
        deadline = time.monotonic() + 120
        while "Press Ctrl-C to stop." not in log.read_text("utf-8", errors="replace"):
            assert process.poll() is None, log.read_text("utf-8")[-4000:]
            assert time.monotonic() < deadline, log.read_text("utf-8")[-4000:]
            time.sleep(0.3)
        processes = json.loads((tmp_path / "up.lock").read_text("utf-8"))["processes"]
        assert set(processes) == {*SERVICE_NAMES, "population-2"}
        banner = log.read_text("utf-8")
        assert "population-2" in banner and "instance of population" in banner
        assert "(gateway, civil_registry, population, insurance)" in banner
        with psycopg.connect(shared_server(), autocommit=True) as connection:
            names = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
        assert set(SERVICE_NAMES) <= names
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
