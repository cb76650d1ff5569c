"""One birth declared twice, the child's name spelt with the tone mark in either place
("Thuỳ" then "Thùy"), is registered once: the second is a duplicate, in one batch or later.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from services.civil_registry.models import BirthRegistration
from tests.integration.conftest import InProcessSystem
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

MAIN_VOWEL = "Thu\u1ef3"  # Thuỳ: the grave on "y"
FIRST_LETTER = "Th\u00f9y"  # Thùy: the grave on "u"


def _spelt(form: dict[str, Any], middle_name: str) -> dict[str, Any]:
    form["child"]["middle_name"] = middle_name
    return form


@pytest.mark.parametrize("same_batch", [True, False])
async def test_the_same_birth_in_the_other_tone_placement_is_a_duplicate(
    system: InProcessSystem, same_batch: bool
) -> None:
    (mother,) = await seeded_mothers(system)
    known_to_registry(system, mother)
    async with client_of(system.services["gateway"]) as client:
        first = await submit(client, _spelt(birth_form_for(mother), MAIN_VOWEL))
        if not same_batch:
            await run_chain(system)
        second = await submit(client, _spelt(birth_form_for(mother), FIRST_LETTER))
        await run_chain(system)

        assert (await dossier_view(client, first))["status"] == "completed"
        view = await dossier_view(client, second)
    assert view["status"] == "rejected"
    assert steps_by_agency(view)["civil_registry"]["reason"]["code"] == (
        "duplicate_birth_registration"
    )
    async with system.services["civil_registry"].db.read_session() as session:
        rows = (await session.exec(select(BirthRegistration))).all()
    assert [row.child_full_name.split()[1] for row in rows] == [MAIN_VOWEL]  # stored as written
