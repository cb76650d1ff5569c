"""Time the gateway's observability reads: ``/api/v1/stats`` and every call the dashboard makes.

The issue's bar is an answer under 300 ms with a million dossiers stored (see
``scripts/fill_gateway.py`` for how they are stored). Each URL is asked ``--repeat`` times, one
request at a time, after one warm-up request; the table gives the median and the slowest.

    .venv/bin/python scripts/time_reads.py --url http://127.0.0.1:8000 --repeat 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import httpx

from lienthong.runtime.credentials import bearer

READS = (
    "/api/v1/stats",
    "/api/v1/stats?group_by=province",
    "/api/v1/stats?group_by=day",
    "/api/v1/stats?flow=birth&province=01&since=2026-11-01&until=2026-11-30",
    "/api/v1/stats?agency=population&group_by=day&since=2026-11-20",
    "/api/v1/stats/latency?window=300",
    "/api/v1/stats/throughput?minutes=10&bucket=5",
    "/api/v1/health/agencies",
    "/api/v1/failures?status=unresolved&limit=20",
    "/api/v1/reasons",
    "/dashboard",
    "/metrics",
)
"""``/api/v1/stats`` with each kind of filter, and the dashboard's page and data calls."""


def main() -> None:
    """Print one line per URL: status, median and slowest time in milliseconds, size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the gateway")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--api-key",
        default=os.environ.get("LIENTHONG_API_KEY") or None,
        help="the admin key, when credentials are on (env LIENTHONG_API_KEY)",
    )
    arguments = parser.parse_args()
    print(f"{'read':<72} {'status':>6} {'p50 ms':>8} {'max ms':>8} {'bytes':>9}")
    headers = bearer(arguments.api_key)
    with httpx.Client(
        base_url=arguments.url, timeout=60, trust_env=False, headers=headers
    ) as client:
        for path in READS:
            client.get(path)  # warm-up: connection, caches
            took, status, size = [], 0, 0
            for _ in range(arguments.repeat):
                began = time.perf_counter()
                response = client.get(path)
                took.append((time.perf_counter() - began) * 1000)
                status, size = response.status_code, len(response.content)
            median, slowest = statistics.median(took), max(took)
            print(f"{path:<72} {status:>6} {median:>8.1f} {slowest:>8.1f} {size:>9,}")


if __name__ == "__main__":
    main()
