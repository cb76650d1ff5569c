"""The shared simulated clock and the per-agency processing delays."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest

from lienthong.runtime.clock import REAL_TIME, SimClock, clock_environment
from lienthong.runtime.delays import parse_delay, parse_duration
from services.gateway.settings import GatewaySettings
from services.population.settings import PopulationSettings

START = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
ANCHOR = 1_800_000_000.0


class FakeTime:
    """A settable stand-in for ``time.time``."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def real(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime(ANCHOR)
    monkeypatch.setattr("lienthong.runtime.clock.time.time", fake)
    return fake


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CLOCK_SPEED",
        "CLOCK_ANCHOR",
        "CLOCK_START",
        "PROCESSING_DELAY",
        "POPULATION_PROCESSING_DELAY",
        "GATEWAY_PROCESSING_DELAY",
    ):
        monkeypatch.delenv(name, raising=False)


# --- clock -----------------------------------------------------------------------------------


def test_one_real_second_is_one_simulated_day_at_speed_86400(real: FakeTime) -> None:
    clock = SimClock(speed=86_400, anchor_real=ANCHOR, start=START)
    assert clock.now() == START
    real.now = ANCHOR + 2
    assert clock.now() == START + timedelta(days=2)
    real.now = ANCHOR + 0.5
    assert clock.now() == START + timedelta(hours=12)
    assert clock.now().utcoffset() == timedelta(0)
    assert not clock.is_real_time


def test_start_in_another_zone_is_returned_in_utc(real: FakeTime) -> None:
    start = datetime.fromisoformat("2026-11-16T08:00:00+07:00")
    clock = SimClock(speed=3600, anchor_real=ANCHOR, start=start)
    real.now = ANCHOR + 3
    now = clock.now()
    assert now == datetime(2026, 11, 16, 4, 0, tzinfo=UTC)
    assert now.utcoffset() == timedelta(0)


def test_today_is_the_vietnam_date(real: FakeTime) -> None:
    evening = SimClock(speed=86_400, anchor_real=ANCHOR, start=datetime(2026, 1, 1, 18, tzinfo=UTC))
    assert evening.today() == date(2026, 1, 2)  # 01:00 on 2 January in Vietnam
    before = SimClock(
        speed=86_400, anchor_real=ANCHOR, start=datetime(2026, 1, 1, 16, 59, 59, tzinfo=UTC)
    )
    assert before.today() == date(2026, 1, 1)  # 23:59:59 on 1 January in Vietnam
    real.now = ANCHOR + 1
    assert before.today() == date(2026, 1, 2)


@pytest.mark.parametrize("speed", [0.0, -1.0, -86_400.0])
def test_speed_must_be_positive(speed: float) -> None:
    with pytest.raises(ValueError):
        SimClock(speed=speed)


def test_default_clock_is_real_time() -> None:
    assert SimClock().is_real_time
    assert REAL_TIME.is_real_time
    before = datetime.now(UTC)
    now = REAL_TIME.now()
    after = datetime.now(UTC)
    assert before - timedelta(seconds=1) <= now <= after + timedelta(seconds=1)
    assert now.utcoffset() == timedelta(0)


def test_clock_environment_real_time_is_empty() -> None:
    assert clock_environment(1.0, None) == {}
    assert clock_environment() == {}


def test_clock_environment_anchors_now(real: FakeTime) -> None:
    assert clock_environment(3600, START) == {
        "CLOCK_SPEED": "3600.0",
        "CLOCK_ANCHOR": "1800000000.0",
        "CLOCK_START": "2026-11-16T01:00:00+00:00",
    }


def test_clock_environment_without_start_begins_at_the_anchor(real: FakeTime) -> None:
    env = clock_environment(2.0)
    # 1,800,000,000 s after the epoch is 2027-01-15T08:00:00Z.
    assert env["CLOCK_START"] == "2027-01-15T08:00:00+00:00"
    assert env["CLOCK_ANCHOR"] == "1800000000.0"


def test_settings_from_the_clock_environment_share_the_clock(
    real: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in clock_environment(3600, START).items():
        monkeypatch.setenv(name, value)
    clock = GatewaySettings().clock()
    assert (clock.speed, clock.anchor_real, clock.start) == (3600.0, ANCHOR, START)
    same = PopulationSettings().clock()
    real.now = ANCHOR + 10  # ten real seconds = ten simulated hours
    assert clock.now() == START + timedelta(hours=10)
    assert same.now() == clock.now()
    assert clock.now() == SimClock(speed=3600, anchor_real=ANCHOR, start=START).now()


def test_settings_without_clock_environment_use_real_time() -> None:
    assert GatewaySettings().clock().is_real_time


# --- delays ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", timedelta(hours=4)),
        ("30m", timedelta(minutes=30)),
        ("45s", timedelta(seconds=45)),
        ("2d", timedelta(days=2)),
        ("1.5d", timedelta(hours=36)),
        (" 2 h ", timedelta(hours=2)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["4x", "h", "", "-1h", "4 hours"])
def test_parse_duration_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize("spec", ["none", "NONE", " none "])
def test_none_is_zero(spec: str) -> None:
    rng = random.Random(1)
    assert {parse_delay(spec).sample(rng) for _ in range(10)} == {timedelta(0)}


def test_fixed_delay() -> None:
    rng = random.Random(1)
    delay = parse_delay("fixed:4h")
    assert {delay.sample(rng) for _ in range(10)} == {timedelta(hours=4)}


def test_uniform_delay_stays_within_bounds() -> None:
    rng = random.Random(7)
    delay = parse_delay("uniform:1h..2h")
    samples = [delay.sample(rng) for _ in range(2000)]
    assert all(timedelta(hours=1) <= s <= timedelta(hours=2) for s in samples)
    assert len(set(samples)) > 1000  # actually random, not a constant
    seconds = [s.total_seconds() for s in samples]
    assert statistics.fmean(seconds) == pytest.approx(5400, rel=0.05)


def test_exponential_delay_has_the_given_mean() -> None:
    rng = random.Random(11)
    delay = parse_delay("exponential:6h")
    seconds = [delay.sample(rng).total_seconds() for _ in range(20_000)]
    assert statistics.fmean(seconds) == pytest.approx(6 * 3600, rel=0.05)
    assert min(seconds) >= 0


def test_lognormal_delay_has_the_given_median() -> None:
    rng = random.Random(13)
    delay = parse_delay("lognormal:8h,0.6")
    seconds = [delay.sample(rng).total_seconds() for _ in range(20_000)]
    assert statistics.median(seconds) == pytest.approx(8 * 3600, rel=0.05)
    # σ = 0.6 spreads it: the mean is exp(σ²/2) ≈ 1.197 × the median.
    assert statistics.fmean(seconds) == pytest.approx(8 * 3600 * 1.197, rel=0.05)


def test_same_seed_same_delays() -> None:
    delay = parse_delay("exponential:6h")
    first, second = random.Random(3), random.Random(3)
    assert [delay.sample(first) for _ in range(5)] == [delay.sample(second) for _ in range(5)]


@pytest.mark.parametrize(
    "spec",
    [
        "fixed:4x",
        "uniform:2h..1h",
        "uniform:1h",
        "weird:1h",
        "lognormal:0h,1",
        "lognormal:8h,-1",
        "lognormal:8h,wide",
        "exponential:",
    ],
)
def test_bad_delay_specs_name_the_spec(spec: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_delay(spec)
    assert spec in str(caught.value)


def test_service_settings_reject_a_bad_delay() -> None:
    with pytest.raises(ValueError):
        GatewaySettings(processing_delay="fixed:4x")


def test_own_delay_variable_overrides_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROCESSING_DELAY", "fixed:1h")
    monkeypatch.setenv("POPULATION_PROCESSING_DELAY", "fixed:2h")
    rng = random.Random(0)
    assert PopulationSettings().delay().sample(rng) == timedelta(hours=2)
    assert GatewaySettings().delay().sample(rng) == timedelta(hours=1)


def test_shared_delay_variable_applies_without_an_own_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROCESSING_DELAY", "fixed:30m")
    rng = random.Random(0)
    assert PopulationSettings().delay().sample(rng) == timedelta(minutes=30)
    assert GatewaySettings().delay().sample(rng) == timedelta(minutes=30)


def test_default_delay_is_none() -> None:
    assert GatewaySettings().delay().sample(random.Random(0)) == timedelta(0)


def test_bad_own_delay_variable_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POPULATION_PROCESSING_DELAY", "sometimes")
    with pytest.raises(ValueError):
        PopulationSettings()
