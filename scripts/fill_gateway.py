"""Fill a gateway database with N finished-looking dossiers, to measure reads at scale.

Pushing a million dossiers through four services takes hours at the system's rate, and what is
measured here is only how the gateway *reads* (``/api/v1/stats``, the dashboard's calls) with
that many stored. So the rows are written straight into the gateway's own database, in the
shapes the tracker writes — dossiers (with the shipped example form), their three steps, and
the counters, moved by the tracker's own :class:`~services.gateway.counting.Tally` — spread
over ``--days`` days before ``--end`` and over the 34 provinces by population; 92 % births (the
reports' share), 95 % completed, 3 % refused at a random step with a reason of that agency,
1 % failed at a step, 1 % still open. Seeded: the same arguments give the same rows.

    .venv/bin/python scripts/fill_gateway.py --data-dir /tmp/million --dossiers 1000000
    .venv/bin/lienthong up --data-dir /tmp/million      # then time the reads

Only for an empty gateway database of a data dir no system is running on.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lienthong.chaos.load import example
from lienthong.contracts.reasons import CATALOGUE
from lienthong.domain.calendar import VIETNAM_TZ
from lienthong.runtime.db import Database, bulk_insert
from lienthong.workload.census import BIRTH_SHARE, province_sampler
from services.gateway.counting import DOSSIER, Tally, dossier_marks, place_of, step_marks
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.latency import END_TO_END, HOPS
from services.gateway.models import Dossier, DossierStep, GatewayTable
from services.gateway.retention import Retention
from services.gateway.settings import GatewaySettings
from services.gateway.tracker import FLOW_AGENCIES

CHUNK = 5_000
FATES = ((0.95, "completed"), (0.98, "rejected"), (0.99, "failed"), (1.0, "open"))
"""How dossiers end: (cumulative share, ending)."""


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument(
        "--end",
        type=datetime.fromisoformat,
        default=datetime(2026, 12, 3, tzinfo=VIETNAM_TZ),
        help="the last submission time (ISO 8601, Vietnam time without an offset)",
    )
    parser.add_argument("--seed", type=int, default=20261203)
    return parser.parse_args()


class Filler:
    """Builds the rows of one dossier at a time and the counters they stand in."""

    def __init__(self, seed: int, end: datetime, days: int) -> None:
        self.rng = random.Random(seed)
        self.province = province_sampler(self.rng)
        self.policy = DeadlinePolicy.from_settings(GatewaySettings())
        self.end, self.span = end, timedelta(days=days)
        self.forms = {"birth": example("birth"), "death": example("death-insured")}
        self.reasons = {
            agency: [entry.code for entry in CATALOGUE.values() if entry.agency == agency]
            for agency in FLOW_AGENCIES["birth"]
        }

    def dossier(self, n: int, tally: Tally) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        kind = "birth" if rng.random() < BIRTH_SHARE else "death"
        submitted = (self.end - self.span * rng.random()).astimezone(UTC)
        province = self.province()
        fate, at_step = rng.random(), rng.randrange(3)
        ending = (
            "completed"
            if fate < 0.95
            else "rejected"
            if fate < 0.98
            else "failed"
            if fate < 0.99
            else "open"
        )
        place = place_of(kind, province, submitted)
        steps, clock = [], submitted
        for position, agency in enumerate(FLOW_AGENCIES[kind]):
            started = clock if position <= (3 if ending == "completed" else at_step) else None
            status, finished, reason = "pending", None, None
            if started is not None:
                took = timedelta(seconds=rng.lognormvariate(5, 1.5))
                if ending == "completed" or position < at_step:
                    status, finished = "done", started + took
                elif ending == "rejected":
                    code = rng.choice(self.reasons[agency])
                    status, finished, reason = (
                        "rejected",
                        started + took,
                        {"code": code, "message": code},
                    )
                elif ending == "failed":
                    status, finished = "failed", started + took
                    reason = {"code": "dead_lettered.transient", "message": "gave up"}
            elif ending == "rejected":
                status = "skipped"
            due = self.policy.step_due(kind, agency, started) if started else None
            steps.append(
                {
                    "dossier_id": f"fill-{n:08d}",
                    "agency": agency,
                    "position": position,
                    "status": status,
                    "started_at": started,
                    "finished_at": finished,
                    "due_at": due,
                    "result": None,
                    "reason": reason,
                    "flow": kind,
                    "province_code": province,
                    "submitted_on": place.day,
                }
            )
            tally.move(place, agency, (), step_marks(status, started, finished, due, reason))
            if status == "done" and started and finished:
                tally.sample(kind, HOPS[kind][agency], started, finished)
                tally.succeeded(agency, finished)
            clock = finished or clock
        status = {"open": "in_progress"}.get(ending, ending)
        closed = clock if ending in ("completed", "rejected") else None
        due = self.policy.dossier_due(kind, submitted)
        tally.move(place, DOSSIER, (), dossier_marks(status, closed, due))
        tally.happened(submitted, kind, "submitted")
        if closed is not None:
            tally.happened(closed, kind, status)
            if ending == "completed":
                tally.sample(kind, END_TO_END, submitted, closed)
        row = {
            "dossier_id": f"fill-{n:08d}",
            "kind": kind,
            "status": status,
            "idempotency_key": None,
            "request_hash": f"fill-{n}",
            "form": self.forms[kind],
            "province_code": province,
            "submitted_at": submitted,
            "submitted_on": place.day,
            "completed_at": closed if ending == "completed" else None,
            "closed_at": closed,
            "due_at": due,
            "verification_required": False,
            "updated_at": clock,
        }
        return row, steps


async def fill(arguments: argparse.Namespace) -> None:
    """Create the gateway's tables and write the dossiers, a chunk per transaction."""
    path = arguments.data_dir / "gateway.db"
    arguments.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.create_all(GatewayTable.metadata)
    end = arguments.end if arguments.end.tzinfo else arguments.end.replace(tzinfo=VIETNAM_TZ)
    filler = Filler(arguments.seed, end, arguments.days)
    began = time.monotonic()
    for start in range(0, arguments.dossiers, CHUNK):
        tally, dossiers, steps = Tally(), [], []
        for n in range(start, min(start + CHUNK, arguments.dossiers)):
            row, rows = filler.dossier(n, tally)
            dossiers.append(row)
            steps.extend(rows)
        async with db.session() as session:
            await bulk_insert(session, Dossier, dossiers)
            await bulk_insert(session, DossierStep, steps)
            await tally.write(session)
        done = start + len(dossiers)
        print(f"{done:,} dossiers in {time.monotonic() - began:.0f} s", flush=True)
    async with db.session() as session:  # what a running gateway would have pruned by now
        await Retention().prune(session, int(end.timestamp()))
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(fill(_arguments()))
