"""``/api/v1/agencies``: where every service of this sandbox answers, and its broker.

How a command given only the gateway's URL (``--url``) finds the agencies: their admin APIs
(faults, ledgers) are on their own ports; and the Kafka they share, for ``lienthong bench``,
which runs its null pipeline on the same broker as the system it compares it with.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from lienthong.runtime.app import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["agencies"])


@router.get("/agencies", summary="Every service's base URL and the Kafka bootstrap address")
async def list_agencies(runtime: RuntimeDep) -> dict[str, Any]:
    """The base URL of each service (``<NAME>_URL``) and the broker the gateway uses.

    Both as the gateway was configured: an embedded broker listens on loopback, so its address
    is only reachable from the machine the sandbox runs on.
    """
    return {
        "urls": runtime.settings.peer_urls(),
        "bootstrap_servers": runtime.settings.kafka_bootstrap_servers,
    }
