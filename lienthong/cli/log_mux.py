"""One output stream for the broker, the four services and the supervisor's own status lines.

In text mode every line is prefixed with its source (``population     | …``), padded so the
columns line up and coloured per source on a terminal. In JSON mode (``up --log-format json``)
the stream stays one JSON object per line: a service's own JSON lines pass unchanged (they name
their ``service``), anything else — the broker's lines, a traceback printed outside logging, the
supervisor's status lines — is wrapped into one. Either way lines are written whole under a
lock, so lines coming from several pump threads never interleave mid-line, and whatever did not
come from a service's masked logging is masked here.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import sys
import threading
from typing import IO, Final, TextIO

from lienthong.contracts.services import SERVICE_NAMES
from lienthong.runtime.logs import check_format, check_level, json_line
from lienthong.runtime.masking import mask

__all__ = ["BROKER_SOURCE", "SUPERVISOR_SOURCE", "LogMux", "MuxHandler"]

SUPERVISOR_SOURCE: Final = "lienthong"
"""The prefix of the supervisor's own status lines."""
BROKER_SOURCE: Final = "broker"
"""The prefix of the embedded broker's log lines."""

_SERVICE_PALETTE: Final = ("36", "35", "32", "33")  # cyan, magenta, green, yellow
_COLORS: Final[dict[str, str]] = {
    **{name: _SERVICE_PALETTE[i % len(_SERVICE_PALETTE)] for i, name in enumerate(SERVICE_NAMES)},
    BROKER_SOURCE: "34",  # blue
    SUPERVISOR_SOURCE: "1",  # bold
}
_PREFIX_WIDTH: Final = max(len(name) for name in _COLORS)
_SERVICE_JSON: Final = '{"time": "'
"""How every line of :class:`~lienthong.runtime.logs.JsonFormatter` starts: already masked."""
SUPERVISOR_LOGGER: Final = "lienthong.up"


class LogMux:
    """Writes prefixed lines from every source to one text stream."""

    def __init__(
        self,
        output: TextIO | None = None,
        color: bool | None = None,
        *,
        log_format: str = "text",
        log_level: str = "info",
    ) -> None:
        """*output* None means the ``sys.stdout`` of the moment each line is written, which keeps
        pytest's capture working; *color* None means "colour only on a terminal". *log_format*
        and *log_level* are ``up``'s ``--log-format`` / ``--log-level``, for its own lines.
        """
        self._output = output
        self._color = color
        self._json = check_format(log_format) == "json"
        self._level = logging.getLevelNamesMapping()[check_level(log_level).upper()]
        self._lock = threading.RLock()

    @property
    def json(self) -> bool:
        """Whether the stream is JSON lines (``--log-format json``)."""
        return self._json

    @property
    def color(self) -> bool:
        """Colour prefixes only on a terminal, and never when ``NO_COLOR`` is set."""
        if self._color is not None:
            return self._color
        isatty = getattr(self._stream(), "isatty", None)
        return bool(isatty and isatty()) and "NO_COLOR" not in os.environ

    def echo(self, text: str) -> None:
        """Write *text* as-is, never interleaved mid-line with other sources.

        A closed or broken output (the terminal went away) must not kill a pump thread or the
        shutdown, so write errors are swallowed.
        """
        with self._lock, contextlib.suppress(OSError, ValueError):
            out = self._stream()
            out.write(text if text.endswith("\n") else text + "\n")
            out.flush()

    def line(self, source: str, line: str) -> None:
        """Write one line of *source* (a service, ``broker`` or ``lienthong``), masked.

        Text: with its prefix. JSON: a service's JSON line as it is, anything else wrapped.
        """
        if not self._json:
            self.echo(self._prefix(source) + mask(line))
        elif line.startswith(_SERVICE_JSON):
            self.echo(line)
        else:
            self.echo(json_line(source, line, logger=source))

    def say(self, message: str, level: int = logging.INFO) -> None:
        """A status line of the supervisor itself (skipped below ``--log-level``)."""
        if level < self._level:
            return
        if self._json:
            self.echo(json_line(SUPERVISOR_SOURCE, message, logger=SUPERVISOR_LOGGER, level=level))
        else:
            self.line(SUPERVISOR_SOURCE, message)

    def handler(self) -> MuxHandler:
        """A logging handler writing the supervisor process's own records through this mux."""
        return MuxHandler(self)

    def pump(
        self, source: str, stream: IO[bytes], tail: collections.deque[str]
    ) -> threading.Thread:
        """Start a thread copying *stream* line by line to the output until it closes.

        One thread per child, so a quiet terminal never makes a service block on a full pipe.
        Every line is also appended to *tail*, from which an early death is explained. Bad
        bytes are replaced rather than killing the pump.
        """
        thread = threading.Thread(
            target=self._copy, args=(source, stream, tail), name=f"log-{source}", daemon=True
        )
        thread.start()
        return thread

    def _copy(self, source: str, stream: IO[bytes], tail: collections.deque[str]) -> None:
        """The pump thread's body."""
        try:
            for raw in iter(stream.readline, b""):
                text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                tail.append(text)
                self.line(source, text)
        finally:
            stream.close()

    def _stream(self) -> TextIO:
        """The output stream, looked up late so pytest's capture of sys.stdout applies."""
        return self._output if self._output is not None else sys.stdout

    def _prefix(self, source: str) -> str:
        """``population     | `` – padded so columns line up, coloured per source on a tty."""
        padded = f"{source:<{_PREFIX_WIDTH}}"
        if self.color:
            padded = f"\x1b[{_COLORS.get(source, '0')}m{padded}\x1b[0m"
        return f"{padded} | "


class MuxHandler(logging.Handler):
    """Sends the records of ``up``'s own process (its libraries included) through the mux.

    So they are written whole under the mux's lock, prefixed ``lienthong`` in text mode and left
    as the JSON line they were formatted into in JSON mode. Formatter and masking filter are set
    by :func:`~lienthong.runtime.logs.configure_logging`.
    """

    def __init__(self, mux: LogMux) -> None:
        """Write to *mux*."""
        super().__init__()
        self._mux = mux

    def emit(self, record: logging.LogRecord) -> None:
        """Format *record* and write it as one line (JSON) or one prefixed line (text)."""
        try:
            text = self.format(record)
        except Exception:
            self.handleError(record)
            return
        if self._mux.json:
            self._mux.echo(text)
        else:
            for part in text.splitlines() or [""]:
                self._mux.line(SUPERVISOR_SOURCE, part)
