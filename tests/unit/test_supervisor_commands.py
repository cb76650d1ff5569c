"""``lienthong kill`` and ``lienthong restart`` as a user types them, without a running sandbox.

What needs a running ``up`` (the signal reaching the service, the restart) is in
tests/e2e/test_process_manager.py; here: parsing, and the refusals that come before any pid.
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

import pytest

from lienthong.cli.commands import kill, restart
from lienthong.cli.local_target import parent_of
from lienthong.cli.main import main


@pytest.mark.parametrize(
    ("text", "number"),
    [("KILL", 9), ("kill", 9), ("SIGSTOP", signal.SIGSTOP), ("cont", signal.SIGCONT), ("15", 15)],
)
def test_signals_go_by_name_or_number(text: str, number: int) -> None:
    assert kill.signal_number(text) == number


@pytest.mark.parametrize("text", ["FOO", "0", "-9", "1000", ""])
def test_an_unknown_signal_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        kill.signal_number(text)


def _parsed(module: object, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lienthong x")
    module.add_arguments(parser)  # type: ignore[attr-defined]
    return parser.parse_args(argv)


def test_kill_defaults_to_sigkill_and_ignores_lienthong_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LIENTHONG_URL", "http://127.0.0.1:8000")
    args = _parsed(kill, ["population"])
    assert (args.service, args.signal, args.url) == ("population", signal.SIGKILL, None)


@pytest.mark.parametrize("command", ["kill", "restart"])
def test_an_unknown_service_is_a_usage_error(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([command, "registry"])
    assert caught.value.code == 2
    assert "invalid choice: 'registry'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["kill", "restart"])
def test_url_is_refused_because_pids_are_local(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "gateway", "--url", "http://127.0.0.1:8000"]) == 2
    assert "--url cannot be used" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["kill", "restart"])
def test_nothing_running_exits_3(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "gateway", "--data-dir", str(tmp_path)]) == 3
    assert f"nothing runs at {tmp_path.resolve()}" in capsys.readouterr().err


def test_restart_waits_a_minute_unless_told() -> None:
    assert _parsed(restart, ["gateway"]).timeout == 60
    assert _parsed(restart, ["gateway", "--timeout", "5"]).timeout == 5


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_parent_of_a_process_is_read_from_proc() -> None:
    import os

    assert parent_of(os.getpid()) == os.getppid()
    assert parent_of(2**22 + 1) is None
