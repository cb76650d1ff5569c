"""Expected numbers in scenario files: how testers write them and what each one accepts."""

from __future__ import annotations

import pytest

from lienthong.scenarios.bounds import parse_bound, parse_seconds


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        (180, [180], [179, 181]),
        (">= 180", [180, 500], [179]),
        ("> 180", [181], [180]),
        ("<= 5s", [5, 0], [5.01]),
        ("< 5s", [4.99], [5]),
        ("< 2m", [119], [120]),
        ("< 500ms", [0.499], [0.5]),
        ("170..190", [170, 190], [169, 191]),
        ("1d..2d", [86_400, 172_800], [86_399]),
    ],
)
def test_a_bound_accepts_what_it_says(
    spec: str | int, inside: list[float], outside: list[float]
) -> None:
    bound = parse_bound(spec)
    assert all(bound.holds(value) for value in inside)
    assert not any(bound.holds(value) for value in outside)


@pytest.mark.parametrize("spec", ["about 5", "5 apples", "10..2", "=> 3", ""])
def test_a_bound_that_means_nothing_is_refused_with_the_forms_accepted(spec: str) -> None:
    with pytest.raises(ValueError, match=r"write 180|range.s start is above"):
        parse_bound(spec)


def test_true_is_not_a_number() -> None:
    with pytest.raises(ValueError):
        parse_bound(True)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("2h", 7200), ("3d", 259_200), ("1.5m", 90), ("250ms", 0.25), (12, 12)],
)
def test_durations_in_seconds(text: str | int, seconds: float) -> None:
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-3s", "3 weeks"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_seconds(text)
