"""The gateway's failures (thư lỗi), in-process: dead letters become one row per failure, listed
and filtered through ``/api/v1/failures``, resolved by the agency's decision, bad filters 422.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from lienthong.contracts.civil_registry import BIRTH_REGISTERED
from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.gateway import BIRTH_DOSSIER_SUBMITTED
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, GATEWAY_EVENTS
from lienthong.runtime.dead_letters import dead_letter_event
from lienthong.runtime.service import Service
from tests.helpers import birth_registered
from tests.integration.conftest import InProcessSystem, open_system
from tests.integration.helpers import (
    FAIL_AT_ONCE,
    client_of,
    dead_lettered_birth,
    dossier_view,
    event_of,
    load_example,
    process,
    record_of,
    steps_by_agency,
    submit,
)

FAILURES = "/api/v1/failures"
VIETNAM = timezone(timedelta(hours=7))
T1 = datetime(2026, 11, 16, 10, 0, tzinfo=VIETNAM)
T2 = T1 + timedelta(hours=1)
T3 = T1 + timedelta(hours=2)
DEATH_REGISTERED = "vn.lienthong.civil_registry.death_registered.v1"

Gateway = tuple[Service, httpx.AsyncClient]


@pytest_asyncio.fixture
async def gateway(system: InProcessSystem) -> AsyncIterator[Gateway]:
    service = system.services["gateway"]
    async with client_of(service) as client:
        yield service, client


def letter(
    consumer: str,
    kind: str,
    key: str | None,
    *,
    event_id: str | None = None,
    event_type: str | None = None,
    value: bytes = b"\x00 not json",
    redrive: int = 0,
) -> DeadLettered:
    return DeadLettered(
        consumer=consumer,
        topic=GATEWAY_EVENTS,
        partition=0,
        offset=7,
        key=key,
        event_id=event_id,
        event_type=event_type,
        error_kind=kind,
        error=f"{kind} at {consumer}",
        value=value.decode(errors="replace"),
        value_base64=base64.b64encode(value).decode(),
        redrive=redrive,
    )


async def dead_letter(service: Service, failed: DeadLettered, at: datetime) -> None:
    """Hand one dead letter, published at ``at`` as its consumer would, to the gateway."""
    outcome = await process(service, [record_of(dead_letter_event(failed, at))])
    assert outcome.processed == 1 and not outcome.dead_letters


async def listed(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(FAILURES, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def agencies(page: dict[str, Any]) -> list[str]:
    return [item["agency"] for item in page["items"]]


async def test_a_dead_letter_is_listed_with_its_agency_flow_kind_and_original_bytes(
    tmp_path: Path,
) -> None:
    async with open_system(tmp_path, civil_registry_settings=FAIL_AT_ONCE) as system:
        async with client_of(system.services["gateway"]) as client:
            _, dossier_id = await dead_lettered_birth(system, client)
            page = await listed(client)
            detail = (await client.get(f"{FAILURES}/{page['items'][0]['id']}")).json()
            view = await dossier_view(client, dossier_id)
        (_, sent), *_ = system.broker.producer_.sent[GATEWAY_EVENTS]

    assert page["total"] == 1
    (item,) = page["items"]
    assert (item["agency"], item["flow"], item["error_kind"]) == (
        "civil_registry",
        "birth",
        "transient",
    )
    assert (item["status"], item["occurrences"], item["redrive_count"]) == ("open", 1, 0)
    assert (item["dossier_id"], item["key"], item["topic"]) == (
        dossier_id,
        dossier_id,
        GATEWAY_EVENTS,
    )
    assert item["event_type"] == BIRTH_DOSSIER_SUBMITTED
    assert "value_base64" not in item and item["value"] == sent.decode()[:200]
    assert base64.b64decode(detail["value_base64"]) == sent
    assert detail["first_failed_at"] == detail["last_failed_at"]
    # The step is still failed with the error, as before.
    assert steps_by_agency(view)["civil_registry"]["reason"]["code"] == "dead_lettered.transient"


async def test_filters_select_by_agency_flow_kind_time_dossier_and_status(gateway: Gateway) -> None:
    service, client = gateway
    dossier_id = await submit(client, load_example())
    await dead_letter(service, letter("population", "malformed", dossier_id), T1)
    await dead_letter(
        service,
        letter(
            "insurance", "handler_error", "elsewhere", event_id="e-2", event_type=DEATH_REGISTERED
        ),
        T2,
    )
    await dead_letter(
        service,
        letter(
            "civil_registry",
            "transient",
            dossier_id,
            event_id="e-3",
            event_type=BIRTH_DOSSIER_SUBMITTED,
        ),
        T3,
    )

    everything = await listed(client)
    assert agencies(everything) == ["civil_registry", "insurance", "population"]  # newest first
    assert [item["flow"] for item in everything["items"]] == ["birth", "death", "birth"]
    assert agencies(await listed(client, agency="population")) == ["population"]
    assert agencies(await listed(client, flow="death")) == ["insurance"]
    assert agencies(await listed(client, kind="transient")) == ["civil_registry"]
    assert agencies(await listed(client, since=T2.isoformat())) == ["civil_registry", "insurance"]
    # Without an offset a time is Vietnam time: 10:00 there is T1.
    assert agencies(await listed(client, until="2026-11-16T10:00:00")) == ["population"]
    assert agencies(await listed(client, dossier_id=dossier_id)) == ["civil_registry", "population"]
    second = await listed(client, limit=1, offset=1)
    assert (second["total"], agencies(second)) == (3, ["insurance"])

    # The civil registry decides after all: its failure of that dossier is resolved, no other.
    decision = event_of(
        birth_registered(dossier_id), dossier_id=dossier_id, time=T3 + timedelta(hours=1)
    )
    await process(service, [record_of(decision, CIVIL_REGISTRY_EVENTS)])

    assert agencies(await listed(client)) == ["insurance", "population"]
    (resolved,) = (await listed(client, status="resolved"))["items"]
    assert resolved["agency"] == "civil_registry"
    assert resolved["resolved_by"] == BIRTH_REGISTERED
    assert datetime.fromisoformat(resolved["resolved_at"]) == decision.time
    assert (await listed(client, status="all"))["total"] == 3


async def test_a_repeated_dead_letter_counts_once_and_a_failed_redrive_counts_again(
    gateway: Gateway,
) -> None:
    service, client = gateway
    dossier_id = await submit(client, load_example())
    first = letter("population", "handler_error", dossier_id, event_id="e-1")

    await dead_letter(service, first, T1)
    again = await process(service, [record_of(dead_letter_event(first, T1))])
    once = await listed(client)
    await dead_letter(service, first.model_copy(update={"redrive": 1}), T2)
    twice = await listed(client)

    assert again.duplicates == 1
    assert (once["total"], once["items"][0]["occurrences"]) == (1, 1)
    assert twice["total"] == 1 and twice["items"][0]["id"] == once["items"][0]["id"]
    assert twice["items"][0]["occurrences"] == 2
    assert twice["items"][0]["first_failed_at"] == once["items"][0]["first_failed_at"]
    assert datetime.fromisoformat(twice["items"][0]["last_failed_at"]) == T2


async def test_a_dead_letter_after_the_agency_decided_is_resolved_at_once(gateway: Gateway) -> None:
    """Topics are not ordered with each other: the decision may arrive first."""
    service, client = gateway
    dossier_id = await submit(client, load_example())
    decision = event_of(birth_registered(dossier_id), dossier_id=dossier_id, time=T1)
    await process(service, [record_of(decision, CIVIL_REGISTRY_EVENTS)])

    await dead_letter(
        service, letter("civil_registry", "transient", dossier_id, event_id="e-1"), T2
    )

    assert (await listed(client))["total"] == 0
    (item,) = (await listed(client, status="all"))["items"]
    assert (item["status"], item["resolved_by"]) == ("resolved", BIRTH_REGISTERED)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"agency": "tax_office"}, "agency"),
        ({"flow": "marriage"}, "flow"),
        ({"kind": "oops"}, "kind"),
        ({"status": "closed"}, "status"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-11-17T00:00:00+07:00", "until": "2026-11-16T00:00:00+07:00"}, "until"),
        ({"until": "0001-01-01T00:00:00"}, "until"),
        ({"since": "9999-12-31T23:59:59-12:00"}, "since"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
async def test_a_bad_list_filter_is_a_422_naming_it(
    gateway: Gateway, params: dict[str, Any], field: str
) -> None:
    _, client = gateway
    response = await client.get(FAILURES, params=params)

    assert response.status_code == 422, response.text
    assert [problem["loc"] for problem in response.json()["detail"]] == [["query", field]]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, ["body"]),
        ({"all": False}, ["body"]),
        ({"agency": None, "dossier_id": None}, ["body"]),
        ({"agency": "tax_office"}, ["body", "agency"]),
        ({"kind": "oops"}, ["body", "kind"]),
        ({"since": "not a time"}, ["body", "since"]),
        ({"since": "2026-11-17T00:00:00", "until": "2026-11-16T00:00:00"}, ["body", "until"]),
        ({"agnecy": "population"}, ["body", "agnecy"]),
        ({"since": "0001-01-01T00:00:00"}, ["body", "since"]),
    ],
)
async def test_a_bad_redrive_selection_is_a_422_naming_it(
    gateway: Gateway, body: dict[str, Any], loc: list[str]
) -> None:
    _, client = gateway
    response = await client.post(f"{FAILURES}/redrive", json=body)

    assert response.status_code == 422, response.text
    assert [problem["loc"] for problem in response.json()["detail"]] == [loc]


async def test_an_unknown_failure_is_a_404(gateway: Gateway) -> None:
    _, client = gateway

    assert (await client.get(f"{FAILURES}/no-such")).status_code == 404
    assert (await client.post(f"{FAILURES}/no-such/redrive")).status_code == 404
