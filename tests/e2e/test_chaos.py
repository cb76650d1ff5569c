"""Chaos on purpose, on the real broker and processes: every run ends with `verify` clean.

The reports' failures, caused one scenario at a time while a few hundred dossiers of both flows
are in flight: every service SIGKILLed mid-batch (the supervisor restarts it), the broker paused
past the consumers' session timeout, every fault switched on and off, poison on every topic, an
agency down, and an agency failing until its dead letters are redriven. Nothing may be lost or
applied twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from lienthong.chaos.load import drain, submit_all, tally
from lienthong.contracts.services import SERVICE_NAMES
from tests.e2e.chaos import (
    DEATHS,
    DRAIN_S,
    cli,
    finish,
    load,
    lock_info,
    mixed_forms,
)
from tests.e2e.helpers import RunningSystem, running_system

pytestmark = pytest.mark.e2e


@pytest_asyncio.fixture
async def chaos(tmp_path: Path) -> AsyncIterator[tuple[RunningSystem, httpx.AsyncClient]]:
    """A system of its own per scenario: faults and kills must not leak into other tests."""
    with running_system(tmp_path) as system:
        async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=30) as gateway:
            yield system, gateway


@pytest_asyncio.fixture
async def chaos_with_default_retries(
    tmp_path: Path,
) -> AsyncIterator[tuple[RunningSystem, httpx.AsyncClient]]:
    """A system on the services' own retry budget (8 attempts from 500 ms, about a minute).

    The other scenarios shorten it to 3 attempts from 100 ms so that their injected errors
    dead-letter quickly; a killed population is back only after its restart (about 5 s on a
    busy machine), so under the short budget the registry's calls to it ran out of attempts
    and dead-lettered the dossiers — a test of the shortcut, not of the promise.
    """
    retries = {"TRANSIENT_MAX_ATTEMPTS": "8", "TRANSIENT_BACKOFF_MS": "500"}
    with running_system(tmp_path, None, None, **retries) as system:
        async with httpx.AsyncClient(base_url=system.urls["gateway"], timeout=30) as gateway:
            yield system, gateway


async def test_every_service_killed_mid_load_is_restarted_and_nothing_is_lost(
    chaos_with_default_retries: tuple[RunningSystem, httpx.AsyncClient],
) -> None:
    system, gateway = chaos_with_default_retries
    forms = await mixed_forms(system, "kill")
    submitting = asyncio.create_task(submit_all(gateway, forms))
    killed: dict[str, int] = {}
    for name in ("civil_registry", "population", "insurance", "gateway"):
        await asyncio.sleep(0.7)
        killed[name] = lock_info(system)["children"][name]
        os.kill(killed[name], signal.SIGKILL)
    ended = time.monotonic()
    deadline = ended + 60
    while any(lock_info(system)["children"].get(n) in (None, pid) for n, pid in killed.items()):
        assert time.monotonic() < deadline, f"not all restarted: {lock_info(system)}"
        await asyncio.sleep(0.2)
    ids = await submitting
    await _healthy(system)
    assert lock_info(system)["restarts"] == dict.fromkeys(killed, 1)
    await finish("SIGKILL of every service mid-load", system, gateway, ids, ended=ended)


async def _healthy(system: RunningSystem) -> None:
    """Every service answers /health with 200 again (a restart takes ~12 s to rejoin Kafka)."""
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient(timeout=5, trust_env=False) as client:
        for url in system.urls.values():
            while True:
                try:
                    if (await client.get(f"{url}/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"{url} not healthy again"
                await asyncio.sleep(0.2)


async def test_the_broker_paused_past_the_session_timeout_loses_nothing(
    chaos: tuple[RunningSystem, httpx.AsyncClient],
) -> None:
    """Paused mid-load: intake goes on into the outboxes, consumers lose their group."""
    system, gateway = chaos
    forms = await mixed_forms(system, "pause")
    submitting = asyncio.create_task(submit_all(gateway, forms))
    await asyncio.sleep(1.0)
    broker = int(lock_info(system)["broker_pid"])
    os.kill(broker, signal.SIGSTOP)
    try:
        await asyncio.sleep(10)  # the consumers' session timeout is 6 s
        during = await tally(gateway)
    finally:
        os.kill(broker, signal.SIGCONT)
    ended = time.monotonic()
    ids = await submitting
    assert during.final < len(ids)  # the pause did catch dossiers in flight
    await finish(
        "broker paused 10 s mid-load (session timeout 6 s)", system, gateway, ids, ended=ended
    )


FAULTS = [
    ("civil_registry", "data_mismatch", "--rate", "0.05"),
    ("population", "signature_invalid", "--rate", "0.05", "--flow", "birth"),
    ("population", "sync_error", "--rate", "0.3"),
    ("population", "slow_consumer", "--latency", "fixed:0.002s"),
    ("insurance", "latency", "--latency", "uniform:1s..3s"),
    ("civil_registry", "duplicate", "--rate", "0.5"),
    ("population", "delay", "--latency", "fixed:2s"),
    ("gateway", "reorder", "--window", "10"),
    ("insurance", "poison", "--rate", "0.2"),
    ("gateway", "overload", "--rate", "0.2"),
    ("civil_registry", "down", "--province", "01", "--flow", "death"),
]


async def test_every_fault_switched_on_then_off_ends_clean(
    chaos: tuple[RunningSystem, httpx.AsyncClient],
) -> None:
    system, gateway = chaos
    for agency, fault, *options in FAULTS:
        cli(system, "faults", "set", agency, fault, *options)
    listed = cli(system, "faults", "list", "--json").stdout
    ids = await load(system, gateway, "faults")
    await asyncio.sleep(3)
    during = await tally(gateway)
    cli(system, "faults", "clear")
    ended = time.monotonic()
    # sync_error at 0.3 spends all three attempts of about 1 message in 40: redrive them.
    settled, _ = await drain(gateway, len(ids), DRAIN_S)
    cli(system, "redrive", "--all-matching", "--kind", "transient")
    redriven = settled.get("failed")
    result = await finish(
        "every fault on, then cleared", system, gateway, ids, ended=ended, redriven=redriven
    )
    for _, fault, *_ in FAULTS:
        assert fault in listed
    assert during.final < len(ids)  # civil_registry down for Hà Nội's deaths held them
    assert result.rejected > 0  # data_mismatch and signature_invalid refused some


async def test_poison_on_every_topic_is_dead_lettered_and_consumers_go_on(
    chaos: tuple[RunningSystem, httpx.AsyncClient],
) -> None:
    system, gateway = chaos
    for agency in SERVICE_NAMES:
        cli(system, "faults", "set", agency, "poison", "--rate", "0.3")
    ids = await load(system, gateway, "poison")
    ended = time.monotonic()  # poison stays on: nothing to end, the load is the fault
    result = await finish("poison on every topic (rate 0.3)", system, gateway, ids, ended=ended)
    failures = cli(system, "failures", "--json", "--limit", "1000").stdout
    assert "malformed" in failures or "invalid_payload" in failures
    assert result.completed > 0


async def test_an_agency_down_holds_its_dossiers_then_dead_letters_are_redriven(
    chaos: tuple[RunningSystem, httpx.AsyncClient],
) -> None:
    system, gateway = chaos
    # Down: population stops consuming and answers 503; the dossiers wait, none fails.
    forms = await mixed_forms(system, "down")
    later = await mixed_forms(system, "sync", skip_deaths=DEATHS)
    cli(system, "faults", "set", "population", "down")
    ids = await submit_all(gateway, forms)
    await asyncio.sleep(3)
    held = await tally(gateway)
    assert held.get("failed") == 0 and held.final < len(ids)
    cli(system, "faults", "clear", "population")
    back = time.monotonic()
    await finish("population down during the load, then back", system, gateway, ids, ended=back)

    # Failing: every birth at population fails until its attempts are spent, then redrive.
    cli(system, "faults", "set", "population", "sync_error", "--flow", "birth")
    more = await submit_all(gateway, later)
    failed, _ = await drain(gateway, len(ids) + len(more), DRAIN_S)
    assert failed.get("failed") > 0
    cli(system, "faults", "clear", "population")
    redrive = cli(system, "redrive", "--all").stdout
    sent = time.monotonic()
    redriven = failed.get("failed")
    await finish(
        "population failing births, then redrive",
        system,
        gateway,
        ids + more,
        ended=sent,
        redriven=redriven,
    )
    assert redrive
