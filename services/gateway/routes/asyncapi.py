"""``/asyncapi.json`` and ``/asyncapi``: the event contracts, served live by the gateway.

The document is generated once per process from the event catalogue (it cannot change while
the process runs) — the same document ``lienthong contracts export`` writes.
"""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from lienthong.contracts.asyncapi import asyncapi_document
from lienthong.runtime.app import RuntimeDep
from services.gateway.asyncapi_page import render_page

router = APIRouter(tags=["contracts"])


@functools.cache
def _document(bootstrap_servers: str) -> dict[str, Any]:
    try:
        release = version("lienthong")
    except PackageNotFoundError:
        release = "0.0.0"
    return asyncapi_document(release, bootstrap_servers)


@router.get("/asyncapi.json", summary="AsyncAPI 3.0 document of every channel and message")
async def asyncapi_json(runtime: RuntimeDep) -> dict[str, Any]:
    """Every topic, event type, payload schema (with descriptions and examples), the CloudEvents
    envelope, the Kafka key, and which service sends and which receive each message."""
    return _document(runtime.settings.kafka_bootstrap_servers)


@router.get("/asyncapi", response_class=HTMLResponse, include_in_schema=False)
async def asyncapi_page(runtime: RuntimeDep) -> HTMLResponse:
    """The same document as a page to read."""
    return HTMLResponse(render_page(_document(runtime.settings.kafka_bootstrap_servers)))
