"""The civil registry's view of the population database: one HTTP lookup per batch, and the
numbering of the newborns it registers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

import httpx
from pydantic import BaseModel

from lienthong.contracts.newborns import NewbornNumbers, NewbornNumbersIssued, NewbornRequest
from lienthong.domain.personal_id import Sex
from lienthong.runtime.policy import AgencyUnavailable, TransientError


class PersonRecord(BaseModel):
    """The fields of a citizen the civil registry compares with a declaration."""

    personal_id: str
    full_name: str
    date_of_birth: date
    sex: Sex
    alive: bool
    date_of_death: date | None = None
    commune_code: str | None = None


class PopulationLookup(Protocol):
    """What the civil registry asks the population database: who these people are."""

    async def lookup(self, personal_ids: list[str]) -> dict[str, PersonRecord]:
        """Every known person among ``personal_ids``, by ID number."""

    async def number_newborns(self, births: list[NewbornRequest]) -> dict[str, str] | None:
        """Each birth's personal ID number by dossier id, issued by the population database
        (the same again for a dossier asked before); None when it does not number at
        registration (then it numbers the child at residence)."""

    async def close(self) -> None:
        """Release connections."""


class PopulationClient:
    """Asks the population service; connection problems and 5xx are :class:`TransientError`.

    Every call carries the civil registry's own key (*headers*) when credentials are on. A
    refused key (401/403) is a deployment's mistake, not the dossier's: transient too, so the
    messages wait in retries, then as dead letters to redrive once the keys are put right.
    """

    def __init__(
        self,
        base_url: str,
        timeout_s: float,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``transport`` replaces the network (tests answer from a function)."""
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout_s, headers=headers, transport=transport
        )

    async def lookup(self, personal_ids: list[str]) -> dict[str, PersonRecord]:
        """Every known person among ``personal_ids``, by ID number."""
        found: dict[str, PersonRecord] = {}
        unique = list(dict.fromkeys(personal_ids))
        for start in range(0, len(unique), 1000):
            chunk = unique[start : start + 1000]
            response = await self._post("/api/v1/citizens/lookup", {"personal_ids": chunk})
            response.raise_for_status()
            for item in response.json()["found"]:
                person = PersonRecord.model_validate(item)
                found[person.personal_id] = person
        return found

    async def number_newborns(self, births: list[NewbornRequest]) -> dict[str, str] | None:
        """Each birth's personal ID number by dossier id; None from a population service
        without the route (404/405: an external implementation that numbers at residence)."""
        body = NewbornNumbers(births=births).model_dump(mode="json")
        response = await self._post("/api/v1/citizens/newborns", body)
        if response.status_code in (404, 405):
            return None
        response.raise_for_status()
        issued = NewbornNumbersIssued.model_validate(response.json())
        return {item.dossier_id: item.personal_id for item in issued.issued}

    async def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST to population; what is worth retrying raises :class:`TransientError`."""
        try:
            response = await self._client.post(path, json=body)
        except httpx.HTTPError as error:
            raise TransientError(f"population unreachable: {error!r}") from error
        if response.status_code == 503:
            raise AgencyUnavailable(f"population is not connected: {response.text[:200]}")
        if response.status_code >= 500:
            raise TransientError(f"population answered {response.status_code}")
        if response.status_code in (401, 403):
            raise TransientError(
                f"population refused the civil registry's key (HTTP {response.status_code}):"
                " check API_KEYS / API_KEYS_FILE"
            )
        return response

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
