"""``/dashboard``: the live dashboard page and the few static files it needs.

Only the files named in :data:`ASSETS` are served, each with its content type; any other name
(another file, a path, a traversal) is a 404 without touching the file system. The page carries
the 34 provinces inline, so its province table has every row before any dossier exists.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from lienthong.domain.admin_units import load_admin_units

router = APIRouter(tags=["dashboard"], include_in_schema=False)

JAVASCRIPT: Final = "text/javascript; charset=utf-8"
"""Module scripts must come with a JavaScript content type, or the browser refuses them."""

SCRIPTS: Final = (
    "dashboard.js",  # the entry point, loaded by the page as <script type="module">
    "api.js",
    "format.js",
    "dom.js",
    "charts.js",
    "panels-dossiers.js",
    "panels-sync.js",
    "panels-ops.js",
)
"""The page's ES modules: the entry point, and what it imports (each by ``./name.js``)."""

ASSETS: Final[dict[str, str]] = {
    **dict.fromkeys(SCRIPTS, JAVASCRIPT),
    "dashboard.css": "text/css; charset=utf-8",
}
"""The files the page loads, by name, with their content types: the whole whitelist."""

PROVINCES_MARKER: Final = "{{PROVINCES_JSON}}"
NO_CACHE: Final = {"Cache-Control": "no-cache"}
PACKAGE: Final = "services.gateway.dashboard"


@cache
def _static(name: str) -> str:
    """One file of ``static/``, read once (its name comes from a fixed list, never a request)."""
    return (resources.files(PACKAGE) / "static" / name).read_text(encoding="utf-8")


def provinces_json() -> str:
    """The 34 provinces as ``[[code, name], …]``, safe inside a ``<script>`` element."""
    pairs = [[p.code, p.name] for p in load_admin_units().provinces()]
    return json.dumps(pairs, ensure_ascii=False).replace("<", "\\u003c")


@cache
def page() -> str:
    """The dashboard's HTML with the province list filled in."""
    return _static("index.html").replace(PROVINCES_MARKER, provinces_json())


@router.get("/dashboard", response_class=HTMLResponse, summary="Live dashboard")
async def dashboard() -> HTMLResponse:
    """Bảng điều khiển: throughput, funnels, latency, deadlines, provinces, agencies, failures."""
    return HTMLResponse(page(), headers=NO_CACHE)


@router.get("/dashboard/assets/{name}", summary="The dashboard's scripts and style")
async def asset(name: str) -> Response:
    """One of :data:`ASSETS` (the page's modules and its style); anything else is a 404."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(status_code=404, detail=f"no dashboard asset {name!r}")
    return Response(_static(name), media_type=media_type, headers=NO_CACHE)
