"""The numbers agencies issue depend on the run seed and the births, never on arrival order.

Each case runs independent in-process systems (own databases) and compares what they issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from tests.integration.conftest import open_system
from tests.integration.helpers import (
    birth_form_for,
    client_of,
    dossier_view,
    known_to_registry,
    run_chain,
    seeded_mothers,
    steps_by_agency,
    submit,
)


class Issued(NamedTuple):
    """What one birth got from the three agencies."""

    registration_number: str
    personal_id: str
    card_code: str


async def births(data_dir: Path, *, seed: int, names: Sequence[str]) -> dict[str, Issued]:
    """Twins of one seeded mother, submitted in the order of ``names`` and delivered together."""
    async with open_system(data_dir, seed=seed) as system:
        (mother,) = await seeded_mothers(system)
        known_to_registry(system, mother)
        async with client_of(system.services["gateway"]) as client:
            ids = {
                name: await submit(
                    client, birth_form_for(mother, given_name=name, born=date(2026, 11, 9))
                )
                for name in names
            }
            await run_chain(system)
            issued: dict[str, Issued] = {}
            for name, dossier_id in ids.items():
                view = await dossier_view(client, dossier_id)
                assert view["status"] == "completed", view
                steps = steps_by_agency(view)
                issued[name] = Issued(
                    steps["civil_registry"]["result"]["registration_number"],
                    steps["population"]["result"]["personal_id"],
                    steps["insurance"]["result"]["card_code"],
                )
    return issued


async def test_the_same_seed_issues_the_same_numbers(tmp_path: Path) -> None:
    first = await births(tmp_path / "first", seed=7, names=["An"])
    again = await births(tmp_path / "again", seed=7, names=["An"])
    other = await births(tmp_path / "other", seed=8, names=["An"])

    assert again == first
    assert (other["An"].personal_id, other["An"].card_code) != (
        first["An"].personal_id,
        first["An"].card_code,
    )
    # Same birth, same register: only the random parts depend on the seed.
    assert other["An"].registration_number == first["An"].registration_number
    assert other["An"].personal_id[:6] == first["An"].personal_id[:6]


async def test_the_order_of_arrival_does_not_change_the_numbers(tmp_path: Path) -> None:
    forward = await births(tmp_path / "forward", seed=7, names=["An", "Bình"])
    backward = await births(tmp_path / "backward", seed=7, names=["Bình", "An"])

    # The orders really differed: each register numbered its first arrival 000001.
    assert forward["An"].registration_number.endswith("-000001")
    assert backward["Bình"].registration_number.endswith("-000001")
    for name in ("An", "Bình"):
        assert backward[name].personal_id == forward[name].personal_id
        assert backward[name].card_code == forward[name].card_code
    assert forward["An"].personal_id != forward["Bình"].personal_id
