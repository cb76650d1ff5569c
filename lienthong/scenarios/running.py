"""Replaying one scenario against a running sandbox: faults, timed submissions, waiting.

Offsets are simulated seconds from the start; on a clock of speed *c* replayed at ``--speed``
*s*, an offset of *t* is submitted *t / (c·s)* real seconds in, and a fault window is set on
the simulated clock at *start + t / s*, so the services switch it on and off themselves. The
people are picked before the first submission, so picking never disturbs the timing.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from lienthong.scenarios.bounds import parse_seconds
from lienthong.scenarios.disruptions import DisruptionRunner
from lienthong.scenarios.model import Scenario
from lienthong.scenarios.planning import Submission, plan
from lienthong.scenarios.system import SandboxApi, Unreachable
from lienthong.workload.people import NoOneFits, PeoplePicker

__all__ = ["Progress", "ScenarioRun", "SentDossier", "replay_scenario"]

_CONCURRENCY: Final = 32
_THROTTLE_RETRIES: Final = 600
FINAL: Final = frozenset({"completed", "rejected"})
"""Statuses no later event changes (a ``failed`` step can still be decided after all)."""
_FAILED_SETTLES_S: Final = 5.0
_PICKED_AHEAD: Final = 5000
"""Submissions built before the clock starts (people picked in advance); the rest stream."""

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: phase is ``submit`` or ``wait``."""


@dataclass(frozen=True)
class SentDossier:
    """A dossier the scenario created: by name, by group, and its id."""

    dossier_id: str
    name: str | None
    group: str | None
    offset_s: float


@dataclass
class ScenarioRun:
    """Everything observed while replaying one scenario."""

    scenario: Scenario
    started_at: datetime
    dossiers: list[SentDossier] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    invalid: dict[str, Any] = field(default_factory=dict)
    """Named submissions the portal refused at the door (4xx), with its answer."""
    throttled: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    timed_out: bool = False
    stopped: str | None = None
    """Why submitting stopped before the plan's end (nobody left to pick, ``--max-duration``)."""
    notes: list[str] = field(default_factory=list)

    @property
    def final_per_s(self) -> float:
        """Dossiers that reached a final status, per real second of the run."""
        final = sum(1 for v in self.views.values() if v["status"] in FINAL)
        return final / self.elapsed_s if self.elapsed_s else 0.0


def _expected_status(scenario: Scenario) -> dict[str, str]:
    return {
        name: expectation.status
        for name, expectation in scenario.expect.dossiers.items()
        if expectation.status
    }


class _Replay:
    def __init__(
        self, api: SandboxApi, scenario: Scenario, speed: float, progress: Progress | None
    ) -> None:
        self.api = api
        self.scenario = scenario
        self.speed = speed
        self.progress = progress or (lambda phase, done, total: None)
        self.run: ScenarioRun | None = None
        self.limit = asyncio.Semaphore(_CONCURRENCY)

    async def post(self, form: dict[str, Any], key: str | None, run: ScenarioRun) -> Any:
        for _ in range(_THROTTLE_RETRIES):
            answer = await self.api.submit(form, key)
            if answer.status != 503:
                return answer
            run.throttled += 1
            await asyncio.sleep(min(answer.retry_after_s, 5.0))
        raise Unreachable("the portal kept answering 503")

    async def send(self, submission: Submission, run: ScenarioRun, real_per_sim: float) -> None:
        async with self.limit:
            ids: list[str] = []
            for n in range(submission.times):
                if n:
                    await asyncio.sleep(submission.every_s * real_per_sim)
                answer = await self.post(submission.form, submission.key, run)
                label = submission.name if n == 0 or not submission.name else None
                if submission.name and submission.key is None and n > 0:
                    label = f"{submission.name}#{n + 1}"
                if answer.status >= 400:
                    run.invalid[label or f"#{len(run.invalid)}"] = answer.body
                    continue
                dossier_id = answer.body["dossier_id"]
                if dossier_id not in ids:
                    ids.append(dossier_id)
                    run.dossiers.append(
                        SentDossier(dossier_id, label, submission.group, submission.offset_s)
                    )


async def replay_scenario(
    api: SandboxApi,
    scenario: Scenario,
    *,
    speed: float = 1.0,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    max_duration_s: float | None = None,
) -> ScenarioRun:
    """Replay ``scenario`` on the sandbox behind ``api``; what came out, for the verdict."""
    now, clock_speed = await api.clock()
    run = ScenarioRun(scenario, started_at=now)
    replay = _Replay(api, scenario, speed, progress)
    tag = str(await api.dossier_total())
    picker = PeoplePicker(api.urls, random.Random(f"{scenario.seed}:{scenario.name}:people"))
    real_per_sim = 1.0 / (clock_speed * speed)
    disruptions = DisruptionRunner(data_dir, real_per_sim) if data_dir else None
    set_faults: list[tuple[str, str]] = []
    started = time.monotonic()  # real-time ok: replay keeps the scenario's real pacing
    try:
        planned = plan(scenario, picker, now, tag)
        try:
            ahead = [s async for s in _first(planned, _PICKED_AHEAD)]
        except NoOneFits as error:
            ahead, run.stopped = [], f"nobody left to pick: {error}"
        now, _ = await api.clock()
        run.started_at = now
        for fault in scenario.faults:
            setting = _fault_setting(fault.model_dump(), now, speed)
            await api.set_fault(fault.service, fault.kind.value, setting)
            set_faults.append((fault.service, fault.kind.value))
        started = time.monotonic()  # real-time ok
        tasks = [
            asyncio.create_task(disruptions.run(d)) for d in scenario.disruptions if disruptions
        ]
        sends: list[asyncio.Task[None]] = []
        total = _planned_count(scenario)
        async for submission in _chain(ahead, planned, run):
            if max_duration_s is not None and time.monotonic() - started > max_duration_s:
                run.stopped = f"--max-duration {max_duration_s:g} s reached"
                break
            due = started + submission.offset_s * real_per_sim
            delay = due - time.monotonic()  # real-time ok
            if delay > 0:
                await asyncio.sleep(delay)
            await replay.limit.acquire()  # back-pressure: never more than the limit in flight
            replay.limit.release()
            sends.append(asyncio.create_task(replay.send(submission, run, real_per_sim)))
            replay.progress("submit", len(sends), total)
        await picker.aclose()
        await asyncio.gather(*sends)
        await _wait(api, run, started, parse_seconds(scenario.timeout), replay.progress)
        await asyncio.gather(*tasks)
    finally:
        if disruptions:
            disruptions.resume()
            run.notes += disruptions.log
        for service, kind in set_faults:
            await api.clear_fault(service, kind)
    run.dead_letters = await api.dead_letters(run.started_at)
    run.elapsed_s = time.monotonic() - started  # real-time ok
    return run


async def _first(source: AsyncIterator[Submission], n: int) -> AsyncIterator[Submission]:
    """The first ``n`` submissions of ``source`` (the rest stay in it)."""
    for _ in range(n):
        try:
            yield await anext(source)
        except StopAsyncIteration:
            return


async def _chain(
    ahead: list[Submission], rest: AsyncIterator[Submission], run: ScenarioRun
) -> AsyncIterator[Submission]:
    """The submissions built ahead, then the rest as they are built; running out of people
    ends the stream (said in ``run.stopped``) instead of the replay."""
    for submission in ahead:
        yield submission
    if run.stopped:
        return
    try:
        async for submission in rest:
            yield submission
    except NoOneFits as error:
        run.stopped = f"nobody left to pick: {error}"


def _planned_count(scenario: Scenario) -> int:
    named = sum(d.submit.times if d.submit else 1 for d in scenario.dossiers)
    return named + sum(g.count for g in scenario.generate)


def _fault_setting(spec: dict[str, Any], start: datetime, speed: float) -> dict[str, Any]:
    """The ``/admin/faults`` body of a scenario fault, its window on the simulated clock."""
    at, until = spec.pop("at"), spec.pop("until")
    spec.pop("service")
    spec.pop("kind")
    offset = parse_seconds(at) / speed
    spec["starts_at"] = (start + timedelta(seconds=offset)).isoformat() if offset > 0 else None
    if until is not None:
        spec["ends_at"] = (start + timedelta(seconds=parse_seconds(until) / speed)).isoformat()
    return {key: value for key, value in spec.items() if value is not None}


async def _wait(
    api: SandboxApi, run: ScenarioRun, started: float, timeout_s: float, progress: Progress
) -> None:
    """Poll the dossiers until each is settled (see :func:`_settled`), or time out."""
    expected = _expected_status(run.scenario)
    names = {d.dossier_id: d.name for d in run.dossiers}
    failed_since: dict[str, float] = {}
    open_ids = list(names)
    deadline = time.monotonic() + timeout_s  # real-time ok
    while True:
        if open_ids:
            run.views.update(await api.dossiers(open_ids))
        now = time.monotonic()  # real-time ok
        for i in open_ids:
            if i in run.views and run.views[i]["status"] == "failed":
                failed_since.setdefault(i, now)
            else:
                failed_since.pop(i, None)
        open_ids = [
            i
            for i in open_ids
            if not _settled(
                run.views.get(i), expected.get(names[i] or ""), failed_since.get(i), now
            )
        ]
        progress("wait", len(names) - len(open_ids), len(names))
        if not open_ids:
            return
        if now > deadline:
            run.timed_out = True
            return
        await asyncio.sleep(0.25 if len(open_ids) < 1000 else 1.0)


def _settled(
    view: dict[str, Any] | None, expected: str | None, failed_since: float | None, now: float
) -> bool:
    """Final, or in the state the scenario expects of it.

    ``failed`` is final only once it lasts: a step failed by a dead letter is replaced by the
    agency's decision if that still comes (a poison message carrying the dossier's key is
    dead-lettered while the real event goes through), usually within a second.
    """
    if view is None:
        return False
    status = view["status"]
    if status == expected or status in FINAL:
        return True
    return failed_since is not None and now - failed_since >= _FAILED_SETTLES_S
