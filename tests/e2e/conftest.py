"""One running lienthong for the whole session: real Tansu broker, four real service processes.

Started through the same :class:`~lienthong.cli.supervisor.Supervisor` as `lienthong up`, on
free ports and a temporary data directory, with the default seed (so ``examples/birth.json``
names real people). Only fixtures live here; what tests import is in ``helpers.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio

from tests.e2e.helpers import RunningSystem, running_system


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
