"""How fast the gateway's tracker applies agency events: the in-transaction cost of a batch.

In-process, on a real SQLite file, no broker: N birth dossiers are stored, then their 3N agency
decisions (birth registered, citizen registered, card issued) are fed to the gateway's batch
processor in batches of 500, and the time the batches take is reported. This isolates the work a
consumer does while it holds SQLite's only writer — what `lienthong up` cannot show, since its
end-to-end figure is bound by the POST path.

    .venv/bin/python scripts/bench_tracker.py --dossiers 2000
    .venv/bin/python scripts/bench_tracker.py --dossiers 2000 --dump /tmp/workload.jsonl

``--dump`` writes the dossier rows and the records, so another version of the tracker can be
timed on exactly the same workload.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka.structs import ConsumerRecord
from sqlalchemy import insert

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.civil_registry import BirthRegistered
from lienthong.contracts.declarations import (
    Birthplace,
    ChildInfo,
    HealthInsuranceRequest,
    ParentInfo,
    ResidenceRequest,
)
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.contracts.insurance import HealthCardIssued
from lienthong.contracts.population import CitizenRegistered
from lienthong.domain.personal_id import Sex
from lienthong.runtime.clock import SimClock
from lienthong.runtime.consumer import BatchProcessor
from lienthong.runtime.db import Database
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.tables import RUNTIME_METADATA
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.handlers import Tracker
from services.gateway.models import Dossier, DossierStep, GatewayTable
from services.gateway.settings import GatewaySettings

T0 = datetime(2026, 11, 16, 2, 30, tzinfo=UTC)
BATCH = 500


def dossier_rows(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """N submitted birth dossiers with their three pending steps (columns every version has)."""
    due = T0 + timedelta(days=3)
    dossiers: list[dict[str, Any]] = [
        {
            "dossier_id": f"d{n:06d}",
            "kind": "birth",
            "status": "submitted",
            "idempotency_key": None,
            "request_hash": f"h{n}",
            "form": {},
            "submitted_at": T0,
            "due_at": due,
            "verification_required": False,
            "updated_at": T0,
        }
        for n in range(count)
    ]
    steps = [
        {
            "dossier_id": f"d{n:06d}",
            "agency": agency,
            "position": position,
            "status": "pending",
            "started_at": T0 if position == 0 else None,
            "due_at": due if position == 0 else None,
        }
        for n in range(count)
        for position, agency in enumerate(("civil_registry", "population", "insurance"))
    ]
    return dossiers, steps


def decisions(n: int) -> list[tuple[str, CloudEvent]]:
    """The three agency decisions of dossier n, as (topic, event)."""
    dossier_id, pid = f"d{n:06d}", f"001226{n:06d}"
    mother = ParentInfo(
        full_name="Nguyễn Thị Lan", date_of_birth=date(1995, 7, 1), personal_id="001195000001"
    )
    child = ChildInfo(
        family_name="Trần",
        given_name=f"An {n}",
        date_of_birth=date(2026, 11, 2),
        sex=Sex.MALE,
        birthplace=Birthplace(commune_code="00070"),
    )
    clinic = HealthInsuranceRequest(initial_clinic_code="01001")
    payloads = [
        BirthRegistered(
            dossier_id=dossier_id,
            registration_number=f"KS-00070-2026-{n:06d}",
            birth_certificate_number=f"GKS-2026-00070{n:06d}",
            registered_on=date(2026, 11, 16),
            registration_province_code="01",
            child=child,
            mother=mother,
            residence=ResidenceRequest(
                commune_code="00070",
                address="Số 1",
                household_head_personal_id="001195000001",
                household_head_consent=True,
            ),
            health_insurance=clinic,
        ),
        CitizenRegistered(
            dossier_id=dossier_id,
            personal_id=pid,
            full_name=child.full_name,
            date_of_birth=child.date_of_birth,
            sex=Sex.MALE,
            household_id="HO1",
            commune_code="00070",
            province_code="01",
            birth_registration_number=f"KS-00070-2026-{n:06d}",
            health_insurance=clinic,
        ),
        HealthCardIssued(
            dossier_id=dossier_id,
            personal_id=pid,
            card_code=f"TE101{n:010d}",
            valid_from=date(2026, 11, 16),
            valid_until=date(2032, 11, 30),
            initial_clinic_code="01001",
        ),
    ]
    found = []
    for hop, payload in enumerate(payloads, start=1):
        spec = spec_for_payload(type(payload))
        at = T0 + timedelta(minutes=hop)
        event = new_event(
            source=spec.producer, type_=spec.type, payload=payload, dossier_id=dossier_id, time=at
        )
        found.append((spec.topic, event))
    return found


def records(count: int) -> list[ConsumerRecord[bytes, bytes]]:
    """Every decision of every dossier, hop by hop (all registrations, then all citizens…)."""
    per_dossier = [decisions(n) for n in range(count)]
    ordered = [pair for hop in range(3) for pair in (d[hop] for d in per_dossier)]
    return [
        ConsumerRecord(topic, 0, offset, 0, 0, e.subject.encode(), e.to_bytes(), None, 0, 0, [])
        for offset, (topic, e) in enumerate(ordered)
    ]


def dump(path: Path, count: int, batch: list[ConsumerRecord[bytes, bytes]]) -> None:
    """The workload as JSON lines: dossier rows, step rows, then records."""
    dossiers, steps = dossier_rows(count)
    with path.open("w", encoding="utf-8") as out:
        for kind, rows in (("dossier", dossiers), ("step", steps)):
            for row in rows:
                out.write(json.dumps({"kind": kind, "row": row}, default=str) + "\n")
        for r in batch:
            value = base64.b64encode(r.value or b"").decode()
            out.write(json.dumps({"kind": "record", "topic": r.topic, "value": value}) + "\n")


async def run(count: int, dump_to: Path | None, batch: int = BATCH) -> None:
    workload = records(count)
    if dump_to is not None:
        dump(dump_to, count, workload)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/gateway.db")
        await db.create_all(RUNTIME_METADATA, GatewayTable.metadata)
        dossiers, steps = dossier_rows(count)
        async with db.session() as session:
            connection = await session.connection()
            await connection.execute(insert(Dossier), dossiers)
            await connection.execute(insert(DossierStep), steps)
        tracker = Tracker(DeadlinePolicy.from_settings(GatewaySettings()))
        clock = SimClock(speed=1e-9, start=T0 + timedelta(hours=1), anchor_real=time.time())
        processor = BatchProcessor("gateway", db, tracker, clock=clock, randomness=RandomSource())
        started = time.perf_counter()
        for start in range(0, len(workload), batch):
            await processor.process(workload[start : start + batch])
        elapsed = time.perf_counter() - started
        await db.dispose()
    events = len(workload)
    print(
        f"tracker: {events} events in {elapsed:.2f}s = {events / elapsed:,.0f} events/s, "
        f"{elapsed / (events / batch) * 1000:.0f} ms per batch of {batch}"
    )
    assert processor.stats.processed == events, processor.stats


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=BATCH, help="events per batch (max 500)")
    parser.add_argument("--dump", type=Path, default=None, help="also write the workload here")
    arguments = parser.parse_args()
    if not 1 <= arguments.batch <= BATCH or arguments.dossiers < 1:
        parser.error("--batch is 1..500 and --dossiers at least 1")
    asyncio.run(run(arguments.dossiers, arguments.dump, arguments.batch))
