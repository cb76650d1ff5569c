"""The civil registry's HTTP client of the population database, against canned answers."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from lienthong.contracts.newborns import NewbornRequest
from lienthong.runtime.policy import AgencyUnavailable, TransientError
from services.civil_registry.population_client import PopulationClient

BIRTH = NewbornRequest(
    dossier_id="d-1",
    family_name="Trần",
    given_name="An",
    sex="male",
    date_of_birth=date(2026, 11, 10),
    birth_province_code="01",
    mother_personal_id="001195012345",
)


def _client(answer: httpx.Response) -> tuple[PopulationClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    client = PopulationClient("http://population", 1.0, transport=httpx.MockTransport(handle))
    return client, seen


async def test_numbers_come_back_by_dossier() -> None:
    answer = {
        "issued": [{"dossier_id": "d-1", "personal_id": "001226000001", "already_issued": False}]
    }
    client, seen = _client(httpx.Response(200, json=answer))
    assert await client.number_newborns([BIRTH]) == {"d-1": "001226000001"}
    assert seen[0].url.path == "/api/v1/citizens/newborns"


@pytest.mark.parametrize("status", [404, 405])
async def test_a_population_without_the_route_numbers_at_residence(status: int) -> None:
    client, _ = _client(httpx.Response(status))
    assert await client.number_newborns([BIRTH]) is None


@pytest.mark.parametrize(
    ("status", "error"),
    [(503, AgencyUnavailable), (500, TransientError), (401, TransientError), (403, TransientError)],
)
async def test_failures_worth_retrying_are_transient(
    status: int, error: type[TransientError]
) -> None:
    client, _ = _client(httpx.Response(status))
    with pytest.raises(error):
        await client.number_newborns([BIRTH])
