"""``lienthong replay`` as a command: exit 2 for bad files and usage, 3 when nothing answers."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from lienthong.cli.main import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_invalid_file_exits_2_naming_the_line_and_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndossiers:\n  - kind: brith\n", encoding="utf-8")
    url = f"http://127.0.0.1:{_closed_port()}"  # never reached: the file is refused first
    assert main(["replay", str(bad), str(SCENARIOS / "birth-happy.yaml"), "--url", url]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "dossiers[0]" in err
    assert "nothing was run" in err


def test_an_unreachable_sandbox_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    assert main(["replay", str(SCENARIOS / "birth-happy.yaml"), "--url", url]) == 3
    assert "127.0.0.1" in capsys.readouterr().err


def test_nothing_running_in_the_data_dir_exits_3(tmp_path: Path) -> None:
    args = ["replay", str(SCENARIOS / "birth-happy.yaml"), "--data-dir", str(tmp_path)]
    assert main(args) == 3


def test_check_validates_the_whole_library_without_a_sandbox(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = sorted(str(p) for p in SCENARIOS.glob("**/*.yaml"))
    assert main(["replay", "--check", *files]) == 0
    assert f"{len(files)} scenario file(s) valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["replay"],
        ["replay", "x.yaml", "--speed", "0"],
        ["replay", "x.yaml", "--report", "xml"],
        ["replay", "x.yaml", "--max-duration", "-1"],
    ],
)
def test_misuse_is_a_usage_error(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
