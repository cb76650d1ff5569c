"""Sending the dossiers: open loop on a schedule, or a closed loop as fast as answers come.

One outcome per dossier, as the portal answered it: ``accepted`` (202; ``existing`` when a
batch names an idempotency key already used), ``invalid`` (422), ``conflict`` (409),
``overloaded`` (503 of the overload fault), ``refused`` (another 4xx) or ``error`` (no answer,
or a 5xx). Only accepted dossiers are followed to the end.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from lienthong.load.forms import FormSource, Prepared
from lienthong.load.plan import LoadPlan, arrival_offsets
from lienthong.load.wire import WireClient, WireError

__all__ = ["RunClock", "SubmitLog", "submit_all"]

SINGLE: Final = "/api/v1/dossiers"
BATCH: Final = "/api/v1/dossiers/batch"
ACCEPTED: Final = frozenset({"accepted", "existing"})
_STATUS_OUTCOME: Final = {422: "invalid", 409: "conflict", 503: "overloaded"}
_ERROR_SAMPLES: Final = 10

Accepted = Callable[[str, str, float], None]
"""Told of each accepted dossier: its id, flow and when it was sent (seconds into the run)."""


class RunClock:
    """Seconds since the run started, on the monotonic clock."""

    def __init__(self) -> None:
        self.started = time.perf_counter()  # real-time ok
        self.wall_started = time.time()  # real-time ok: compared with the gateway's times

    def now(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.started  # real-time ok


@dataclass
class SubmitLog:
    """What was sent and what the portal answered, one entry per dossier sent."""

    kinds: list[str] = field(default_factory=list)
    ids: list[str | None] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    accept_s: list[float] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    lag_s: list[float] = field(default_factory=list)
    """Open loop: how late each send left after its scheduled instant."""
    dropped: int = 0
    """Open loop: due while ``max_in_flight`` requests were outstanding, so never sent."""
    in_flight: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    """The first few distinct errors and refusals, for the report."""

    def record(
        self,
        item: Prepared,
        sent_at: float,
        took: float,
        outcome: str,
        dossier_id: str | None,
    ) -> None:
        """One dossier's answer."""
        self.kinds.append(item.kind)
        self.ids.append(dossier_id)
        self.sent_at.append(sent_at)
        self.accept_s.append(took)
        self.outcomes.append(outcome)

    def note(self, message: str) -> None:
        """Keep an error message, the first few distinct ones only."""
        if len(self.errors) < _ERROR_SAMPLES and message not in self.errors:
            self.errors.append(message)

    def outcome_counts(self) -> Counter[str]:
        """Dossiers by outcome."""
        return Counter(self.outcomes)

    def accepted_ids(self) -> list[str]:
        """Ids of the accepted dossiers, in the order they were sent."""
        return [d for d, o in zip(self.ids, self.outcomes, strict=True) if d and o in ACCEPTED]


def _outcome_of_status(status: int) -> str:
    if status >= 500 and status != 503:
        return "error"
    return _STATUS_OUTCOME.get(status, "refused")


class _Sender:
    """POSTs one dossier or one batch and records the answers."""

    def __init__(
        self, client: WireClient, log: SubmitLog, clock: RunClock, on_accepted: Accepted
    ) -> None:
        self.client, self.log, self.clock, self.on_accepted = client, log, clock, on_accepted

    async def one(self, item: Prepared) -> None:
        sent = self.clock.now()
        self.log.in_flight += 1
        self.log.requests += 1
        try:
            answer = await self.client.post_json(SINGLE, item.body, {"Idempotency-Key": item.key})
        except WireError as error:
            self._done(item, sent, "error", None, str(error))
            return
        finally:
            self.log.in_flight -= 1
        if answer.status != 202:
            self._done(item, sent, _outcome_of_status(answer.status), None, _brief(answer.body))
            return
        try:
            dossier_id = str(answer.json()["dossier_id"])
        except (WireError, KeyError, TypeError) as error:
            self._done(item, sent, "error", None, f"202 without a dossier id: {error}")
            return
        self._done(item, sent, "accepted", dossier_id, None)

    async def batch(self, items: list[Prepared]) -> None:
        sent = self.clock.now()
        self.log.in_flight += len(items)
        self.log.requests += 1
        body = b'{"dossiers":[%s]}' % b",".join(
            b'{"form":%s,"idempotency_key":"%s"}' % (item.body, item.key.encode()) for item in items
        )
        try:
            answer = await self.client.post_json(BATCH, body)
        except WireError as error:
            for item in items:
                self._done(item, sent, "error", None, str(error))
            return
        finally:
            self.log.in_flight -= len(items)
        if answer.status >= 300:
            for item in items:
                self._done(item, sent, _outcome_of_status(answer.status), None, _brief(answer.body))
            return
        try:
            results = {int(r["index"]): r for r in answer.json()["results"]}
        except (WireError, KeyError, TypeError, ValueError) as error:
            results = {}
            self.log.note(f"batch answer not understood: {error}")
        for index, item in enumerate(items):
            result = results.get(index, {"status": "error", "errors": "no result for this form"})
            status = str(result["status"])
            found = result.get("dossier_id") if status in ACCEPTED else None
            dossier_id = str(found) if found else None
            problem = None if status in ACCEPTED else f"{status}: {result.get('errors')}"
            self._done(item, sent, status, dossier_id, problem)

    def _done(
        self, item: Prepared, sent: float, outcome: str, dossier_id: str | None, problem: str | None
    ) -> None:
        self.log.record(item, sent, self.clock.now() - sent, outcome, dossier_id)
        if problem is not None:
            self.log.note(f"{outcome}: {problem}")
        if dossier_id is not None:
            self.on_accepted(dossier_id, item.kind, sent)


def _brief(body: bytes) -> str:
    return body[:300].decode("utf-8", "replace")


async def submit_all(
    plan: LoadPlan,
    client: WireClient,
    source: FormSource,
    clock: RunClock,
    log: SubmitLog,
    on_accepted: Accepted,
) -> None:
    """Send for ``plan.duration_s`` seconds into ``log``, then wait for every answer."""
    sender = _Sender(client, log, clock, on_accepted)
    if plan.open_loop:
        offsets = arrival_offsets(plan, random.Random(f"{plan.seed}:arrivals"))
        await _open_loop(plan, offsets, source, sender)
    else:
        await _closed_loop(plan, source, sender)


async def _open_loop(
    plan: LoadPlan, offsets: Iterable[float], source: FormSource, sender: _Sender
) -> None:
    """Each dossier leaves at its instant, whatever happened to the ones before."""
    log, clock = sender.log, sender.clock
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()
    group: list[Prepared] = []
    without_pause = 0
    for due in offsets:
        delay = due - clock.now()
        if delay > 0:
            await asyncio.sleep(delay)
            without_pause = 0
        else:
            without_pause += 1
            if without_pause % 100 == 0:  # running behind: let the answers in now and then
                await asyncio.sleep(0)
        item = await source.next()
        if log.in_flight + len(group) >= plan.max_in_flight:
            log.dropped += 1
            continue
        log.lag_s.append(max(0.0, clock.now() - due))
        group.append(item)
        if plan.batch and len(group) < plan.batch:
            continue
        task = loop.create_task(sender.batch(group) if plan.batch else sender.one(group[0]))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        group = []
    if group:
        await sender.batch(group)
    await asyncio.gather(*tasks)


async def _closed_loop(plan: LoadPlan, source: FormSource, sender: _Sender) -> None:
    """``concurrency`` senders, each sending its next dossier (or batch) on an answer."""
    clock = sender.clock

    async def worker() -> None:
        while clock.now() < plan.duration_s:
            if plan.batch:
                await sender.batch([await source.next() for _ in range(plan.batch)])
            else:
                await sender.one(await source.next())

    await asyncio.gather(*(worker() for _ in range(plan.concurrency)))
