"""Paging through ``GET /api/v1/dossiers`` shows every dossier once, on each store.

Dossiers submitted together share their submission time (here the clock is frozen, as when a
batch is stamped at once), so the newest-first order has ties. Offset paging over ties needs a
tiebreaker: without one PostgreSQL may order equal rows differently from one page to the next,
and a load test paging the list counted completed dossiers as lost.
"""

from __future__ import annotations

from lienthong.chaos.load import birth_form
from tests.helpers import submit
from tests.integration.conftest import InProcessSystem
from tests.integration.helpers import DOSSIERS, client_of

PAGE = 25
SUBMITTED = 130


async def test_every_dossier_is_on_exactly_one_page(system: InProcessSystem) -> None:
    async with client_of(system.services["gateway"]) as gateway:
        ids = {await submit(gateway, birth_form("pages", n)) for n in range(SUBMITTED)}
        seen: list[str] = []
        for offset in range(0, SUBMITTED + PAGE, PAGE):
            page = await gateway.get(DOSSIERS, params={"limit": PAGE, "offset": offset})
            assert page.status_code == 200
            seen += [row["dossier_id"] for row in page.json()]

    assert len(seen) == SUBMITTED
    assert set(seen) == ids
