"""The null pipeline's pure parts: the arithmetic of a run, its topic names, its sample message.

The pipeline itself, on a real broker with relays in their own processes, is
tests/integration/test_null_pipeline.py.
"""

from __future__ import annotations

import json

import pytest

from lienthong.bench.measure import Arrivals, Window, percentile, summarise
from lienthong.bench.null_pipeline import NULL_HOPS
from lienthong.bench.sample import SENT_HEADER, Sample, sent_header, sent_ns
from lienthong.bench.topics import bench_group, bench_topic, new_run_id, pipeline_topics
from lienthong.contracts.catalogue import spec_for_type
from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.gateway import BirthDossierSubmitted

S = 1_000_000_000
MS = 1_000_000


def test_percentiles_are_nearest_rank_observed_values() -> None:
    hundred = list(range(100, 0, -1))  # unsorted on purpose
    assert percentile(hundred, 50) == 50
    assert percentile(hundred, 99) == 99
    assert percentile(hundred, 100) == 100
    assert percentile([7], 1) == 7
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([], 50) is None


@pytest.mark.parametrize("q", [0, -1, 100.5])
def test_a_percentile_outside_0_to_100_is_refused(q: float) -> None:
    with pytest.raises(ValueError, match="percentile must be in"):
        percentile([1, 2], q)


def test_the_window_holds_its_start_but_not_its_end() -> None:
    window = Window(start_ns=2 * S, end_ns=5 * S)
    assert window.seconds == 3.0
    assert 2 * S in window
    assert 5 * S - 1 in window
    assert 5 * S not in window
    assert 2 * S - 1 not in window


def _arrivals(*pairs: tuple[float, float], duplicates: int = 0) -> Arrivals:
    """Arrivals at (second, latency in ms)."""
    return Arrivals(
        at_ns=[int(at * S) for at, _ in pairs],
        latency_ns=[int(ms * MS) for _, ms in pairs],
        duplicates=duplicates,
    )


def test_only_arrivals_inside_the_window_make_the_rate_and_latencies() -> None:
    arrivals = _arrivals(
        (0.5, 900.0),  # warm-up: slow joins, not counted
        (1.0, 10.0),
        (1.5, 20.0),
        (2.0, 30.0),
        (2.9, 40.0),
        (3.0, 700.0),  # the drain after the window: not counted
        duplicates=1,
    )
    result = summarise(
        run_id="r1",
        hop_names=NULL_HOPS,
        partitions=3,
        message_bytes=1200,
        max_in_flight=100,
        warmup_s=1.0,
        sent=7,
        arrivals=arrivals,
        window=Window(start_ns=1 * S, end_ns=3 * S),
    )
    assert (result.sent, result.delivered, result.lost, result.duplicates) == (7, 6, 1, 1)
    assert (result.measured, result.duration_s, result.messages_per_s) == (4, 2.0, 2.0)
    assert (result.latency_p50_ms, result.latency_p99_ms, result.latency_max_ms) == (20, 40, 40)
    assert (result.hops, result.hop_names) == (3, ["civil_registry", "population", "insurance"])


def test_a_run_with_nothing_in_its_window_has_no_latencies_and_a_zero_rate() -> None:
    result = summarise(
        run_id="r2",
        hop_names=["a"],
        partitions=1,
        message_bytes=10,
        max_in_flight=1,
        warmup_s=0.0,
        sent=0,
        arrivals=Arrivals.empty(),
        window=Window(start_ns=0, end_ns=S),
    )
    assert (result.messages_per_s, result.latency_p50_ms, result.latency_p99_ms) == (
        0.0,
        None,
        None,
    )


def test_a_result_is_plain_json() -> None:
    result = summarise(
        run_id="r3",
        hop_names=NULL_HOPS,
        partitions=3,
        message_bytes=1200,
        max_in_flight=10,
        warmup_s=0.5,
        sent=1,
        arrivals=_arrivals((1.0, 12.5)),
        window=Window(start_ns=S, end_ns=2 * S),
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["messages_per_s"] == 1.0
    assert data["latency_p50_ms"] == 12.5
    assert data["hop_names"] == list(NULL_HOPS)
    assert set(data) >= {"sent", "send_errors", "delivered", "duplicates", "lost", "latency_p99_ms"}


def test_topics_are_named_per_run_and_hop_in_travel_order() -> None:
    assert bench_topic("ab12", "civil_registry") == "lienthong.bench.ab12.civil_registry"
    assert bench_group("ab12", "gateway") == "lienthong.bench.ab12.gateway.group"
    assert pipeline_topics("ab12", NULL_HOPS) == [
        "lienthong.bench.ab12.gateway",
        "lienthong.bench.ab12.civil_registry",
        "lienthong.bench.ab12.population",
        "lienthong.bench.ab12.insurance",
    ]


@pytest.mark.parametrize(("run_id", "hop"), [("a.b", "x"), ("ab", "x y"), ("", "x"), ("ab", "")])
def test_a_name_that_would_break_the_topic_is_refused(run_id: str, hop: str) -> None:
    with pytest.raises(ValueError, match="cannot be part of a topic name"):
        bench_topic(run_id, hop)


def test_hops_must_be_distinct_and_not_the_source() -> None:
    with pytest.raises(ValueError, match="distinct"):
        pipeline_topics("ab", ["population", "population"])
    with pytest.raises(ValueError, match="distinct"):
        pipeline_topics("ab", ["gateway"])


def test_run_ids_are_legal_in_topic_names_and_differ() -> None:
    ids = {new_run_id() for _ in range(20)}
    assert len(ids) == 20
    assert all(bench_topic(run_id, "gateway") for run_id in ids)


def test_the_sample_is_the_gateways_birth_event_about_each_messages_dossier() -> None:
    sample = Sample("ab12")
    keys = [sample.key(n) for n in (0, 1, 2**40)]
    assert len(set(keys)) == 3
    assert all(len(key) == 36 and key.count(b"-") == 4 for key in keys)
    assert sample.key(1) == Sample("ab12").key(1) != Sample("cd34").key(1)
    for key in keys:
        value = sample.value(key)
        assert len(value) == sample.size > 1000
        event = CloudEvent.from_bytes(value)
        spec = spec_for_type(event.type)
        assert spec is not None and spec.payload is BirthDossierSubmitted
        assert event.subject == event.correlationid == event.data["dossier_id"] == key.decode()
        BirthDossierSubmitted.model_validate(event.data)


def test_the_send_instant_survives_the_headers_a_consumer_hands_back() -> None:
    headers = sent_header(123_456_789_012)
    assert headers == [(SENT_HEADER, (123_456_789_012).to_bytes(8, "big"))]
    assert sent_ns(tuple(headers)) == 123_456_789_012  # aiokafka gives a tuple
    assert sent_ns((("other", b"x"), *headers)) == 123_456_789_012
    assert sent_ns(()) is None
    assert sent_ns(((SENT_HEADER, b"short"),)) is None
    assert sent_ns(None) is None
