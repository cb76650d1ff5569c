"""Mixed load for chaos runs: births of the shipped example's mother, deaths of living citizens.

Every form is valid and distinct (a birth gets a child name never used in the run, a death a
citizen nobody else in the run declared dead), so every dossier must end ``completed`` or
``rejected`` for a reason of the domain: anything else is something the fault broke.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example(name: str) -> dict[str, Any]:
    """A shipped example form (``examples/<name>.json``)."""
    loaded: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text("utf-8"))
    return loaded


def birth_form(run: str, n: int) -> dict[str, Any]:
    """The shipped birth example with a child name unique to this run."""
    form = example("birth")
    form["child"]["given_name"] = f"An {run} {n}"
    return form


def death_form(citizen: dict[str, Any], died: date) -> dict[str, Any]:
    """Form 02 for a citizen as the population database knows them."""
    form = example("death-pensioner")
    form["deceased"] = {
        key: citizen[key] for key in ("full_name", "date_of_birth", "sex", "personal_id")
    }
    form["date_of_death"] = died.isoformat()
    form["death_notice"]["issued_on"] = died.isoformat()
    form["place_of_death"]["commune_code"] = citizen["commune_code"] or "00070"
    return form


async def living_citizens(
    population_url: str, how_many: int, skip: int = 0
) -> list[dict[str, Any]]:
    """Living citizens who head no household, ``skip`` past the first (one set per run)."""
    async with httpx.AsyncClient(base_url=population_url, trust_env=False, timeout=30) as client:
        params: dict[str, Any] = {"alive": "true", "household_head": "false", "limit": 500}
        found: list[dict[str, Any]] = []
        offset = 0
        while len(found) < skip + how_many:
            page = (
                await client.get("/api/v1/citizens", params={**params, "offset": offset})
            ).json()
            items = page["items"]
            if not items:
                break
            found += items
            offset += len(items)
    return found[skip : skip + how_many]


@dataclass
class Tally:
    """Dossiers by status, from the gateway's counters (``/api/v1/stats``)."""

    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def final(self) -> int:
        return self.by_status.get("completed", 0) + self.by_status.get("rejected", 0)

    def get(self, status: str) -> int:
        return self.by_status.get(status, 0)


async def tally(gateway: httpx.AsyncClient) -> Tally:
    """Every dossier the gateway holds, by status, both flows."""
    stats = (await gateway.get("/api/v1/stats")).json()
    by_status: dict[str, int] = {}
    for flow in stats["flows"].values():
        for status, n in flow["dossiers"].items():
            if status != "total":
                by_status[status] = by_status.get(status, 0) + n
    return Tally(by_status)


async def submit_all(
    gateway: httpx.AsyncClient, forms: list[dict[str, Any]], concurrency: int = 16
) -> list[str]:
    """POST every form once; the accepted dossier ids, in no particular order.

    Each form carries an ``Idempotency-Key``, so a POST cut off by a gateway that died (or a 503
    of an overloaded portal, after its ``Retry-After``) is sent again without creating a second
    dossier: the gateway answers the same id.
    """
    queue: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()
    for n, form in enumerate(forms):
        queue.put_nowait((n, form))
    ids: dict[int, str] = {}

    async def worker() -> None:
        while not queue.empty():
            n, form = queue.get_nowait()
            digest = hashlib.sha256(json.dumps(form, sort_keys=True).encode()).hexdigest()
            headers = {"Idempotency-Key": f"chaos-{digest[:32]}"}
            for _ in range(600):
                try:
                    response = await gateway.post("/api/v1/dossiers", json=form, headers=headers)
                except httpx.TransportError:
                    await asyncio.sleep(0.5)
                    continue
                if response.status_code not in (502, 503, 504):
                    break
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            response.raise_for_status()
            ids[n] = response.json()["dossier_id"]

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return [ids[n] for n in sorted(ids)]


async def drain(
    gateway: httpx.AsyncClient, expected: int, timeout_s: float, *, failed_ends: bool = True
) -> tuple[Tally, float]:
    """Wait until ``expected`` dossiers are final (or failed, when ``failed_ends``); the tally
    and the seconds it took."""
    started = time.monotonic()
    current = await tally(gateway)
    while time.monotonic() - started < timeout_s:
        current = await tally(gateway)
        if current.final + (current.get("failed") if failed_ends else 0) >= expected:
            break
        await asyncio.sleep(0.25)
    return current, time.monotonic() - started


def recent_death_day(today: date) -> date:
    """A death two days before ``today``: inside every registration limit."""
    return today - timedelta(days=2)
