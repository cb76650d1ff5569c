"""The run's random source and the deterministic fallback on collision."""

from __future__ import annotations

import pytest

from lienthong.runtime.randomness import RandomSource, first_free


def test_a_decision_depends_on_the_seed_and_what_it_is_about_only() -> None:
    one, same, other_seed = RandomSource(7), RandomSource(7), RandomSource(8)
    assert one.derive("personal_id", "A").random() == same.derive("personal_id", "A").random()
    assert one.derive("personal_id", "A").random() != other_seed.derive("personal_id", "A").random()
    assert one.derive("personal_id", "A").random() != one.derive("personal_id", "B").random()
    # Drawing for B first changes nothing for A: no shared stream.
    first = RandomSource(7)
    first.derive("personal_id", "B").random()
    assert first.derive("personal_id", "A").random() == one.derive("personal_id", "A").random()


async def test_first_free_takes_the_first_draw_without_asking_the_database() -> None:
    asked: list[str] = []

    async def is_taken(candidate: str) -> bool:
        asked.append(candidate)
        return False

    found = await first_free(iter(["a", "b"]), set(), is_taken, what="number")
    assert (found, asked) == ("a", [])


async def test_after_a_collision_the_next_free_draw_wins() -> None:
    in_database = {"b"}

    async def is_taken(candidate: str) -> bool:
        return candidate in in_database

    draws = iter(["a", "b", "a", "c", "d"])
    assert await first_free(draws, {"a"}, is_taken, what="number") == "c"


async def test_running_out_of_draws_says_what_was_drawn() -> None:
    async def is_taken(candidate: str) -> bool:
        return True

    with pytest.raises(RuntimeError, match="no free BHXH number after 3 draws"):
        await first_free(iter("abcdef"), {"a"}, is_taken, what="BHXH number", max_draws=3)
