"""Waiting for every service's ``GET /health``: when ``up`` may say "ready".

A service answers 200 only once its database, consumers and relay run, so "every /health is
200" is the moment the sandbox can take dossiers. Waiting fails fast instead of timing out when
a process dies meanwhile or the user asks to stop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Final

from lienthong.cli.errors import StartupInterrupted, StartupTimeout

__all__ = ["wait_healthy"]

POLL_S: Final = 0.2


def wait_healthy(
    base_urls: Mapping[str, str],
    *,
    timeout_s: float,
    stop_requested: threading.Event,
    check_alive: Callable[[], None],
    on_healthy: Callable[[str, float], None],
) -> None:
    """Poll ``<url>/health`` of every named service until all answer 200.

    Between rounds *check_alive* runs and may raise to abort (a child died); *stop_requested*
    set raises :class:`StartupInterrupted`; past *timeout_s*, :class:`StartupTimeout` names
    every service still waiting and its last answer. *on_healthy* gets each service's name and
    the seconds it took, as soon as it is healthy.
    """
    import httpx  # only the supervisor pays for it, not `lienthong serve` nor `--help`

    started = time.monotonic()
    deadline = started + timeout_s
    pending = {name: f"{url}/health" for name, url in base_urls.items()}
    last: dict[str, str] = {}
    # trust_env=False: a corporate HTTP(S)_PROXY must not intercept loopback health checks.
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while pending:
            if stop_requested.is_set():
                raise StartupInterrupted("stop requested before every service was healthy")
            check_alive()
            for name, url in list(pending.items()):
                try:
                    response = client.get(url)
                except httpx.HTTPError as exc:
                    last[name] = type(exc).__name__
                    continue
                last[name] = f"HTTP {response.status_code}"
                if response.status_code == 200:
                    del pending[name]
                    on_healthy(name, time.monotonic() - started)
            if pending and time.monotonic() > deadline:
                waiting = ", ".join(f"{name} ({last.get(name, 'no answer')})" for name in pending)
                raise StartupTimeout(f"not healthy within {timeout_s:.0f} s: {waiting}")
            if pending:
                stop_requested.wait(POLL_S)
