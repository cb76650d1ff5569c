"""One load run against a running sandbox: prepare, send, watch, drain, report.

The run's phases are timed apart so the report can say what the tool itself costs: building
the forms happens before the clock starts (``prepare``), sending and watching during it
(``submit``), and waiting for the last dossiers after it (``drain``). While it runs, one
monitor task reads the gateway's counters, the consumer lag and the processes every
``poll_s`` and hands a :class:`Progress` to whoever shows the live line.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

import httpx

from lienthong.cli.target import Target
from lienthong.domain.calendar import vietnam_date
from lienthong.load.forms import FormMaker, FormSource
from lienthong.load.observe import (
    FINAL,
    ClockMap,
    DossierTimes,
    Observer,
    parse_time,
    stats_totals,
)
from lienthong.load.plan import LoadPlan, planned_count
from lienthong.load.procs import ProcWatch, SelfCost
from lienthong.load.report import LoadReport, build_report
from lienthong.load.stats import percentile
from lienthong.load.submit import RunClock, SubmitLog, submit_all
from lienthong.load.wire import WireClient, WireError
from lienthong.runtime.lag import LagSampler

__all__ = ["UNREACHABLE", "LoadError", "LoadRun", "Progress", "run_load"]

PREFILL_MAX: Final = 30_000
"""Bodies built before the clock starts, at most (about 1 kB each)."""
MAX_MODE_GUESS: Final = 300
"""Dossiers/s a ``max`` run is assumed to reach when sizing what to build beforehand."""
REFILL_KEEP: Final = 2_000


class LoadError(RuntimeError):
    """The sandbox could not be read before the run started; the message says which part."""


UNREACHABLE: Final = (LoadError, WireError, httpx.HTTPError, OSError)
"""What a sandbox that stops answering raises through a run: the commands exit 3 on these."""


@dataclass(frozen=True)
class Progress:
    """One reading of the live line."""

    elapsed_s: float
    phase: str
    sent_per_s: float
    accepted: int
    in_flight: int
    completed: int
    rejected: int
    failed: int
    p50_s: float | None
    p99_s: float | None
    lag: int | None


@dataclass
class LoadRun:
    """Everything one run measured, before it is summarised (:func:`build_report`)."""

    plan: LoadPlan
    run_tag: str
    clock: ClockMap
    wall_started: float
    submit_s: float = 0.0
    drain_s: float = 0.0
    log: SubmitLog = field(default_factory=SubmitLog)
    dossiers: dict[str, DossierTimes] = field(default_factory=dict)
    sampled: dict[str, DossierTimes] = field(default_factory=dict)
    gateway_before: dict[str, int] = field(default_factory=dict)
    gateway_after: dict[str, int] = field(default_factory=dict)
    published_before: dict[str, int | None] = field(default_factory=dict)
    published_after: dict[str, int | None] = field(default_factory=dict)
    lag_series: list[tuple[float, dict[str, int]]] = field(default_factory=list)
    lag_error: str | None = None
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tool: dict[str, Any] = field(default_factory=dict)
    starved: int = 0
    deaths_short: int = 0
    notes: list[str] = field(default_factory=list)


async def _json(url: str, path: str, headers: Mapping[str, str] | None = None) -> Any:
    """A service's JSON; a refused key (credentials on) is :class:`LoadError`, said once, rather
    than a run whose every request is refused."""
    client = WireClient(url, timeout_s=10.0, headers=headers)
    try:
        answer = await client.get(path)
    finally:
        await client.aclose()
    if answer.status in (401, 403):
        raise LoadError(f"{url}{path} refused the key (HTTP {answer.status}): give --api-key")
    return answer.json()


async def _healths(urls: Mapping[str, str]) -> dict[str, dict[str, Any] | None]:
    async def one(url: str) -> dict[str, Any] | None:
        try:
            body = await _json(url, "/health")
        except WireError:
            return None
        return body if isinstance(body, dict) else None

    bodies = await asyncio.gather(*(one(url) for url in urls.values()))
    return dict(zip(urls, bodies, strict=True))


def _published(healths: Mapping[str, dict[str, Any] | None]) -> dict[str, int | None]:
    """Events each service's outbox relay has published since it started (``/health``)."""
    return {
        name: (body or {}).get("relay", {}).get("published") if body else None
        for name, body in healths.items()
    }


def _default_maker(target: Target, plan: LoadPlan, run_tag: str, clock: ClockMap) -> FormMaker:
    from lienthong.workload.factory import FormFactory

    today = vietnam_date(clock.sim_at)
    return FormFactory(
        target.urls, seed=plan.seed, run=run_tag, today=today, headers=target.headers
    )


def _prefill(plan: LoadPlan) -> int:
    if plan.prefill is not None:
        return plan.prefill
    wanted = planned_count(plan) if plan.open_loop else int(plan.duration_s * MAX_MODE_GUESS)
    return min(PREFILL_MAX, wanted + max(plan.batch, 1))


async def run_load(
    target: Target,
    plan: LoadPlan,
    *,
    progress: Callable[[Progress], None] | None = None,
    maker: FormMaker | None = None,
) -> LoadReport:
    """Run ``plan`` against ``target``; :class:`LoadError` when it cannot even start."""
    try:
        gateway_health = await _json(target.gateway, "/health")
    except WireError as error:
        raise LoadError(f"the gateway at {target.gateway} did not answer: {error}") from error
    clock_info = gateway_health.get("clock", {})
    speed, sim_now = float(clock_info.get("speed", 1.0)), parse_time(clock_info["now"])
    clock_map = ClockMap(speed, sim_now, time.time())  # real-time ok
    run_tag = plan.run_tag or format(int(time.time() * 1000), "x")[-9:]  # real-time ok
    cost = SelfCost()
    cost.begin()
    source = FormSource(
        maker or _default_maker(target, plan, run_tag, clock_map),
        run_tag=run_tag,
        birth_share=plan.birth_share,
        rng=random.Random(f"{plan.seed}:{run_tag}:mix"),
    )
    try:
        await source.prepare()
        await source.fill(_prefill(plan))
        cost.end("prepare")
        return await _run(target, plan, source, cost, clock_map, run_tag, progress)
    finally:
        await source.aclose()


async def _run(
    target: Target,
    plan: LoadPlan,
    source: FormSource,
    cost: SelfCost,
    clock_map: ClockMap,
    run_tag: str,
    progress: Callable[[Progress], None] | None,
) -> LoadReport:
    bootstrap = target.bootstrap_servers
    lag = LagSampler(bootstrap) if bootstrap else None
    lag_error = None if lag else "no Kafka address known (found through --url)"
    if lag is not None and not await lag.start():
        lag_error = lag.error
    pids = dict(target.pids)
    if target.broker_pid is not None:
        pids["broker"] = target.broker_pid
    watch = ProcWatch(pids)
    client = WireClient(
        target.gateway, timeout_s=30.0, max_idle=plan.max_in_flight + 64, headers=target.headers
    )
    healths = await _healths(target.urls)
    baseline = stats_totals(await _json(target.gateway, "/api/v1/stats", target.headers))
    observer = Observer(client, clock_map, plan.sample_per_s, baseline, latest=dict(baseline))
    clock = RunClock()
    run = LoadRun(plan, run_tag, clock_map, clock.wall_started, gateway_before=baseline)
    run.published_before = _published(healths)
    log = run.log
    if source.ready < planned_count(plan) or not plan.open_loop:
        source.start_refill(REFILL_KEEP)
    watch.sample()
    cost.begin()
    monitor = asyncio.get_running_loop().create_task(
        _monitor(run, observer, lag, watch, clock, progress)
    )
    try:
        await submit_all(plan, client, source, clock, log, observer.on_accepted)
        run.submit_s = clock.now()
        cost.end("submit")
        cost.begin()
        accepted = log.accepted_ids()
        deadline = run.submit_s + plan.drain_s
        while _finished(observer.delta()) < len(accepted) and clock.now() < deadline:
            observer.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(observer.changed.wait(), deadline - clock.now())
        not_before = clock_map.sim_at - timedelta(seconds=60 * clock_map.speed)
        try:
            run.dossiers = await observer.every(accepted, not_before)
        except WireError as error:
            run.notes.append(f"the run's dossiers could not be listed: {error}")
        while clock.now() < deadline and any(
            times.status not in FINAL for times in run.dossiers.values()
        ):
            await asyncio.sleep(plan.poll_s)
            await observer.recheck(run.dossiers)
        run.drain_s = clock.now() - run.submit_s
    finally:
        monitor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await monitor
        await client.aclose()
        if lag is not None:
            await lag.close()
    watch.sample()
    cost.end("drain")
    run.gateway_after = stats_totals(await _json(target.gateway, "/api/v1/stats", target.headers))
    run.published_after = _published(await _healths(target.urls))
    run.sampled = dict(observer.sampled)
    run.lag_series = lag.series if lag is not None else []
    run.lag_error = lag_error
    run.processes = watch.report()
    run.tool = {
        **cost.report(len(log.outcomes), source.built),
        "forms_built": source.built,
        "connections_opened": client.opened,
    }
    run.starved, run.deaths_short = source.starved, source.deaths_short
    return build_report(run)


def _finished(delta: Mapping[str, int]) -> int:
    return sum(delta.get(status, 0) for status in FINAL)


async def _monitor(
    run: LoadRun,
    observer: Observer,
    lag: LagSampler | None,
    watch: ProcWatch,
    clock: RunClock,
    progress: Callable[[Progress], None] | None,
) -> None:
    """Every ``poll_s``: counters, sampled dossiers, lag, processes; then the live line."""
    plan, log = run.plan, run.log
    sent_before, at_before = 0, 0.0
    while True:
        await asyncio.sleep(plan.poll_s)
        try:
            delta = await observer.poll()
        except WireError:
            delta = observer.delta()
        lags = await lag.sample(clock.now()) if lag is not None else None
        watch.sample()
        if progress is None:
            continue
        now, sent = clock.now(), len(log.outcomes)
        latencies = sorted(observer.live_latencies())
        progress(
            Progress(
                elapsed_s=now,
                phase="draining" if run.submit_s else "submitting",
                sent_per_s=(sent - sent_before) / max(now - at_before, 1e-9),
                accepted=observer.accepted,
                in_flight=max(0, observer.accepted - _finished(delta)),
                completed=delta.get("completed", 0),
                rejected=delta.get("rejected", 0),
                failed=delta.get("failed", 0),
                p50_s=percentile(latencies, 50),
                p99_s=percentile(latencies, 99),
                lag=sum(lags.values()) if lags is not None else None,
            )
        )
        sent_before, at_before = sent, now
