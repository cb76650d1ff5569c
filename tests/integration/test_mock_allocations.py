"""A simulated agency's registers and issued identifiers, on a real SQLite database."""

from __future__ import annotations

from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.runtime.db import Database
from services.mock.allocations import MockTable, StoredAllocator


async def test_numbers_follow_on_and_identifiers_stay_unique_across_transactions(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'insurance_mock.db'}")
    await db.create_all(MockTable.metadata)

    async def seeded(session: AsyncSession, kind: str, value: str) -> bool:
        return (kind, value) == ("personal_id", "C")  # a citizen of the seeded world holds C

    try:
        async with db.session() as session:
            first = StoredAllocator(session, seeded)
            numbers = [await first.next_number("birth:00070:2026") for _ in range(2)]
            other = await first.next_number("birth:00073:2026")
            given = [await first.unused("personal_id", iter(["A", "A", "B"])) for _ in range(2)]
        async with db.session() as session:  # a later batch, after a commit
            later = StoredAllocator(session, seeded)
            numbers.append(await later.next_number("birth:00070:2026"))
            given.append(await later.unused("personal_id", iter(["A", "B", "C", "D"])))
            given.append(await later.unused("bhxh_number", iter(["A"])))
    finally:
        await db.dispose()

    assert (numbers, other) == ([1, 2, 3], 1)
    assert given == ["A", "B", "D", "A"]  # C is a seeded citizen's; kinds are apart
