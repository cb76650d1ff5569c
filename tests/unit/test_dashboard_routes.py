"""``/dashboard`` and its assets, on a minimal app with just the dashboard's router."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from importlib import resources

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from lienthong.domain.admin_units import load_admin_units
from services.gateway.dashboard.routes import ASSETS, PACKAGE, SCRIPTS, router


@pytest_asyncio.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as test_client:
        yield test_client


async def test_the_page_is_html_with_the_34_provinces_inline(client: httpx.AsyncClient) -> None:
    response = await client.get("/dashboard")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert 'data-testid="last-updated"' in html
    assert "{{" not in html
    inline = re.search(r'<script id="provinces" type="application/json">(.*?)</script>', html)
    assert inline is not None
    provinces = json.loads(inline.group(1))
    assert len(provinces) == 34
    assert provinces == [[p.code, p.name] for p in load_admin_units().provinces()]


@pytest.mark.parametrize(("name", "media_type"), sorted(ASSETS.items()))
async def test_each_asset_is_served_with_its_content_type(
    client: httpx.AsyncClient, name: str, media_type: str
) -> None:
    response = await client.get(f"/dashboard/assets/{name}")

    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.text == (resources.files(PACKAGE) / "static" / name).read_text("utf-8")


def test_every_script_is_served_as_javascript_as_module_scripts_need() -> None:
    scripts = [name for name in ASSETS if name.endswith(".js")]

    assert sorted(scripts) == sorted(SCRIPTS)
    assert all(ASSETS[name].startswith("text/javascript") for name in scripts)


def _imports(script: str) -> list[str]:
    """The module specifiers a script imports (``import … from "x"``, ``import "x"``)."""
    return re.findall(r'(?:\bfrom|^import)\s+"([^"]+)"', script, flags=re.MULTILINE)


async def test_the_page_loads_only_the_whitelisted_assets_and_nothing_from_outside(
    client: httpx.AsyncClient,
) -> None:
    html = (await client.get("/dashboard")).text
    linked = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert sorted(link for link in linked if not link.startswith("data:")) == [
        "/dashboard/assets/dashboard.css",
        "/dashboard/assets/dashboard.js",
    ]
    assert '<script type="module" src="/dashboard/assets/dashboard.js"></script>' in html
    for text in [html, *[(await client.get(f"/dashboard/assets/{name}")).text for name in ASSETS]]:
        urls = set(re.findall(r"https?://[^\s\"')]+", text))
        assert urls <= {"http://www.w3.org/2000/svg"}  # the SVG namespace is no fetch


async def test_the_entry_module_imports_every_script_and_only_whitelisted_ones(
    client: httpx.AsyncClient,
) -> None:
    reached: set[str] = set()
    pending = ["dashboard.js"]
    while pending:
        name = pending.pop()
        reached.add(name)
        response = await client.get(f"/dashboard/assets/{name}")
        assert response.status_code == 200, name
        for specifier in _imports(response.text):
            assert re.fullmatch(r"\./[a-z-]+\.js", specifier), f"{name}: {specifier}"
            assert specifier[2:] in SCRIPTS, f"{name} imports {specifier}, not whitelisted"
            if specifier[2:] not in reached:
                pending.append(specifier[2:])

    assert reached == set(SCRIPTS)


@pytest.mark.parametrize(
    "name",
    [
        "index.html",  # a real file, but not an asset
        "routes.py",
        "..%2Froutes.py",
        "%2E%2E%2F%2E%2E%2Fbootstrap.py",
        "..%5C..%5Croutes.py",
        "static%2Fdashboard.js",
        "DASHBOARD.JS",
        "dashboard.js%00",
        "dashboard.js.map",
        "%2Fetc%2Fpasswd",
        "",
    ],
)
async def test_any_other_name_is_a_404(client: httpx.AsyncClient, name: str) -> None:
    response = await client.get(f"/dashboard/assets/{name}")

    assert response.status_code == 404


async def test_a_traversal_in_the_path_reaches_nothing(client: httpx.AsyncClient) -> None:
    for path in ("/dashboard/assets/../routes.py", "/dashboard/assets/../../bootstrap.py"):
        response = await client.get(path)
        assert response.status_code == 404
        assert "APIRouter" not in response.text


def test_every_static_file_ships_and_is_either_the_page_or_an_asset() -> None:
    shipped = {item.name for item in (resources.files(PACKAGE) / "static").iterdir()}

    assert shipped == {"index.html", *ASSETS}
