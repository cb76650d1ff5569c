"""Rough throughput of one `lienthong up`: submit N birth dossiers, time until all completed.

A first figure only (the load generator and benchmark come later). Every dossier is the shipped
example with a distinct child name, so none is refused as a duplicate.

    .venv/bin/python scripts/measure_births.py --count 1000 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime

import httpx

from lienthong.chaos.load import birth_form


async def _completed(client: httpx.AsyncClient) -> int:
    stats = (await client.get("/api/v1/stats")).json()
    dossiers = stats["flows"]["birth"]["dossiers"]
    return int(dossiers["completed"] + dossiers["rejected"] + dossiers["failed"])


async def main(url: str, count: int, concurrency: int) -> None:
    run = str(int(time.time()))
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        finished_before = await _completed(client)
        queue = list(range(count))
        ids: list[str] = []

        post_latencies: list[float] = []

        async def worker() -> None:
            while queue:
                n = queue.pop()
                sent = time.perf_counter()
                response = await client.post("/api/v1/dossiers", json=birth_form(run, n))
                post_latencies.append(time.perf_counter() - sent)
                response.raise_for_status()
                ids.append(response.json()["dossier_id"])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        submitted = time.perf_counter() - started
        while True:  # poll the gateway's counters until every dossier has finished
            if await _completed(client) - finished_before >= count:
                break
            await asyncio.sleep(0.25)  # /stats costs ~10 ms at 2,000 dossiers: poll gently
        finished = time.perf_counter() - started
        sample = [
            (await client.get(f"/api/v1/dossiers/{dossier_id}")).json() for dossier_id in ids[:200]
        ]
    latencies = [
        (
            datetime.fromisoformat(d["completed_at"]) - datetime.fromisoformat(d["submitted_at"])
        ).total_seconds()
        for d in sample
        if d["completed_at"]
    ]
    statuses = {d["status"] for d in sample}
    print(f"dossiers: {count}, concurrency {concurrency}, sample statuses {sorted(statuses)}")
    print(f"submitted in {submitted:.2f}s = {count / submitted:.0f}/s accepted by the gateway")
    post_latencies.sort()
    print(
        f"POST latency: p50 {statistics.median(post_latencies) * 1000:.0f} ms, "
        f"p95 {post_latencies[int(len(post_latencies) * 0.95) - 1] * 1000:.0f} ms"
    )
    print(f"all finished in {finished:.2f}s = {count / finished:.0f} dossiers/s end to end")
    if latencies:
        latencies.sort()
        print(
            f"latency submit→completed (first {len(latencies)}): "
            f"p50 {statistics.median(latencies):.2f}s, "
            f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.2f}s, max {latencies[-1]:.2f}s"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.count, args.concurrency))
