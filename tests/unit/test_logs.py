"""Log lines: JSON and text, masking on every path, the decision, failure, dead-letter and
retry lines, and how configure_logging installs them."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from lienthong.contracts.dead_letters import DeadLettered
from lienthong.contracts.scope import Scope
from lienthong.runtime.dead_letters import LOGGED_PER_BATCH, log_dead_letters
from lienthong.runtime.logs import (
    JsonFormatter,
    MaskingFilter,
    TextFormatter,
    configure_logging,
    log_decision,
    log_failure,
)
from lienthong.runtime.parked import HELD, RETRY
from lienthong.runtime.parking import RETRIES_LOGGED, Parking, log_parked
from lienthong.runtime.tables import utcnow
from tests.fakes import record

BIRTH_REGISTERED = "vn.lienthong.civil_registry.birth_registered.v1"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    """A logger of its own writing text lines, masked, to a string (the root is left alone)."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(TextFormatter())
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, output, handler
    logger.removeHandler(handler)


def _lines(output: io.StringIO) -> list[str]:
    return output.getvalue().splitlines()


def test_arguments_are_masked_before_they_are_formatted(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, output, _ = captured
    logger.warning("citizen %s (%s) not found", "001090012345", "Nguyễn Thị Lan")
    (line,) = _lines(output)
    assert line.endswith("WARNING tests.logs: citizen 001********* (N. T. L.) not found")


def test_an_exception_text_is_masked(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, output, _ = captured
    try:
        raise KeyError("001090012345")
    except KeyError:
        logger.exception("lookup failed")
    text = output.getvalue()
    assert "Traceback" in text and "KeyError: '001*********'" in text
    assert "001090012345" not in text


def test_json_lines_carry_the_core_keys_and_the_structured_fields(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, output, handler = captured
    handler.setFormatter(JsonFormatter("civil_registry"))
    log_decision(
        logger,
        dossier_id="3f2a",
        agency="civil_registry",
        event_type=BIRTH_REGISTERED,
        outcome="done",
        latency_s=0.42,
        flow="birth",
    )
    logger.info("x", extra={"full_name": "Châu Văn Minh", "personal_id": "001090012345"})
    decision, extra = (json.loads(line) for line in _lines(output))
    assert decision["time"].endswith("Z")
    assert {k: decision[k] for k in ("level", "logger", "service")} == {
        "level": "INFO",
        "logger": "tests.logs",
        "service": "civil_registry",
    }
    assert (
        decision["message"] == "birth dossier 3f2a civil_registry birth_registered → done in 0.42 s"
    )
    assert {k: decision[k] for k in ("dossier_id", "agency", "event_type", "outcome")} == {
        "dossier_id": "3f2a",
        "agency": "civil_registry",
        "event_type": BIRTH_REGISTERED,
        "outcome": "done",
    }
    assert (decision["latency_s"], decision["flow"]) == (0.42, "birth")
    assert "reason_code" not in decision  # unset fields are left out
    assert (extra["full_name"], extra["personal_id"]) == ("C. V. M.", "001*********")


def test_a_json_exception_is_one_line_with_its_masked_traceback(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, output, handler = captured
    handler.setFormatter(JsonFormatter("population"))
    try:
        raise ValueError("Trần Văn Hùng 001090012345")
    except ValueError:
        logger.exception("boom")
    (line,) = _lines(output)
    assert json.loads(line)["exc"].endswith("ValueError: T. V. H. 001*********")


def test_decision_lines_read_as_sentences(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, output, _ = captured
    common: dict[str, Any] = {
        "dossier_id": "3f2a",
        "agency": "civil_registry",
        "event_type": BIRTH_REGISTERED,
    }
    log_decision(logger, **common, outcome="done", latency_s=0.4249)
    log_decision(logger, **common, outcome="rejected", reason_code="mother_not_found")
    done, rejected = _lines(output)
    assert done.endswith(
        "INFO  tests.logs: dossier 3f2a civil_registry birth_registered → done in 0.42 s"
    )
    assert rejected.endswith(
        "dossier 3f2a civil_registry birth_registered → rejected (mother_not_found)"
    )


def test_failure_lines_are_one_line_and_masked(
    captured: tuple[logging.Logger, io.StringIO, logging.Handler],
) -> None:
    logger, output, _ = captured
    log_failure(
        logger,
        dossier_id="3f2a",
        service="population",
        event_type=BIRTH_REGISTERED,
        error_kind="transient",
        error="civil registry timed out\nlooking up 001090012345",
        attempt=3,
    )
    (line,) = _lines(output)
    assert line.endswith(
        "WARNING tests.logs: dossier 3f2a population birth_registered → failed (transient, "
        "attempt 3): civil registry timed out looking up 001*********"
    )


def _letter(kind: str, key: str | None = "3f2a") -> DeadLettered:
    return DeadLettered(
        consumer="population",
        topic="lienthong.civil_registry.events",
        partition=0,
        offset=7,
        key=key,
        error_kind=kind,
        error="not JSON: Expecting value",
        value="{oops",
    )


def test_each_dead_letter_of_a_batch_is_one_line_up_to_a_cap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="lienthong.runtime.dead_letters")
    log_dead_letters([_letter("malformed"), _letter("handler_error", key=None)])
    first, second = caplog.records
    assert (first.levelno, second.levelno) == (logging.WARNING, logging.ERROR)
    assert first.getMessage() == (
        "dossier 3f2a population ? → dead_lettered (malformed, attempt 1): "
        "not JSON: Expecting value"
    )
    caplog.clear()
    log_dead_letters([_letter("malformed")] * (LOGGED_PER_BATCH + 7))
    assert len(caplog.records) == LOGGED_PER_BATCH + 1
    assert "7 more dead letters in the same batch (malformed)" in caplog.records[-1].getMessage()


def _parking(kind: str, attempts: int = 2) -> Parking:
    return Parking(
        record=record("lienthong.civil_registry.events", b"{}", key=b"3f2a"),
        event_id="e1",
        event_type=BIRTH_REGISTERED,
        scope=Scope(flow="birth"),
        kind=kind,
        reason="civil_registry answered 503",
        attempts=attempts,
        next_attempt_at=utcnow() + timedelta(seconds=4),
    )


def test_a_scheduled_retry_is_a_warning_and_held_messages_one_info_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="lienthong.runtime.parking")
    log_parked("population", [_parking(RETRY), _parking(HELD), _parking(HELD)])
    retry, held = caplog.records
    assert retry.levelno == logging.WARNING
    assert re.fullmatch(
        r"dossier 3f2a population birth_registered → retry in [34]\.\d s \(transient, "
        r"attempt 2\): civil_registry answered 503",
        retry.getMessage(),
    )
    assert held.levelno == logging.INFO
    assert held.getMessage() == "population: 2 messages held by a 'down' fault until it is cleared"
    caplog.clear()
    log_parked("population", [_parking(RETRY)] * (RETRIES_LOGGED + 3))
    assert len(caplog.records) == RETRIES_LOGGED + 1
    assert "3 more messages of the batch parked for a retry" in caplog.records[-1].getMessage()


def test_configure_logging_replaces_its_own_handler_and_routes_uvicorn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The root logger's handlers and levels, and the libraries' levels, are restored after."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    touched = ["", "httpx", "httpcore", "aiokafka", "uvicorn.access"]
    levels = {name: logging.getLogger(name).level for name in touched}
    output = io.StringIO()
    configure_logging("warning", "text", access_log=False, stream=io.StringIO())
    handler = configure_logging("info", "json", access_log=False, service="gw", stream=output)
    try:
        assert [h for h in root.handlers if getattr(h, "_lienthong", False)] == [handler]
        assert logging.getLogger("uvicorn.access").disabled
        logging.getLogger("uvicorn.error").info("Started server for %s", "Lê Văn Tám")
        logging.getLogger("httpx").info("one line per call")
        (line,) = output.getvalue().splitlines()
        assert json.loads(line)["message"] == "Started server for L. V. T."
        assert json.loads(line)["service"] == "gw"
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        logging.getLogger("uvicorn.access").disabled = False
        logging.getLogger("uvicorn.access").propagate = True
