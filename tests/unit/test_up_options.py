"""``lienthong up`` options as parsed, and what they put in every service's environment.

Only the parser runs here (never ``main``), so a regression cannot start a sandbox.
"""

from __future__ import annotations

import pytest

from lienthong.cli.main import build_parser
from lienthong.cli.up import run_environment


def test_the_seed_reaches_every_service_as_run_seed() -> None:
    args = build_parser().parse_args(["up", "--seed", "7"])
    assert args.seed == 7
    assert run_environment(args)["RUN_SEED"] == "7"


def test_the_seed_defaults_to_lienthong_seed_then_2024(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIENTHONG_SEED", raising=False)
    assert build_parser().parse_args(["up"]).seed == 2024
    monkeypatch.setenv("LIENTHONG_SEED", "11")
    assert build_parser().parse_args(["up"]).seed == 11


@pytest.mark.parametrize("argv", [["up", "--seed", "seven"], ["up", "--seed", "1.5"]])
def test_a_seed_that_is_not_an_integer_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(argv)
    assert caught.value.code == 2
    assert "argument --seed: invalid int value" in capsys.readouterr().err


def test_a_bad_lienthong_seed_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIENTHONG_SEED", "abc")
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["up"])
    assert caught.value.code == 2
    assert "argument --seed: invalid int value: 'abc'" in capsys.readouterr().err


def test_serve_accepts_exactly_the_services() -> None:
    assert build_parser().parse_args(["serve", "civil_registry"]).name == "civil_registry"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "registry"])
