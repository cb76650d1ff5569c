"""Which signals stop ``lienthong up`` gracefully, installed only for as long as it runs.

Ctrl-C (SIGINT), ``kill`` (SIGTERM) and a closed terminal (SIGHUP) all mean "stop everything
cleanly". A SIGHUP already ignored when we start means ``nohup``: the user asked us to outlive
the terminal, so it stays ignored (the classic Unix idiom).
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["stop_signals", "stopping_on_signals"]

Handler = Callable[[int, FrameType | None], None]


def stop_signals() -> list[signal.Signals]:
    """SIGINT, SIGTERM and SIGHUP, unless SIGHUP is ignored."""
    ignored = signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    return [signal.SIGINT, signal.SIGTERM, *([] if ignored else [signal.SIGHUP])]


@contextmanager
def stopping_on_signals(handler: Handler) -> Iterator[None]:
    """Route every stop signal to *handler* inside the block; restore what was there after.

    Must run on the main thread, the only one Python lets install signal handlers.
    """
    previous = {signum: signal.signal(signum, handler) for signum in stop_signals()}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
