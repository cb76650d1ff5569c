"""Throughput of the sandbox on PostgreSQL with 1, 2, 3… instances of the agencies.

For each count N, a fresh system (``lienthong up --instances population=N,insurance=N``, every
service on a new PostgreSQL database of its own) is driven by ``lienthong load --max`` for the
same duration and seed; one line per N gives the completed dossiers per second, the
submit→completed latency and the peak consumer lag, then the system is stopped.

    .venv/bin/python scripts/measure_instances.py --admin-url postgresql://USER@HOST/postgres
    .venv/bin/python scripts/measure_instances.py --counts 1,2,3 --duration 30

Without ``--admin-url`` a throwaway PostgreSQL server is started for the run (the test suite's
``tests/postgres.py``: Debian's ``postgresql`` package must be installed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lienthong.cli.data_dir import LOCK_FILE_NAME  # noqa: E402
from lienthong.contracts.services import SERVICE_NAMES  # noqa: E402
from tests.postgres import create_database, postgres_server  # noqa: E402

READY_TIMEOUT_S = 180.0


def _server(admin_url: str | None) -> contextlib.AbstractContextManager[str]:
    if admin_url:
        return contextlib.nullcontext(admin_url)
    return postgres_server()


def _processes(data_dir: Path) -> dict[str, str]:
    try:
        info: dict[str, Any] = json.loads((data_dir / LOCK_FILE_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in (info.get("processes") or {}).items()}


def _healthy(urls: dict[str, str]) -> bool:
    try:
        return all(
            httpx.get(f"{url}/health", timeout=2, trust_env=False).status_code == 200
            for url in urls.values()
        )
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def _system(admin_url: str, count: int, data_dir: Path) -> Iterator[None]:
    """``lienthong up`` with *count* instances of population and insurance, until healthy."""
    run = uuid.uuid4().hex[:8]
    env = dict(os.environ)
    for service in SERVICE_NAMES:
        env[f"{service.upper()}_DATABASE_URL"] = create_database(admin_url, f"m{run}_{service}")
    instances = f"population={count},insurance={count}"
    argv = ["up", "--data-dir", str(data_dir), "--instances", instances, "--log-level", "warning"]
    log = (data_dir / "up.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "lienthong", *argv],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not (len(_processes(data_dir)) == 2 + 2 * count and _healthy(_processes(data_dir))):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"up did not start: see {data_dir / 'up.log'}")
            time.sleep(0.5)
        yield
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _measure(data_dir: Path, duration: float, concurrency: int, seed: int) -> dict[str, Any]:
    argv = ["load", "--data-dir", str(data_dir), "--max", "--duration", str(duration)]
    argv += ["--concurrency", str(concurrency), "--seed", str(seed), "--report", "json"]
    done = subprocess.run(
        [sys.executable, "-m", "lienthong", *argv], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"load failed ({done.returncode}): {done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _line(count: int, report: dict[str, Any]) -> str:
    latency = report["latency_s"]["submit_to_completed"]
    counts = report["counts"]
    return (
        f"{count:>9}  {report['rates']['completed_per_s'] or 0:>12.1f}  "
        f"{latency.get('p50') or 0:>7.2f}  {latency.get('p99') or 0:>7.2f}  "
        f"{counts['completed']:>9}  {counts['lost']:>4}  "
        f"{report['consumer_lag'].get('peak_total') or 0:>8}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", help="a PostgreSQL URL allowed to CREATE DATABASE")
    parser.add_argument("--counts", default="1,2,3", help="instance counts to try (1,2,3)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (30)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (32)")
    parser.add_argument("--seed", type=int, default=2024, help="the load's seed (2024)")
    args = parser.parse_args()
    try:
        counts = [int(n) for n in args.counts.split(",")]
    except ValueError:
        parser.error(f"--counts {args.counts!r}: comma-separated numbers, e.g. 1,2,3")
    print("instances  completed/s  p50 (s)  p99 (s)  completed  lost  peak lag")
    with _server(args.admin_url) as admin_url:
        for count in counts:
            with tempfile.TemporaryDirectory(prefix="lienthong-instances-") as tmp:
                with _system(admin_url, count, Path(tmp)):
                    report = _measure(Path(tmp), args.duration, args.concurrency, args.seed)
                print(_line(count, report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
