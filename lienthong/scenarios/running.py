"""Replaying one scenario against a running sandbox: faults, timed submissions, waiting.

Offsets are simulated seconds from one origin: the sandbox's clock read (with the real
monotonic time) just before people are picked. On a clock of speed *c* replayed at ``--speed``
*s*, an offset *t* is submitted *t / (c·s)* real seconds after the origin, and stands for the
simulated instant *origin + t / s*: form dates are computed from that instant, and a fault
window is set on the simulated clock there, so the services switch it on and off themselves.
Whatever picking costs is caught up at once by the first submissions.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

import httpx

from lienthong.scenarios.bounds import parse_seconds
from lienthong.scenarios.disruptions import DisruptionRunner
from lienthong.scenarios.model import Scenario
from lienthong.scenarios.outcomes import FINAL, compact, wait_until_settled
from lienthong.scenarios.planning import Submission, plan
from lienthong.scenarios.system import SandboxApi, Unreachable
from lienthong.workload.people import NoOneFits, PeoplePicker

__all__ = ["Progress", "ScenarioRun", "SentDossier", "replay_scenario"]

_CONCURRENCY: Final = 32
_THROTTLE_RETRIES: Final = 600
_PICKED_AHEAD: Final = 5000
"""Submissions built before the first is sent (people picked in advance); the rest stream."""

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
    """Named dossiers in full, the others :func:`~lienthong.scenarios.outcomes.compact`."""
    invalid: dict[str, Any] = field(default_factory=dict)
    """Named submissions the portal refused at the door (4xx), with its answer."""
    refused: Counter[str | None] = field(default_factory=Counter)
    """Door refusals (4xx) by group (None: not in a group), named or not."""
    throttled: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    open_ids: list[str] = field(default_factory=list)
    """Dossiers still moving when the timeout passed."""
    stopped: str | None = None
    """Why submitting stopped before the plan's end (nobody left to pick, ``--max-duration``)."""
    problems: list[str] = field(default_factory=list)
    """What the replay could not do as the scenario says (a disruption without its process)."""
    notes: list[str] = field(default_factory=list)

    @property
    def timed_out(self) -> bool:
        """Some dossier had not settled when the timeout passed."""
        return bool(self.open_ids)

    @property
    def final_per_s(self) -> float:
        """Dossiers that reached a final status, per real second of the run."""
        final = sum(1 for v in self.views.values() if v["status"] in FINAL)
        return final / self.elapsed_s if self.elapsed_s else 0.0


class _Sender:
    """Sends one submission (and its resubmissions), retrying the overloaded portal's 503."""

    def __init__(self, api: SandboxApi, run: ScenarioRun, real_per_sim: float) -> None:
        self.api = api
        self.run = run
        self.real_per_sim = real_per_sim
        self.limit = asyncio.Semaphore(_CONCURRENCY)
        self.in_flight: set[asyncio.Task[None]] = set()

    async def post(self, form: dict[str, Any], key: str | None) -> Any:
        for _ in range(_THROTTLE_RETRIES):
            answer = await self.api.submit(form, key)
            if answer.status != 503:
                return answer
            self.run.throttled += 1
            await asyncio.sleep(min(answer.retry_after_s, 5.0))
        raise Unreachable("the portal kept answering 503")

    def start(self, submission: Submission) -> None:
        task = asyncio.create_task(self.send(submission))
        self.in_flight.add(task)  # kept until done, then dropped: memory stays flat
        task.add_done_callback(self.in_flight.discard)

    async def send(self, submission: Submission) -> None:
        async with self.limit:
            seen: set[str] = set()
            for n in range(submission.times):
                if n:
                    await asyncio.sleep(submission.every_s * self.real_per_sim)
                answer = await self.post(submission.form, submission.key)
                label = submission.name
                if submission.name and submission.key is None and n > 0:
                    label = f"{submission.name}#{n + 1}"
                if answer.status >= 400:
                    self.run.refused[submission.group] += 1
                    if label:
                        self.run.invalid[label] = answer.body
                    continue
                dossier_id = answer.body["dossier_id"]
                if dossier_id not in seen:
                    seen.add(dossier_id)
                    self.run.dossiers.append(
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
    """Replay ``scenario`` on the sandbox behind ``api``; what came out, for the verdict.

    Whatever happens — an error, Ctrl-C — the faults it set are cleared and a paused broker
    resumed. A sandbox that stops answering is :class:`Unreachable`.
    """
    try:
        return await _replay(api, scenario, speed, data_dir, progress, max_duration_s)
    except httpx.HTTPError as error:  # from picking people: the registers stopped answering
        raise Unreachable(f"{type(error).__name__}: {error}") from error


async def _replay(
    api: SandboxApi,
    scenario: Scenario,
    speed: float,
    data_dir: Path | None,
    progress: Progress | None,
    max_duration_s: float | None,
) -> ScenarioRun:
    report = progress or (lambda phase, done, total: None)
    tag = str(await api.dossier_total())
    origin, clock_speed = await api.clock()
    started = time.monotonic()  # real-time ok: the origin's real instant, read with it
    run = ScenarioRun(scenario, started_at=origin)
    real_per_sim = 1.0 / (clock_speed * speed)
    sender = _Sender(api, run, real_per_sim)
    disruptions = DisruptionRunner(data_dir, real_per_sim) if data_dir else None
    picker = PeoplePicker(
        api.urls,
        random.Random(f"{scenario.seed}:{scenario.name}:people"),
        headers=api.headers,
    )
    set_faults: list[tuple[str, str]] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        planned = plan(scenario, picker, origin, tag, speed=speed)
        try:
            ahead = [s async for s in _first(planned, _PICKED_AHEAD)]
        except NoOneFits as error:
            ahead, run.stopped = [], f"nobody left to pick: {error}"
        for fault in scenario.faults:
            setting = _fault_setting(fault.model_dump(), origin, speed)
            await api.set_fault(fault.service, fault.kind.value, setting)
            set_faults.append((fault.service, fault.kind.value))
        if disruptions is not None:
            tasks = [asyncio.create_task(disruptions.run(d, started)) for d in scenario.disruptions]
        sent, total = 0, _planned_count(scenario)
        async for submission in _chain(ahead, planned, run):
            now = time.monotonic()  # real-time ok
            if max_duration_s is not None and now - started > max_duration_s:
                run.stopped = f"--max-duration {max_duration_s:g} s reached"
                break
            delay = started + submission.offset_s * real_per_sim - now
            if delay > 0:
                await asyncio.sleep(delay)
            while len(sender.in_flight) >= 4 * _CONCURRENCY:  # back-pressure on the plan
                await asyncio.wait(set(sender.in_flight), return_when=asyncio.FIRST_COMPLETED)
            sender.start(submission)
            sent += 1
            report("submit", sent, total)
        await picker.aclose()
        await asyncio.gather(*sender.in_flight)
        await _wait(api, run, parse_seconds(scenario.timeout), report)
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if disruptions is not None:
            disruptions.resume()
            run.notes += disruptions.log
            run.problems += disruptions.problems
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


def _fault_setting(spec: dict[str, Any], origin: datetime, speed: float) -> dict[str, Any]:
    """The ``/admin/faults`` body of a scenario fault, its window on the simulated clock."""
    at, until = spec.pop("at"), spec.pop("until")
    spec.pop("service")
    spec.pop("kind")
    offset = parse_seconds(at) / speed
    spec["starts_at"] = (origin + timedelta(seconds=offset)).isoformat() if offset > 0 else None
    if until is not None:
        spec["ends_at"] = (origin + timedelta(seconds=parse_seconds(until) / speed)).isoformat()
    return {key: value for key, value in spec.items() if value is not None}


async def _wait(api: SandboxApi, run: ScenarioRun, timeout_s: float, report: Progress) -> None:
    """Wait for every dossier to settle; named ones are kept whole, the rest compacted."""
    named = {d.dossier_id for d in run.dossiers if d.name}
    by_name = {d.name: d.dossier_id for d in run.dossiers if d.name}
    expected = {
        by_name[name]: e.status
        for name, e in run.scenario.expect.dossiers.items()
        if e.status and name in by_name
    }

    def keep(dossier_id: str, view: dict[str, Any]) -> None:
        run.views[dossier_id] = view if dossier_id in named else compact(view)

    run.open_ids = await wait_until_settled(
        api,
        [d.dossier_id for d in run.dossiers],
        timeout_s,
        expected=expected,
        keep=keep,
        progress=lambda done, total: report("wait", done, total),
    )
