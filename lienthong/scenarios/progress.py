"""A one-line progress bar on stderr: submitted, then final, out of the scenario's dossiers."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Redraws at most ten times a second; silent when disabled (not a terminal)."""

    def __init__(self, name: str, *, enabled: bool, stream: TextIO | None = None) -> None:
        self._name = name
        self._enabled = enabled
        self._stream = stream or sys.stderr
        self._drawn = 0.0
        self._width = 0

    def update(self, phase: str, done: int, total: int) -> None:
        """Show ``done`` of ``total`` for ``phase`` (``submit`` or ``wait``)."""
        now = time.monotonic()  # real-time ok: screen refresh
        if not self._enabled or (now - self._drawn < 0.1 and done < total):
            return
        self._drawn = now
        share = done / total if total else 1.0
        filled = int(share * 30)
        verb = "submitted" if phase == "submit" else "final"
        line = f"{self._name}  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {verb}"
        self._width = max(self._width, len(line))
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()

    def close(self) -> None:
        """End the line the bar was drawn on."""
        if self._enabled and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
