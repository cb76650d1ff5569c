"""The official CloudEvents SDK for Python reads every message the services publish.

A system of its own (the session's is shared with tests that produce messages themselves: not
every message on its topics is a service's), a birth, a refused second birth and a death run to
their end; then every message on every topic, read from the beginning by a plain aiokafka
consumer, must carry ``content-type: application/cloudevents+json; charset=UTF-8`` and be read
by the SDK's structured-mode readers as the event our envelope model reads
(``tests/cloudevents_sdk.py``), and validate against the schema the AsyncAPI document publishes
for its type (``tests/published_schemas.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio

from lienthong.contracts.services import SERVICE_NAMES
from lienthong.contracts.topics import ALL_TOPICS, TOPIC_OF_SERVICE
from tests.cloudevents_sdk import read_by_sdk, read_topics
from tests.e2e.helpers import (
    RunningSystem,
    birth_form,
    load_example,
    running_system,
    submit,
    wait_for_dossier,
    wait_until,
)
from tests.published_schemas import schema_errors

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """A fresh broker and four services: every message on its topics is a service's."""
    with running_system(tmp_path_factory.mktemp("cloudevents")) as running:
        yield running


@pytest_asyncio.fixture(scope="module")
async def own_gateway(own_system: RunningSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=own_system.urls["gateway"], timeout=10) as client:
        yield client


async def test_the_sdk_reads_every_message_of_a_birth_and_a_death_flow(
    own_system: RunningSystem, own_gateway: httpx.AsyncClient
) -> None:
    birth = birth_form()
    born = await wait_for_dossier(own_gateway, await submit(own_gateway, birth))
    again = await wait_for_dossier(own_gateway, await submit(own_gateway, birth))
    died = await wait_for_dossier(
        own_gateway, await submit(own_gateway, load_example("death-pensioner"))
    )
    assert (born["status"], again["status"], died["status"]) == (
        "completed",
        "rejected",
        "completed",
    )

    async def outboxes_sent() -> bool:
        unsent = "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"
        return all(own_system.count(name, unsent) == 0 for name in SERVICE_NAMES)

    await wait_until(outboxes_sent, what="every outbox row published")
    records = await read_topics(own_system.bootstrap_servers, ALL_TOPICS)

    events = [read_by_sdk(list(r.headers), r.key, r.value) for r in records]
    assert len(events) == len(records) > 0
    off_contract = {f"{r.topic}@{r.offset}": schema_errors(r.value) for r in records}
    assert {where: why for where, why in off_contract.items() if why} == {}
    for record, event in zip(records, events, strict=True):
        assert record.topic == TOPIC_OF_SERVICE[event.source]
    dossiers = {born["dossier_id"], again["dossier_id"], died["dossier_id"]}
    assert {event.subject for event in events} == dossiers
    assert {event.source for event in events} == set(SERVICE_NAMES)
