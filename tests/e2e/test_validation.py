"""Bad input gets a 4xx with field-level reasons and creates nothing."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from tests.e2e.helpers import RunningSystem, birth_form, counts

pytestmark = pytest.mark.e2e


async def test_refused_forms_reach_no_agency(
    system: RunningSystem, gateway: httpx.AsyncClient
) -> None:
    """Every 422 case is proved in-process (tests/integration/test_gateway_validation.py);
    here, on the real system, a structural and a door refusal leave every agency untouched."""
    structural = birth_form()
    del structural["mother"]
    door = birth_form()
    door["residence"]["commune_code"] = "99999"
    before = counts(system)
    for form, loc in ((structural, ["body", "mother"]), (door, ["body", "residence"])):
        response = await gateway.post("/api/v1/dossiers", json=form)
        assert response.status_code == 422, response.text
        assert any(e["loc"][:2] == loc for e in response.json()["detail"])
    assert counts(system) == before


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
