"""What a refused request leaves behind: a 413 before the body is read, no personal data logged.

The services run in-process with credentials on and the default ``MAX_BODY_BYTES``: a body over
it is refused whether it declares its length or streams it, before anything parses it; the
gateway's largest batch (1000 forms) is well under it. A refused call that
carries a personal ID number and a name — in its path, its query, its body — leaves a log
line naming the route by its template, and neither the number nor the name in clear.
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pydantic import TypeAdapter

from lienthong.contracts.forms import DossierForm
from lienthong.runtime.logs import configure_logging
from lienthong.runtime.settings import ServiceSettings
from services.gateway.batch_models import MAX_BATCH
from tests.helpers import load_example
from tests.integration.auth_system import KEYS, auth_system

LIMIT = ServiceSettings.model_fields["max_body_bytes"].default
PERSONAL_ID = "001234567890"
NAME = "Nguyễn Văn An"


@pytest_asyncio.fixture(scope="module")
async def clients(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    async with auth_system(tmp_path_factory.mktemp("refusals")) as started:
        yield started


def key(principal: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[principal]}"}


def _too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body"] and problem["type"] == "too_large"
    assert str(LIMIT) in problem["msg"]


@pytest.mark.parametrize(
    ("service", "method", "path"),
    [
        ("gateway", "POST", "/api/v1/dossiers/batch"),
        ("population", "POST", "/api/v1/citizens/lookup"),
        ("civil_registry", "PUT", "/admin/faults/sync_error"),
        ("insurance", "PUT", "/admin/faults/sync_error"),
    ],
)
async def test_a_declared_length_over_the_limit_is_413_without_a_byte_read(
    clients: dict[str, httpx.AsyncClient], service: str, method: str, path: str
) -> None:
    client, body = clients[service], b"[" + b" " * LIMIT + b"]"
    json = {"content-type": "application/json"}

    _too_large(await client.request(method, path, content=body, headers={**json, **key("admin")}))
    # Without a key the credentials are refused first: a stranger's body is not even counted.
    refused = await client.request(method, path, content=body, headers=json)
    assert refused.status_code == 401


async def test_a_streamed_body_is_cut_off_at_the_limit(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    chunk = b" " * (1 << 20)
    sent = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(LIMIT // len(chunk) + 2):
            sent += len(chunk)
            yield chunk

    response = await clients["population"].post(
        "/api/v1/citizens/lookup",
        content=stream(),
        headers={**key("admin"), "content-type": "application/json"},
    )

    _too_large(response)


def test_the_default_limit_fits_the_largest_batch_at_its_longest() -> None:
    """Every free text of a form at its maximum length, each character escaped (``\\uXXXX``),
    every code, date and address at the longest its pattern allows (an e-mail: 254)."""
    schema = TypeAdapter(DossierForm).json_schema()
    definitions = schema.get("$defs", {})

    def longest(node: dict[str, Any]) -> int:
        if "$ref" in node:
            return longest(definitions[node["$ref"].rsplit("/", 1)[-1]])
        choices = node.get("anyOf") or node.get("oneOf")
        if choices:
            return max(longest(choice) for choice in choices)
        if node.get("type") == "object":
            fields = node.get("properties", {})
            return 2 + sum(len(name) + 4 + longest(value) for name, value in fields.items())
        if node.get("type") == "array":
            return 2 + int(node.get("maxItems", 10)) * (longest(node["items"]) + 1)
        if "enum" in node or "const" in node:
            return 2 + max(len(str(value)) for value in node.get("enum", [node.get("const")]))
        if node.get("type") == "string" and "maxLength" in node:
            return 2 + 6 * int(node["maxLength"])
        if node.get("type") == "string":
            return 2 + (10 if node.get("format") == "date" else 254)
        return 24

    item = longest(schema) + len('{"form":,"idempotency_key":""}') + 6 * 200
    assert MAX_BATCH * (item + 1) + 16 < LIMIT


async def test_a_batch_of_a_thousand_forms_goes_through(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    form = load_example("birth")
    items = [{"form": form, "idempotency_key": f"limit-{n:04d}"} for n in range(MAX_BATCH)]

    response = await clients["gateway"].post(
        "/api/v1/dossiers/batch", json={"dossiers": items}, headers=key("client"), timeout=120
    )

    assert response.status_code == 200, response.text[:500]
    results = response.json()["results"]
    assert len(results) == MAX_BATCH and {item["status"] for item in results} == {"accepted"}


@pytest.fixture
def log_output() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """What a service logs (masked, as ``serve`` configures it) and, unmasked, what the
    credential check itself writes."""
    root = logging.getLogger()
    level = root.level
    masked = io.StringIO()
    handler = configure_logging("info", "text", access_log=False, stream=masked)
    raw = io.StringIO()
    raw_handler = logging.StreamHandler(raw)
    auth = logging.getLogger("lienthong.auth")
    auth.addHandler(raw_handler)
    try:
        yield masked, raw
    finally:
        auth.removeHandler(raw_handler)
        root.removeHandler(handler)
        root.setLevel(level)


async def test_refused_calls_leave_no_personal_id_or_name_in_the_log(
    clients: dict[str, httpx.AsyncClient], log_output: tuple[io.StringIO, io.StringIO]
) -> None:
    population, insurance = clients["population"], clients["insurance"]
    query = {"personal_id": PERSONAL_ID, "full_name": NAME}
    body = {"personal_ids": [PERSONAL_ID], "full_name": NAME}
    answers = [
        await population.get(f"/api/v1/citizens/{PERSONAL_ID}", params=query),
        await population.get(f"/api/v1/citizens/{PERSONAL_ID}", headers=key("client")),
        await population.post("/api/v1/citizens/lookup", json=body),
        await population.post("/api/v1/citizens/lookup", json=body, headers=key("gateway")),
        await insurance.get(
            f"/api/v1/funeral-benefits/{PERSONAL_ID}",
            headers={"X-API-Key": f"Nguyen Van An {PERSONAL_ID}"},
        ),
    ]

    assert [answer.status_code for answer in answers] == [401, 403, 401, 403, 401]
    masked, raw = (output.getvalue() for output in log_output)
    assert "refused GET /api/v1/citizens/{personal_id} (no key): HTTP 401" in raw
    assert "refused POST /api/v1/citizens/lookup (gateway): HTTP 403" in raw
    assert raw.count("refused") == len(answers)
    for text in (masked, raw, *(answer.text for answer in answers)):
        assert PERSONAL_ID not in text and PERSONAL_ID[:3] + "*" not in text
        assert NAME not in text and "Nguyễn" not in text and "Nguyen Van" not in text
