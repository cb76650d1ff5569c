"""Poison on the civil registry's output: its consumers dead-letter it, the dossiers complete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.topics import CIVIL_REGISTRY_EVENTS, DEAD_LETTERS
from tests.integration.conftest import InProcessSystem, open_system
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    dossier_view,
    known_to_registry,
    run_chain,
    seeded_mothers,
    submit,
)

ERROR_KIND = {
    "not_json": "malformed",
    "not_cloudevent": "malformed",
    "schema_invalid": "invalid_payload",
}
"""How a consumer files each poison."""


async def poison_registry(system: InProcessSystem, setting: dict[str, Any]) -> None:
    """Switch poison on at the civil registry through its admin API."""
    async with client_of(system.services["civil_registry"]) as client:
        response = await client.put("/admin/faults/poison", json=setting)
    assert response.status_code == 200, response.text


async def births(system: InProcessSystem, how_many: int) -> list[str]:
    """Submit births of seeded mothers, run the chain, return the dossier ids (all completed)."""
    mothers = await seeded_mothers(system, how_many)
    async with client_of(system.services["gateway"]) as client:
        ids = []
        for mother in mothers:
            known_to_registry(system, mother)
            ids.append(await submit(client, birth_form_for(mother)))
        await run_chain(system)
        for dossier_id in ids:
            view = await dossier_view(client, dossier_id)
            assert view["status"] == "completed", view
    return ids


def dead_letters(system: InProcessSystem) -> list[DeadLettered]:
    return [DeadLettered.model_validate(event.data) for event in system.broker.events(DEAD_LETTERS)]


@pytest.mark.parametrize("kind", sorted(ERROR_KIND))
async def test_each_poison_reaches_the_dead_letters_of_every_consumer(
    system: InProcessSystem, kind: str
) -> None:
    await poison_registry(system, {"poison": kind})

    (dossier_id,) = await births(system, 1)

    # Bytes that do not parse fail every consumer of the topic; a bad birth_registered fails
    # only the consumers of that type (insurance takes only deaths from the civil registry).
    consumers = {"population", "gateway"}
    if kind != "schema_invalid":
        consumers.add("insurance")
    letters = dead_letters(system)
    assert {(letter.consumer, letter.error_kind) for letter in letters} == {
        (consumer, ERROR_KIND[kind]) for consumer in consumers
    }
    assert {(letter.topic, letter.key) for letter in letters} == {
        (CIVIL_REGISTRY_EVENTS, dossier_id)
    }


async def test_poison_dead_letters_are_the_same_in_every_run(tmp_path: Path) -> None:
    async def letter_ids(name: str) -> list[str]:
        async with open_system(tmp_path / name) as system:
            await poison_registry(system, {})
            await births(system, 3)
            return sorted(event.id for event in system.broker.events(DEAD_LETTERS))

    first, again = await letter_ids("first"), await letter_ids("again")

    assert first == again
    assert len(first) >= 6  # three births, two or three consumers each
