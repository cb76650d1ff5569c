"""The endpoints replay and record stand on: many dossiers at once, the forms taken in a window,
and BHXH's search of insured persons — on real SQLite, in process."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from lienthong.runtime.clock import SimClock
from tests.integration.conftest import NOW, InProcessSystem, frozen_clock
from tests.integration.helpers import DOSSIERS, client_of, load_example, standalone_gateway


def _birth(name: str) -> dict[str, object]:
    form = load_example("birth")
    form["child"]["given_name"] = name
    return form


async def test_lookup_answers_many_dossiers_in_the_order_asked(tmp_path: Path) -> None:
    async with standalone_gateway(tmp_path, frozen_clock()) as (_, client):
        ids = []
        for name in ("An", "Bình", "Chi"):
            response = await client.post(DOSSIERS, json=_birth(name))
            ids.append(response.json()["dossier_id"])
        asked = [ids[2], "no-such-dossier", ids[0]]
        response = await client.post(f"{DOSSIERS}/lookup", json={"dossier_ids": asked})
        assert response.status_code == 200
        body = response.json()
        assert [d["dossier_id"] for d in body["found"]] == [ids[2], ids[0]]
        assert body["missing"] == ["no-such-dossier"]
        assert [s["agency"] for s in body["found"][0]["steps"]] == [
            "civil_registry",
            "population",
            "insurance",
        ]
        too_many = {"dossier_ids": [f"d{i}" for i in range(1001)]}
        refused = await client.post(f"{DOSSIERS}/lookup", json=too_many)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"][-1] == "dossier_ids"


async def test_submissions_list_the_forms_of_a_window_oldest_first(tmp_path: Path) -> None:
    moving = SimClock(speed=1.0, start=NOW, anchor_real=time.time())  # submissions ms apart
    async with standalone_gateway(tmp_path, moving) as (_, client):
        twice = _birth("Dung")
        await client.post(DOSSIERS, json=twice)
        await client.post(DOSSIERS, json=twice)
        await client.post(DOSSIERS, json=_birth("Giang"), headers={"Idempotency-Key": "k-1"})
        since = (NOW - timedelta(minutes=1)).isoformat()
        page = (await client.get("/admin/submissions", params={"since": since})).json()
        items = page["items"]
        assert [i["form"]["child"]["given_name"] for i in items] == ["Dung", "Dung", "Giang"]
        assert [i["keyed"] for i in items] == [False, False, True]
        assert items[0]["request_hash"] == items[1]["request_hash"] != items[2]["request_hash"]
        assert page["more"] is False
        first = (await client.get("/admin/submissions", params={"limit": 2})).json()
        assert len(first["items"]) == 2 and first["more"] is True
        later = (NOW + timedelta(minutes=1)).isoformat()
        assert (await client.get("/admin/submissions", params={"since": later})).json()[
            "items"
        ] == []


async def test_insured_persons_can_be_found_by_what_decides_the_funeral_benefit(
    system: InProcessSystem,
) -> None:
    async with client_of(system.services["insurance"]) as client:
        pensioners = await client.get("/api/v1/insured-persons", params={"pensioner": "true"})
        assert pensioners.status_code == 200
        assert pensioners.json() and all(p["pensioner"] for p in pensioners.json())
        workers = await client.get(
            "/api/v1/insured-persons",
            params={"pensioner": "false", "min_compulsory_months": 12, "limit": 1000},
        )
        assert workers.json()
        assert all(not p["pensioner"] and p["compulsory_months"] >= 12 for p in workers.json())
        short = await client.get(
            "/api/v1/insured-persons",
            params={"max_compulsory_months": 11, "max_voluntary_months": 59, "limit": 1000},
        )
        assert all(
            p["compulsory_months"] <= 11 and p["voluntary_months"] <= 59 for p in short.json()
        )
        refused = await client.get("/api/v1/insured-persons", params={"min_compulsory_months": -1})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["query", "min_compulsory_months"]
