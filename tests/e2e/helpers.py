"""What end-to-end tests share: a running system to reach, dossiers to submit, waiting.

Test modules import these from here, never from one another, so a test module can be changed,
moved or deselected without breaking the others; ``conftest.py`` holds only fixtures.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from lienthong.cli.fleet import Fleet
from lienthong.cli.ports import free_ports
from lienthong.cli.supervisor import Supervisor
from lienthong.contracts.services import SERVICE_NAMES
from tests import stores
from tests.helpers import load_example as load_example
from tests.helpers import steps_by_agency as steps_by_agency
from tests.helpers import submit as submit

ROOT = Path(__file__).resolve().parents[2]
TERMINAL = {"completed", "rejected", "failed"}


@dataclass
class RunningSystem:
    """What tests need to reach the running system."""

    urls: dict[str, str]
    data_dir: Path
    bootstrap_servers: str
    store: str

    def count(self, service: str, sql: str, *params: Any) -> int:
        """Run a COUNT query straight on a service's real database (SQLite or PostgreSQL)."""
        return stores.count(self.data_dir, service, sql, *params, on=self.store)


@contextmanager
def running_system(
    data_dir: Path, fleet: Fleet | None = None, store: str | None = None, /, **env: str
) -> Iterator[RunningSystem]:
    """Broker + four services on free ports in ``data_dir`` (simulated, left out or run as
    several instances as *fleet* says), on *store* (default: the one ``LIENTHONG_TEST_STORE``
    names), stopped on exit."""
    store = store or stores.store()
    log_path = data_dir / "system.log"
    with log_path.open("w", encoding="utf-8") as log:
        supervisor = Supervisor(
            data_dir,
            ports=free_ports(SERVICE_NAMES),
            output=log,
            color=False,
            health_timeout_s=90,
            extra_env={
                "TRANSIENT_MAX_ATTEMPTS": "3",
                "TRANSIENT_BACKOFF_MS": "100",
                **stores.database_env(data_dir, store),
                **env,
            },
            fleet=fleet,
        )
        try:
            supervisor.start()
        except Exception:
            log.flush()
            print(log_path.read_text(encoding="utf-8")[-5000:])
            raise
        try:
            yield RunningSystem(supervisor.urls(), data_dir, supervisor.bootstrap_servers, store)
        finally:
            supervisor.stop()


async def wait_for_dossier(
    gateway: httpx.AsyncClient, dossier_id: str, *, timeout_s: float = 20.0
) -> dict[str, Any]:
    """Poll until the dossier reaches a terminal status; fail the test on timeout."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    body: dict[str, Any] = {}
    while asyncio.get_running_loop().time() < deadline:
        response = await gateway.get(f"/api/v1/dossiers/{dossier_id}")
        assert response.status_code == 200, response.text
        body = response.json()
        if body["status"] in TERMINAL:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"dossier {dossier_id} not finished after {timeout_s}s: {body}")


async def wait_until(predicate: Any, *, timeout_s: float = 15.0, what: str = "condition") -> None:
    """Poll an async predicate until true."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


_names = itertools.count(1)


def birth_form(**child: Any) -> dict[str, Any]:
    """The shipped example with a child name never used before (one birth per name)."""
    form = load_example("birth")
    form["child"]["given_name"] = f"An {next(_names)}"
    form["child"].update(child)
    return form


def counts(system: RunningSystem) -> dict[str, int]:
    """Rows in each agency's own table, read from its real database."""
    return {
        "births": system.count("civil_registry", "SELECT COUNT(*) FROM birth_registrations"),
        "citizens": system.count("population", "SELECT COUNT(*) FROM citizens"),
        "cards": system.count("insurance", "SELECT COUNT(*) FROM health_cards"),
        "dossiers": system.count("gateway", "SELECT COUNT(*) FROM dossiers"),
    }
