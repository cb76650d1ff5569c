"""One running lienthong for the whole session: real Tansu broker, four real service processes.

Started through the same :class:`Supervisor` as `lienthong up`, on free ports and a temporary
data directory, with the default seed (so ``examples/birth.json`` names real people).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from lienthong.cli.broker import free_port
from lienthong.cli.supervisor import SERVICE_NAMES, Supervisor

ROOT = Path(__file__).resolve().parents[2]
TERMINAL = {"completed", "rejected", "failed"}


@dataclass
class RunningSystem:
    """What tests need to reach the running system."""

    urls: dict[str, str]
    data_dir: Path
    bootstrap_servers: str

    def count(self, service: str, sql: str, *params: Any) -> int:
        """Run a COUNT query straight on a service's real SQLite database."""
        with sqlite3.connect(self.data_dir / f"{service}.db") as connection:
            row = connection.execute(sql, params).fetchone()
        return int(row[0])


@contextmanager
def running_system(data_dir: Path, **env: str) -> Iterator[RunningSystem]:
    """Broker + four services on free ports in ``data_dir``, stopped on exit."""
    log_path = data_dir / "system.log"
    with log_path.open("w", encoding="utf-8") as log:
        supervisor = Supervisor(
            data_dir,
            ports={name: free_port() for name in SERVICE_NAMES},
            output=log,
            color=False,
            health_timeout_s=90,
            extra_env={"TRANSIENT_MAX_ATTEMPTS": "3", "TRANSIENT_BACKOFF_MS": "100", **env},
        )
        try:
            supervisor.start()
        except Exception:
            log.flush()
            print(log_path.read_text(encoding="utf-8")[-5000:])
            raise
        try:
            yield RunningSystem(supervisor.urls(), data_dir, supervisor.bootstrap_servers)
        finally:
            supervisor.stop()


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """Start broker + services once (real time, no delays); stop them at the end."""
    with running_system(tmp_path_factory.mktemp("lienthong")) as running:
        yield running


@pytest_asyncio.fixture(scope="session")
async def gateway(system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP client on the gateway."""
    async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=10) as client:
        yield client


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


def load_example(name: str = "birth") -> dict[str, Any]:
    """A shipped example dossier, as a fresh dict."""
    data: dict[str, Any] = json.loads((ROOT / "examples" / f"{name}.json").read_text("utf-8"))
    return data
