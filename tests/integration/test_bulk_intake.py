"""Bulk intake: a batch answered item by item in one transaction, and single POSTs grouped.

Every expectation comes from the request built here: which items are valid, which keys repeat,
how many dossiers (three agency steps and one event each) that must make.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlmodel import col, select

from lienthong.contracts.forms import BirthDossier
from lienthong.runtime.service import Service
from lienthong.runtime.tables import OutboxMessage
from services.gateway import dossier_writes
from services.gateway.handlers import Tracker
from services.gateway.intake import Intake, committer_for, prepare, write_group
from services.gateway.models import Dossier, DossierStep
from services.gateway.overload import TokenBucket, guard_for
from tests.integration.conftest import NOW, frozen_clock
from tests.integration.helpers import DOSSIERS, count, load_example, standalone_gateway, submit

BATCH = f"{DOSSIERS}/batch"
STEPS_PER_DOSSIER = 3  # civil registry, population, insurance: for births and deaths alike

Gateway = tuple[Service, httpx.AsyncClient]


@pytest_asyncio.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    """A gateway alone, at NOW (Monday 16/11/2026 09:30 in Vietnam), with the run seed 7."""
    async with standalone_gateway(tmp_path, frozen_clock(NOW)) as started:
        yield started


def birth(given_name: str = "An", **changes: Any) -> dict[str, Any]:
    """The shipped birth example with the child named ``given_name``; ``changes`` on top."""
    form = load_example("birth")
    form["child"]["given_name"] = given_name
    return {**form, **changes}


def item(form: Any, key: str | None = None) -> dict[str, Any]:
    return {"form": form} if key is None else {"form": form, "idempotency_key": key}


async def post_batch(client: httpx.AsyncClient, items: Sequence[Any]) -> list[dict[str, Any]]:
    """POST a batch; check it was answered 200, one result per item in order; the results."""
    response = await client.post(BATCH, json={"dossiers": list(items)})
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert [r["index"] for r in results] == list(range(len(items)))
    return results


async def written(service: Service) -> tuple[int, int, int]:
    """Dossiers, steps and outbox events the gateway holds."""
    return (
        await count(service.db, Dossier),
        await count(service.db, DossierStep),
        await count(service.db, OutboxMessage),
    )


async def event_subjects(service: Service) -> list[str]:
    async with service.db.read_session() as session:
        return list((await session.exec(select(OutboxMessage.key))).all())


async def test_a_mixed_batch_answers_each_item_and_creates_only_the_valid_ones(
    gateway: Gateway,
) -> None:
    service, client = gateway
    not_a_date = birth("Chi")
    not_a_date["child"]["date_of_birth"] = "not-a-date"
    tomorrow = birth("Dung")
    tomorrow["child"]["date_of_birth"] = "2026-11-17"  # the simulated clock is at 16/11/2026
    no_kind = birth("Giang")
    del no_kind["kind"]
    items = [
        item(birth("An")),
        item(not_a_date),
        item(birth("Bình"), key="k-2"),
        item(tomorrow),
        "not an item",
        item(load_example("death-pensioner")),
        item(no_kind),
        {"form": birth("Hà"), "idempotency_key": "x" * 201},
    ]

    results = await post_batch(client, items)

    assert [r["status"] for r in results] == [
        "accepted",
        "invalid",
        "accepted",
        "invalid",
        "invalid",
        "accepted",
        "invalid",
        "invalid",
    ]
    locs = {r["index"]: [e["loc"] for e in r["errors"]] for r in results if r["errors"]}
    assert locs[1] == [["dossiers", 1, "form", "child", "date_of_birth"]]
    assert locs[3] == [["dossiers", 3, "form", "child", "date_of_birth"]]
    assert "future" in results[3]["errors"][0]["msg"]
    assert locs[4] == [["dossiers", 4]]
    assert locs[6] == [["dossiers", 6, "form"]]
    assert locs[7] == [["dossiers", 7, "idempotency_key"]]
    accepted = [r["dossier_id"] for r in results if r["status"] == "accepted"]
    assert all(r["dossier_id"] is None for r in results if r["status"] == "invalid")
    assert len(set(accepted)) == 3
    assert await written(service) == (3, 3 * STEPS_PER_DOSSIER, 3)
    assert sorted(await event_subjects(service)) == sorted(accepted)
    for dossier_id, kind in zip(accepted, ("birth", "birth", "death"), strict=True):
        view = (await client.get(f"{DOSSIERS}/{dossier_id}")).json()
        assert (view["kind"], view["status"], len(view["steps"])) == (kind, "submitted", 3)


async def test_resubmitting_a_batch_creates_nothing_new(gateway: Gateway) -> None:
    service, client = gateway
    items = [item(birth(f"Con {n}"), key=f"replay-{n}") for n in range(5)]
    items.append(item(birth("Khoa", reference="HS-2026-000042")))  # its reference is its key

    first = await post_batch(client, items)
    again = await post_batch(client, items)

    assert [r["status"] for r in first] == ["accepted"] * 6
    assert [r["status"] for r in again] == ["existing"] * 6
    assert [r["dossier_id"] for r in again] == [r["dossier_id"] for r in first]
    assert await written(service) == (6, 6 * STEPS_PER_DOSSIER, 6)


async def test_a_key_reused_for_another_form_is_a_conflict(gateway: Gateway) -> None:
    service, client = gateway
    earlier = await submit(client, birth("An"), **{"Idempotency-Key": "k-1"})

    results = await post_batch(
        client,
        [
            item(birth("Bình"), key="k-1"),  # taken by another form before the batch
            item(birth("An"), key="k-1"),  # the same form: the same dossier
            item(birth("Chi"), key="k-2"),
            item(birth("Dung"), key="k-2"),  # taken by the item before it
            item(birth("Chi"), key="k-2"),  # the same as the item two before
        ],
    )

    assert [r["status"] for r in results] == [
        "conflict",
        "existing",
        "accepted",
        "conflict",
        "existing",
    ]
    assert results[1]["dossier_id"] == earlier
    assert results[4]["dossier_id"] == results[2]["dossier_id"]
    for conflict in (results[0], results[3]):
        assert conflict["dossier_id"] is None
        (error,) = conflict["errors"]
        assert error["type"] == "idempotency_conflict"
        assert error["loc"] == ["dossiers", conflict["index"], "idempotency_key"]
    assert await written(service) == (2, 2 * STEPS_PER_DOSSIER, 2)


async def test_a_batch_gives_the_ids_the_same_posts_one_by_one_would(tmp_path: Path) -> None:
    forms = [
        item(birth("An"), key="k-1"),
        item(birth("An")),
        item(birth("An")),
        item(birth("Bình")),
        item(birth("An")),
    ]
    async with standalone_gateway(tmp_path / "batch", frozen_clock(NOW)) as (_, client):
        batched = [r["dossier_id"] for r in await post_batch(client, forms)]
    async with standalone_gateway(tmp_path / "single", frozen_clock(NOW)) as (_, client):
        one_by_one = [
            await submit(client, f["form"], **({"Idempotency-Key": f["idempotency_key"]}))
            if "idempotency_key" in f
            else await submit(client, f["form"])
            for f in forms
        ]

    assert batched == one_by_one
    assert len(set(batched)) == 5


async def test_more_than_a_thousand_items_are_refused_whole(gateway: Gateway) -> None:
    service, client = gateway

    too_many = await client.post(BATCH, json={"dossiers": [item(birth())] * 1001})
    none = await client.post(BATCH, json={"dossiers": []})

    for response in (too_many, none):
        assert response.status_code == 422, response.text
        (error,) = response.json()["detail"]
        assert error["loc"] == ["body", "dossiers"]
    assert "1000" in too_many.json()["detail"][0]["msg"]
    assert await written(service) == (0, 0, 0)


async def test_concurrent_single_posts_are_committed_together(gateway: Gateway) -> None:
    service, client = gateway

    answers = await asyncio.gather(
        *(client.post(DOSSIERS, json=birth(f"Con {n}")) for n in range(50))
    )

    assert [a.status_code for a in answers] == [202] * 50
    assert len({a.json()["dossier_id"] for a in answers}) == 50
    assert await written(service) == (50, 50 * STEPS_PER_DOSSIER, 50)
    committer = committer_for(service.db)
    assert committer.items == 50
    assert committer.groups < 50  # some were written together


async def test_identical_keyless_forms_at_once_get_the_ids_of_one_after_the_other(
    tmp_path: Path,
) -> None:
    async with standalone_gateway(tmp_path / "burst", frozen_clock(NOW)) as (service, client):
        answers = await asyncio.gather(*(client.post(DOSSIERS, json=birth()) for _ in range(20)))
        assert await written(service) == (20, 20 * STEPS_PER_DOSSIER, 20)
    async with standalone_gateway(tmp_path / "serial", frozen_clock(NOW)) as (_, client):
        serial = [await submit(client, birth()) for _ in range(20)]

    assert [a.status_code for a in answers] == [202] * 20
    assert {a.json()["dossier_id"] for a in answers} == set(serial)
    assert len(set(serial)) == 20


async def test_an_overloaded_portal_refuses_the_items_beyond_its_limit(gateway: Gateway) -> None:
    service, client = gateway
    guard_for(service.faults).bucket = TokenBucket(lambda: 100.0)  # no token comes back
    response = await client.put("/admin/faults/overload", json={"limit": 2})
    assert response.status_code == 200, response.text

    answer = await client.post(
        BATCH, json={"dossiers": [item(birth(f"Con {n}"), key=f"k-{n}") for n in range(4)]}
    )

    assert answer.status_code == 200, answer.text
    statuses = [r["status"] for r in answer.json()["results"]]
    assert statuses == ["accepted", "accepted", "overloaded", "overloaded"]
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.json()["results"][2]["errors"][0]["type"] == "overload"
    assert await written(service) == (2, 2 * STEPS_PER_DOSSIER, 2)


def forgetting(forget: str, *, only_in_groups: bool) -> Any:
    """``_known_keys`` blind to ``forget``: a concurrent writer took it after our read."""
    known_keys = dossier_writes._known_keys

    async def stale(session: Any, items: Sequence[Any]) -> dict[str, tuple[str, str, str]]:
        found = await known_keys(session, items)
        if len(items) > 1 or not only_in_groups:
            found.pop(forget, None)
        return found

    return stale


@pytest.mark.parametrize("race_ends", [True, False])
async def test_a_group_that_lost_a_race_is_written_one_by_one(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, race_ends: bool
) -> None:
    service, client = gateway
    taken = await submit(client, birth("An"), **{"Idempotency-Key": "taken"})
    monkeypatch.setattr(
        dossier_writes, "_known_keys", forgetting("taken", only_in_groups=race_ends)
    )
    assert isinstance(service.handlers, Tracker)
    forms = [(birth("Bình"), None), (birth("An"), "taken"), (birth("Chi"), "k-3")]
    group = [prepare(service, BirthDossier.model_validate(f), key) for f, key in forms]

    answers = await write_group(service, service.handlers.policy, group)

    first, racing, last = answers
    assert isinstance(first, Intake) and first.created
    assert isinstance(last, Intake) and last.created
    if race_ends:  # alone, the member finds the dossier the other writer made
        assert racing == Intake(taken, "submitted", created=False)
    else:  # it never stops losing: it fails alone
        assert isinstance(racing, RuntimeError)
    assert await written(service) == (3, 3 * STEPS_PER_DOSSIER, 3)
    async with service.db.read_session() as session:
        keys = (
            await session.exec(
                select(Dossier.idempotency_key).where(col(Dossier.idempotency_key).is_not(None))
            )
        ).all()
    assert sorted(key for key in keys if key is not None) == ["k-3", "taken"]


async def test_one_member_that_cannot_be_written_fails_alone(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, _ = gateway
    real_event = dossier_writes.submitted_event

    def broken_for_binh(source: str, form: Any, *args: Any, **kwargs: Any) -> Any:
        if form.child.given_name == "Bình":
            raise ValueError("this member's event cannot be built")
        return real_event(source, form, *args, **kwargs)

    monkeypatch.setattr(dossier_writes, "submitted_event", broken_for_binh)
    assert isinstance(service.handlers, Tracker)
    forms = [birth("An"), birth("Bình"), birth("Chi")]
    group = [prepare(service, BirthDossier.model_validate(f), None) for f in forms]

    first, broken, last = await write_group(service, service.handlers.policy, group)

    assert isinstance(first, Intake) and first.created
    assert isinstance(broken, ValueError)
    assert isinstance(last, Intake) and last.created
    assert await written(service) == (2, 2 * STEPS_PER_DOSSIER, 2)
