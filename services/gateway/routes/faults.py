"""``/api/v1/faults``: the faults on at every service, seen from the portal.

Each service keeps its own faults (``/admin/faults`` on its own port); a tester who knows only
the gateway's URL asks it here. A service that does not answer is listed as unreachable rather
than failing the whole answer: a service taken down on purpose is exactly when one looks.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import httpx
from fastapi import APIRouter

from lienthong.runtime.admin_faults import list_faults
from lienthong.runtime.app import RuntimeDep
from lienthong.runtime.settings import ServiceSettings

router = APIRouter(prefix="/api/v1", tags=["faults"])

PEER_TIMEOUT_S: Final = 2.0


def peer_client(settings: ServiceSettings) -> httpx.AsyncClient:
    """The client that asks the other services (loopback: proxies from the environment ignored),
    with the gateway's own key when credentials are on (agencies let it read their faults)."""
    return httpx.AsyncClient(
        trust_env=False, timeout=PEER_TIMEOUT_S, headers=settings.own_headers()
    )


async def _faults_of(client: httpx.AsyncClient, url: str) -> list[dict[str, Any]] | None:
    """The faults a service lists, or None when it does not answer properly."""
    try:
        response = await client.get(f"{url.rstrip('/')}/admin/faults")
        response.raise_for_status()
        faults = response.json()["faults"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None
    return faults if isinstance(faults, list) else None


@router.get("/faults", summary="The faults on at every service")
async def every_fault(runtime: RuntimeDep) -> dict[str, Any]:
    """Every service's faults (as its ``GET /admin/faults`` lists them) and who did not answer."""
    peers = {
        name: url for name, url in runtime.settings.peer_urls().items() if name != runtime.name
    }
    async with peer_client(runtime.settings) as client:
        answers = await asyncio.gather(*(_faults_of(client, url) for url in peers.values()))
    own = await list_faults(runtime)
    faults: dict[str, list[dict[str, Any]]] = {runtime.name: own["faults"]}
    unreachable: list[str] = []
    for name, answer in zip(peers, answers, strict=True):
        if answer is None:
            unreachable.append(name)
        else:
            faults[name] = answer
    return {"faults": faults, "unreachable": unreachable}
