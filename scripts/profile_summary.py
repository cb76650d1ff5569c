"""Where a service's CPU goes, from a py-spy raw profile (``py-spy record --format raw``).

Prints the share of busy samples (waiting threads left out) by layer (database driver and
ORM, Pydantic, JSON, Kafka client, HTTP server, logging, our own code, the event loop), the
functions with the most samples of their own, and our functions with everything they call, so a
step of the throughput work can say what it moved. A sample is put in the first layer its stack
reaches from the leaf upwards, so "database" means time spent inside SQLAlchemy or the
SQLite/PostgreSQL drivers, whoever called them. Usage::

    python scripts/profile_summary.py prof-gateway.txt [more profiles…] [--top 15]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

LAYERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("database", re.compile(r"(sqlalchemy|aiosqlite|sqlite3|asyncpg|sqlmodel)/")),
    ("pydantic", re.compile(r"pydantic(_core)?/")),
    ("json", re.compile(r"(json/|orjson)")),
    ("kafka client", re.compile(r"aiokafka/|kafka/")),
    ("http server", re.compile(r"(uvicorn|starlette|fastapi|h11|httptools|anyio)/")),
    ("http client", re.compile(r"(httpx|httpcore)/")),
    ("logging", re.compile(r"logging/|structlog/")),
    ("metrics", re.compile(r"prometheus_client/")),
    ("our code", re.compile(r"(lienthong|services)/")),
    ("event loop", re.compile(r"asyncio/|selectors|uvloop")),
)
_FRAME = re.compile(r"^(?P<name>.*) \((?P<where>[^()]*)\)$")
IDLE: tuple[re.Pattern[str], ...] = (
    re.compile(r"^Condition\.wait \(threading\.py"),  # a worker thread with nothing to do
    re.compile(r"^_connection_worker_thread \(aiosqlite/core\.py:59\)"),  # its queue's get()
    re.compile(r"^\w+Selector\.select \(selectors\.py"),  # the event loop waiting for I/O
)
"""Leaves that mean waiting, not working: py-spy samples every thread, blocked or not."""
OURS = re.compile(r"\((lienthong|services)/")


def _layer(frames: list[str]) -> str:
    for frame in reversed(frames):  # from the leaf up: the innermost layer that ran
        for name, pattern in LAYERS:
            if pattern.search(frame):
                return name
    return "other"


def summarize(path: Path, top: int) -> str:
    """The layer shares and the top self-time functions of one profile, as text."""
    layers: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = idle = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        if any(pattern.search(frames[-1]) for pattern in IDLE):
            idle += n
            continue
        total += n
        layers[_layer(frames)] += n
        for name in {_name(frame) for frame in frames if OURS.search(frame)}:
            ours[name] += n  # inclusive: once per sample, however deep it recurses
        match = _FRAME.match(frames[-1])
        leaves[match.group("name") + " " + match.group("where") if match else frames[-1]] += n
    lines = [f"{path.name}: {total} busy samples ({idle} waiting, left out)"]
    lines += [f"  {name:<14} {n / total:6.1%}" for name, n in layers.most_common()]
    lines.append("  functions with the most samples of their own:")
    lines += [f"    {n / total:6.1%}  {name}" for name, n in leaves.most_common(top)]
    lines.append("  our functions, with what they call (inclusive):")
    lines += [f"    {n / total:6.1%}  {name}" for name, n in ours.most_common(top)]
    return "\n".join(lines)


def _name(frame: str) -> str:
    """``Tracker.finish (services/gateway/handlers.py)``: the function and its file, no line."""
    match = _FRAME.match(frame)
    if match is None:
        return frame
    return f"{match.group('name')} ({match.group('where').rsplit(':', 1)[0]})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("profiles", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    for path in args.profiles:
        print(summarize(path, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
