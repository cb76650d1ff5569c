"""The log options: the settings that choose them, the options of `up` that pass them on, and
the output of `up` itself in both formats."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pydantic import ValidationError

from lienthong.cli.log_mux import LogMux
from lienthong.cli.main import build_parser, main
from lienthong.cli.up import run_environment
from lienthong.runtime.settings import ServiceSettings


def test_settings_validate_the_log_options() -> None:
    settings = ServiceSettings(log_level="WARNING", log_format="JSON", log_access=True)
    assert (settings.log_level, settings.log_format, settings.log_access) == (
        "warning",
        "json",
        True,
    )
    for bad in ({"log_level": "loud"}, {"log_format": "xml"}):
        with pytest.raises(ValidationError):
            ServiceSettings(**bad)  # type: ignore[arg-type]


def test_up_passes_the_log_options_to_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOG_LEVEL", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    default = run_environment(build_parser().parse_args(["up"]))
    assert (default["LOG_LEVEL"], default["LOG_FORMAT"], default["LOG_ACCESS"]) == (
        "info",
        "text",
        "0",
    )
    args = ["up", "--log-level", "DEBUG", "--log-format", "json", "--access-log"]
    env = run_environment(build_parser().parse_args(args))
    assert (env["LOG_LEVEL"], env["LOG_FORMAT"], env["LOG_ACCESS"]) == ("debug", "json", "1")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["up", "--log-format", "xml"], "log format must be text or json, not 'xml'"),
        (["up", "--log-level", "loud"], "log level must be one of"),
    ],
)
def test_a_bad_log_option_is_a_usage_error(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_a_bad_log_format_in_the_env_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["up"])
    assert caught.value.code == 2
    assert "argument --log-format" in capsys.readouterr().err


def test_the_mux_keeps_json_lines_json_and_masks_the_rest() -> None:
    output = io.StringIO()
    logs = LogMux(output, color=False, log_format="json")
    service_line = '{"time": "t", "level": "INFO", "service": "population", "message": "m"}'
    logs.line("population", service_line)
    logs.line("broker", "offset 7, citizen 001090012345")
    logs.say("gateway healthy after 1.0 s")
    logs.say("too detailed", logging.DEBUG)
    passed, wrapped, said = (json.loads(line) for line in output.getvalue().splitlines())
    assert passed == json.loads(service_line)
    assert (wrapped["service"], wrapped["message"]) == ("broker", "offset 7, citizen 001*********")
    assert (said["service"], said["logger"]) == ("lienthong", "lienthong.up")


def test_the_mux_masks_text_lines_and_its_handler_prefixes_them() -> None:
    output = io.StringIO()
    logs = LogMux(output, color=False)
    logs.line("gateway", "Traceback: no citizen 001090012345")
    handler = logs.handler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.handle(logging.LogRecord("x", logging.ERROR, "", 0, "two\nlines", None, None))
    assert output.getvalue().splitlines() == [
        "gateway        | Traceback: no citizen 001*********",
        "lienthong      | ERROR two",
        "lienthong      | lines",
    ]
