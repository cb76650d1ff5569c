"""Bad input gets a 4xx with field-level reasons and creates nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from tests.e2e.helpers import RunningSystem, birth_form, counts

pytestmark = pytest.mark.e2e


def _set(form: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *parents, last = path.split(".")
    target = form
    for part in parents:
        target = target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return form


_DELETE = object()

CASES = [
    ("mother.personal_id", "00119367149", ["body", "mother", "personal_id"], "12 digits"),
    # Digit 4 = 0: a man born in the 1900s, but the mother is a woman.
    ("mother.personal_id", "001093671493", ["body", "mother", "personal_id"], "female"),
    # Digits 5-6 = 88: born 1988, but the declared date of birth is 1993.
    ("mother.personal_id", "001188671493", ["body", "mother", "personal_id"], "1993"),
    ("child.date_of_birth", "2999-01-01", ["body", "child", "date_of_birth"], "future"),
    ("residence.commune_code", "99999", ["body", "residence", "commune_code"], "commune"),
    ("child.hometown_province_code", "99", ["body", "child", "hometown_province_code"], "province"),
    ("mother", _DELETE, ["body", "mother"], "required"),
    ("child.sex", "unknown", ["body", "child", "sex"], "male"),
    (
        "residence.household_head_consent",
        False,
        ["body", "residence", "household_head_consent"],
        "agree",
    ),
]


@pytest.mark.parametrize(("path", "value", "loc", "words"), CASES)
async def test_invalid_dossier_gets_field_level_422(
    system: RunningSystem,
    gateway: httpx.AsyncClient,
    path: str,
    value: Any,
    loc: list[str],
    words: str,
) -> None:
    before = counts(system)["dossiers"]

    response = await gateway.post("/api/v1/dossiers", json=_set(birth_form(), path, value))

    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    matching = [e for e in errors if e["loc"][: len(loc)] == loc]
    assert matching, errors
    assert any(words.lower() in e["msg"].lower() for e in matching), matching
    assert counts(system)["dossiers"] == before


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'"text"', b'{"kind": 5}', b'{"kind": "marriage"}', b"{}", b"null"],
)
async def test_garbage_bodies_are_4xx_never_5xx(gateway: httpx.AsyncClient, body: bytes) -> None:
    response = await gateway.post(
        "/api/v1/dossiers", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 422, response.text
    assert response.json()["detail"]


async def test_unknown_dossier_is_404(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get("/api/v1/dossiers/no-such-dossier")).status_code == 404


async def test_population_rejects_malformed_personal_id(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.urls["population"]) as client:
        malformed = await client.get("/api/v1/citizens/12345")
        unknown = await client.get("/api/v1/citizens/001193000000")
        bad_filter = await client.get("/api/v1/citizens", params={"min_age": 30, "max_age": 20})

    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["path", "personal_id"]
    assert unknown.status_code == 404
    assert bad_filter.status_code == 422


async def test_citizen_search_filters(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.urls["population"]) as client:
        response = await client.get(
            "/api/v1/citizens",
            params={
                "sex": "female",
                "min_age": 20,
                "max_age": 35,
                "alive": "true",
                "province_code": "01",
                "limit": 100,
            },
        )
    page = response.json()
    assert response.status_code == 200
    assert page["total"] >= len(page["items"]) > 0
    for person in page["items"]:
        assert person["sex"] == "female"
        assert person["alive"] is True
        assert person["province_code"] == "01"
        # Aged 20 to 35 today: born between 36 years ago and 20 years ago.
        born = int(person["date_of_birth"][:4])
        assert date.today().year - 36 <= born <= date.today().year - 20


async def test_every_service_serves_openapi_docs(system: RunningSystem) -> None:
    for url in system.urls.values():
        async with httpx.AsyncClient(base_url=url) as client:
            assert (await client.get("/docs")).status_code == 200
            assert (await client.get("/openapi.json")).status_code == 200


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("gateway", "/api/v1/dossiers"),
        ("civil_registry", "/api/v1/births"),
        ("civil_registry", "/api/v1/deaths"),
        ("population", "/api/v1/citizens"),
    ],
)
async def test_huge_page_offsets_are_refused_not_overflowed(
    system: RunningSystem, service: str, path: str
) -> None:
    async with httpx.AsyncClient(base_url=system.urls[service]) as client:
        response = await client.get(path, params={"offset": 11096107539382208512})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "offset"]


async def test_the_reason_catalogue_is_published(gateway: httpx.AsyncClient) -> None:
    everything = (await gateway.get("/api/v1/reasons")).json()
    insurance = (await gateway.get("/api/v1/reasons", params={"agency": "insurance"})).json()

    by_code = {entry["code"]: entry for entry in everything}
    assert by_code["mother_not_found"]["agency"] == "civil_registry"
    assert by_code["mother_not_found"]["message_vi"]
    assert {entry["agency"] for entry in insurance} == {"insurance"}
    assert {"not_insured", "insufficient_contributions"} <= {e["code"] for e in insurance}
    assert (await gateway.get("/api/v1/reasons", params={"agency": "tax"})).status_code == 422
