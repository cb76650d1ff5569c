"""``/api/v1/agencies``: where every service of this sandbox answers.

How a command given only the gateway's URL (``--url``) finds the agencies: their admin APIs
(faults, ledgers) are on their own ports.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from lienthong.runtime.app import RuntimeDep

router = APIRouter(prefix="/api/v1", tags=["agencies"])


@router.get("/agencies", summary="Every service's base URL")
async def list_agencies(runtime: RuntimeDep) -> dict[str, Any]:
    """The base URL of each service, as the gateway was configured (``<NAME>_URL``)."""
    return {"urls": runtime.settings.peer_urls()}
