"""The running sandbox as a scenario sees it: its clock, its portal, its faults, its dossiers.

Every HTTP call ``replay`` makes goes through here, so "unreachable" and "refused" are decided
in one place: a transport error or a 5xx other than the overload's 503 is :class:`Unreachable`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import httpx

from lienthong.cli.http import Unreachable
from lienthong.contracts.services import GATEWAY
from lienthong.runtime.credentials import bearer

__all__ = ["Answer", "SandboxApi", "Unreachable"]

_LOOKUP_CHUNK: Final = 1000


@dataclass(frozen=True)
class Answer:
    """The portal's answer to one submission."""

    status: int
    body: Any
    retry_after_s: float = 0.0


class SandboxApi:
    """Async HTTP calls on the four services of one running sandbox."""

    def __init__(
        self, urls: Mapping[str, str], timeout_s: float = 30.0, *, api_key: str | None = None
    ) -> None:
        """*api_key* goes with every call (the admin's: replay sets faults and reads people)."""
        self.urls = dict(urls)
        self.headers = bearer(api_key)
        self._client = httpx.AsyncClient(
            trust_env=False,
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
            headers=self.headers,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def _call(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{self.urls[service]}{path}"
        try:
            response = await self._client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise Unreachable(f"{method} {url}: {type(error).__name__} {error}") from error
        if response.status_code >= 500 and response.status_code != 503:
            raise Unreachable(f"{method} {url}: HTTP {response.status_code} {response.text[:300]}")
        return response

    async def _json(self, method: str, service: str, path: str, **kwargs: Any) -> Any:
        response = await self._call(method, service, path, **kwargs)
        if response.status_code >= 400:
            raise Unreachable(
                f"{method} {service}{path}: HTTP {response.status_code} {response.text[:300]}"
            )
        return response.json()

    async def get(self, service: str, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET a service's JSON; anything but 2xx is :class:`Unreachable` (with the answer)."""
        return await self._json("GET", service, path, params=params)

    async def get_or_none(self, service: str, path: str) -> Any:
        """GET a service's JSON; None when it answers 404."""
        response = await self._call("GET", service, path)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise Unreachable(f"GET {service}{path}: HTTP {response.status_code}")
        return response.json()

    async def clock(self) -> tuple[datetime, float]:
        """The simulated now and clock speed, as the gateway's ``/health`` shows them."""
        response = await self._call("GET", GATEWAY, "/health")
        clock = response.json()["clock"]
        return datetime.fromisoformat(clock["now"]), float(clock["speed"])

    async def dossier_total(self) -> int:
        """How many dossiers the gateway holds (both flows)."""
        stats = await self._json("GET", GATEWAY, "/api/v1/stats")
        return sum(int(flow["dossiers"].get("total", 0)) for flow in stats["flows"].values())

    async def set_fault(self, service: str, kind: str, setting: dict[str, Any]) -> None:
        """``PUT /admin/faults/{kind}``; a refused setting is a scenario mistake."""
        response = await self._call("PUT", service, f"/admin/faults/{kind}", json=setting)
        if response.status_code >= 400:
            raise ValueError(f"{service} refused fault {kind}: {response.text[:300]}")

    async def clear_fault(self, service: str, kind: str) -> None:
        """``DELETE /admin/faults/{kind}`` (already off is fine)."""
        await self._call("DELETE", service, f"/admin/faults/{kind}")

    async def dead_letters(self, since: datetime) -> dict[str, int]:
        """Failures the gateway recorded since ``since`` (simulated), by error kind: each
        failing message counts once, however often it was redelivered."""
        counts: dict[str, int] = {}
        offset = 0
        while True:
            params = {"status": "all", "since": since.isoformat(), "limit": 1000, "offset": offset}
            page = await self._json("GET", GATEWAY, "/api/v1/failures", params=params)
            for item in page["items"]:
                if datetime.fromisoformat(item["first_failed_at"]) >= since:
                    counts[item["error_kind"]] = counts.get(item["error_kind"], 0) + 1
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                break
        counts["total"] = sum(counts.values())
        return counts

    async def submit(self, form: dict[str, Any], key: str | None) -> Answer:
        """One ``POST /api/v1/dossiers``; 503 answers carry their ``Retry-After``."""
        headers = {"Idempotency-Key": key} if key else {}
        response = await self._call("POST", GATEWAY, "/api/v1/dossiers", json=form, headers=headers)
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        retry = float(response.headers.get("retry-after", "1") or 1)
        return Answer(response.status_code, body, retry)

    async def dossiers(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Every dossier of ``ids`` as the gateway shows it, fetched a thousand at a time."""
        chunks = [ids[i : i + _LOOKUP_CHUNK] for i in range(0, len(ids), _LOOKUP_CHUNK)]
        pages = await asyncio.gather(
            *(
                self._json("POST", GATEWAY, "/api/v1/dossiers/lookup", json={"dossier_ids": c})
                for c in chunks
            )
        )
        return {view["dossier_id"]: view for page in pages for view in page["found"]}
