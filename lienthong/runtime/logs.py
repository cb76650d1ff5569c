"""How every process of the sandbox logs: one format chosen at start, personal data masked.

``configure_logging`` is called once per process — by ``lienthong serve`` for a service and by
``lienthong up`` for the supervisor — from the ``LOG_LEVEL`` / ``LOG_FORMAT`` / ``LOG_ACCESS``
settings. ``text`` is for people reading ``lienthong up`` in a terminal; ``json`` gives one JSON
object per line (time, level, logger, service, message and the structured fields) for a log
pipeline. Either way every record goes through :class:`MaskingFilter` before it is formatted,
so no handler can print an unmasked line (rules: :mod:`lienthong.runtime.masking`).

Log times are the machine's real time, not the simulated clock: they say when the process did
something, which is what someone correlating logs needs.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Final, Literal, TextIO

from lienthong.runtime.log_lines import log_decision, log_failure
from lienthong.runtime.masking import mask, mask_value

__all__ = [
    "LOG_FORMATS",
    "LOG_LEVELS",
    "JsonFormatter",
    "MaskingFilter",
    "TextFormatter",
    "check_format",
    "check_level",
    "configure_logging",
    "json_line",
    "log_decision",
    "log_failure",
    "structured_fields",
]

LogFormat = Literal["text", "json"]
LOG_FORMATS: Final = ("text", "json")
LOG_LEVELS: Final = ("debug", "info", "warning", "error", "critical")

_STANDARD: Final = frozenset(
    {
        *logging.LogRecord("", 0, "", 0, "", (), None).__dict__,
        "message",
        "asctime",
        "taskName",
        "color_message",  # uvicorn's coloured copy of the message, for its own formatter
    }
)
_CORE: Final = ("time", "level", "logger", "service", "message")
_QUIET: Final = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "aiokafka": logging.WARNING}
"""Quiet below DEBUG: one line per inter-agency HTTP call would drown the lines that matter at
any load, and aiokafka's five lines per consumer-group join say nothing ``/health`` does not."""
_UVICORN: Final = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def structured_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of *record*: whatever a caller attached beyond logging's own."""
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _STANDARD and not key.startswith("_")
    }


class MaskingFilter(logging.Filter):
    """Masks the formatted message, the exception text, the stack and every structured field.

    The message is formatted here (``msg % args``) and the args dropped, so a name or an ID
    passed as an argument is masked like one written in the text. Attached to handlers, not
    loggers: a logger's filters never see records propagated from its children.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask *record* in place (once, however many handlers see it); never drops it."""
        if getattr(record, "_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not crash the code that logged it
            message = f"{record.msg!r} (log arguments did not fit: {record.args!r})"
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _EXCEPTIONS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        for key, value in structured_fields(record).items():
            setattr(record, key, mask_value(key, value))
        record._masked = True
        return True


_EXCEPTIONS: Final = logging.Formatter()
_TEXT_LAYOUT: Final = "%(asctime)s.%(msecs)03d %(levelname)-5s %(name)s: %(message)s"


class TextFormatter(logging.Formatter):
    """``12:00:01.234 INFO  lienthong.runtime.consumer: message`` — for a terminal.

    No date (``up`` runs for hours, not days) and no service (``up`` prefixes each line with it).
    """

    def __init__(self) -> None:
        """The one text layout of the project."""
        super().__init__(_TEXT_LAYOUT, "%H:%M:%S")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the core keys, then the structured fields that are set."""

    def __init__(self, service: str) -> None:
        """*service* names the process in every line (``lienthong up`` does not prefix JSON)."""
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON (newlines in the message are escaped)."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "service": self.service,
            "message": record.getMessage(),
        }
        for key, value in structured_fields(record).items():
            if key not in _CORE and value is not None:
                line[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


def json_line(service: str, message: str, *, logger: str, level: int = logging.INFO) -> str:
    """*message* (printed by a child outside logging) as a masked JSON log line of *service*."""
    record = logging.LogRecord(logger, level, "", 0, message, None, None)
    MaskingFilter().filter(record)
    return JsonFormatter(service).format(record)


def check_level(level: str) -> str:
    """*level* in lower case, if it is one of :data:`LOG_LEVELS`; ValueError otherwise."""
    lowered = level.strip().lower()
    if lowered not in LOG_LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return lowered


def check_format(fmt: str) -> LogFormat:
    """*fmt* in lower case, if it is ``text`` or ``json``; ValueError otherwise."""
    lowered = fmt.strip().lower()
    if lowered == "text":
        return "text"
    if lowered == "json":
        return "json"
    raise ValueError(f"log format must be text or json, not {fmt!r}")


def configure_logging(
    level: str,
    fmt: LogFormat,
    *,
    access_log: bool,
    service: str = "lienthong",
    handler: logging.Handler | None = None,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every record of this process to one masked handler; returns that handler.

    *handler* None means a stream handler on *stream* (default stderr, which ``lienthong up``
    merges with stdout). Calling it again replaces the handler it installed before and keeps
    any other (pytest's capture, say). uvicorn's loggers lose their own handlers and propagate
    here, so its lines get the same format and masking; its access log (one line per request)
    only when *access_log*.
    """
    formatter = JsonFormatter(service) if check_format(fmt) == "json" else TextFormatter()
    target = handler or logging.StreamHandler(stream or sys.stderr)
    target.setFormatter(formatter)
    target.addFilter(MaskingFilter())
    target._lienthong = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_lienthong", False)]:
        root.removeHandler(old)
    root.addHandler(target)
    root.setLevel(check_level(level).upper())
    for name, quiet in _QUIET.items():
        logging.getLogger(name).setLevel(quiet if root.level > logging.DEBUG else logging.NOTSET)
    for name in _UVICORN:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.propagate = access_log
    access.disabled = not access_log
    return target
