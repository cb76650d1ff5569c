"""``lienthong contracts export`` and the gateway's live ``/asyncapi.json`` and ``/asyncapi``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lienthong.contracts.catalogue import CATALOGUE
from lienthong.contracts.services import SERVICE_NAMES
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import client_of


def lienthong(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lienthong", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def test_export_writes_the_asyncapi_and_every_openapi_document(tmp_path: Path) -> None:
    done = lienthong("contracts", "export", "out", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    asyncapi = json.loads((out / "asyncapi.json").read_text("utf-8"))
    assert {m["name"] for m in asyncapi["components"]["messages"].values()} == {
        spec.type for spec in CATALOGUE
    }
    assert (out / "asyncapi.yaml").read_text("utf-8").startswith("asyncapi: 3.0.0")
    for service in SERVICE_NAMES:
        openapi = json.loads((out / "openapi" / f"{service}.json").read_text("utf-8"))
        assert openapi["openapi"].startswith("3.1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no data dir left behind


def test_export_misuse_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")

    nothing = lienthong("contracts", cwd=tmp_path)
    onto_a_file = lienthong("contracts", "export", "a-file", cwd=tmp_path)

    assert nothing.returncode == 2 and "export DIR" in nothing.stderr
    assert onto_a_file.returncode == 2 and "not a directory" in onto_a_file.stderr


async def test_the_gateway_serves_the_document_and_a_page_to_read(
    system: InProcessSystem,
) -> None:
    async with client_of(system.services["gateway"]) as client:
        document = (await client.get("/asyncapi.json")).json()
        page = await client.get("/asyncapi")

    assert document["asyncapi"] == "3.0.0"
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for spec in CATALOGUE:
        assert spec.type in page.text
