"""What a null-pipeline run measured, computed from raw arrivals by pure functions.

Kept apart from the Kafka code so the arithmetic (window, rate, percentiles) is unit-tested
without a broker, and so the ``bench`` command can print and compare results as plain data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from lienthong.load.stats import percentile as nearest_rank

__all__ = ["Arrivals", "NullPipelineResult", "Window", "percentile", "summarise"]

_NS_PER_S = 1_000_000_000
_NS_PER_MS = 1_000_000


@dataclass(frozen=True)
class Window:
    """The measured interval, in ``time.monotonic_ns`` units: after warm-up, before the drain.

    Only arrivals inside it count toward the rate, so group joins and connection set-up at the
    start, and the tail that trickles in once the source stopped, do not dilute the figure.
    """

    start_ns: int
    end_ns: int

    @property
    def seconds(self) -> float:
        """Its length in seconds."""
        return (self.end_ns - self.start_ns) / _NS_PER_S

    def __contains__(self, instant_ns: object) -> bool:
        """Whether an instant falls inside ``[start, end)``."""
        return isinstance(instant_ns, int) and self.start_ns <= instant_ns < self.end_ns


@dataclass
class Arrivals:
    """What the sink saw: each distinct message's arrival instant and latency, and the repeats.

    Two parallel lists rather than a list of pairs: tens of thousands of small tuples would
    cost the sink (which shares its event loop with the source) more than the counting itself.
    """

    at_ns: list[int]
    latency_ns: list[int]
    duplicates: int = 0

    @classmethod
    def empty(cls) -> Arrivals:
        """Nothing arrived yet."""
        return cls(at_ns=[], latency_ns=[])

    @property
    def delivered(self) -> int:
        """Distinct messages that reached the sink."""
        return len(self.at_ns)


@dataclass(frozen=True)
class NullPipelineResult:
    """One run of the null pipeline: raw aiokafka relays, no database, no logic.

    ``messages_per_s`` counts distinct messages reaching the sink inside the measured window;
    latencies (send call at the source → batch handed to the sink) are of those same messages.
    ``sent`` counts sends the broker acknowledged (``send_errors`` those it refused); a healthy
    run has ``lost == 0``, ``duplicates == 0`` and ``send_errors == 0``. Latencies are None
    when nothing arrived inside the window.
    """

    run_id: str
    hops: int
    hop_names: list[str]
    partitions: int
    message_bytes: int
    max_in_flight: int
    warmup_s: float
    duration_s: float
    sent: int
    send_errors: int
    delivered: int
    duplicates: int
    lost: int
    measured: int
    messages_per_s: float
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    latency_max_ms: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data (``json.dumps(result.to_dict())``)."""
        return asdict(self)


def percentile(values: Sequence[int], q: float) -> int | None:
    """The nearest-rank *q*-th percentile (0 < q ≤ 100) of *values*, None when empty.

    Nearest rank returns an observed value, never an interpolation between two: a p99 of
    100 samples is the 99th smallest, which is what "99 % took at most this long" means.
    """
    if not 0 < q <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {q}")
    found = nearest_rank(sorted(values), q)  # the one nearest-rank rule, shared with load
    return None if found is None else int(found)


def _ms(value_ns: int | None) -> float | None:
    return None if value_ns is None else round(value_ns / _NS_PER_MS, 3)


def summarise(
    *,
    run_id: str,
    hop_names: Sequence[str],
    partitions: int,
    message_bytes: int,
    max_in_flight: int,
    warmup_s: float,
    sent: int,
    arrivals: Arrivals,
    send_errors: int = 0,
    window: Window,
) -> NullPipelineResult:
    """The result of a run from what the source acknowledged and what the sink saw."""
    inside = [
        latency
        for at, latency in zip(arrivals.at_ns, arrivals.latency_ns, strict=True)
        if at in window
    ]
    seconds = window.seconds
    return NullPipelineResult(
        run_id=run_id,
        hops=len(hop_names),
        hop_names=list(hop_names),
        partitions=partitions,
        message_bytes=message_bytes,
        max_in_flight=max_in_flight,
        warmup_s=warmup_s,
        duration_s=round(seconds, 3),
        sent=sent,
        send_errors=send_errors,
        delivered=arrivals.delivered,
        duplicates=arrivals.duplicates,
        lost=max(sent - arrivals.delivered, 0),
        measured=len(inside),
        messages_per_s=round(len(inside) / seconds, 1) if seconds > 0 else 0.0,
        latency_p50_ms=_ms(percentile(inside, 50)),
        latency_p99_ms=_ms(percentile(inside, 99)),
        latency_max_ms=_ms(max(inside, default=None)),
    )
