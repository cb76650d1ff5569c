"""Children that die with their parent: Linux's parent-death signal, set between fork and exec.

A ``kill -9`` of ``lienthong up`` gives it no chance to stop anything, so without help its
broker and services would live on, holding ports and the data directory. On Linux the kernel
can send a child a signal when its parent dies (``prctl(PR_SET_PDEATHSIG)``); other systems get
no hook and rely on the supervisor's orderly stop.

The kernel's "parent" is the *thread* that forked the child: a child forked from a short-lived
thread is killed when that thread ends. Hence :mod:`lienthong.cli.spawner` forks every child
from one thread that lives as long as the supervisor.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
from collections.abc import Callable
from typing import Final

__all__ = ["parent_death_hook"]

_PR_SET_PDEATHSIG: Final = 1
_ORPHANED_EXIT: Final = 70


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, resolved in the parent: loading a library after fork may deadlock."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    function: Callable[..., int] = prctl
    return function


def parent_death_hook(signum: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive *signum* when this thread or process dies.

    None where the platform has no such signal. The hook also catches the race in which the
    parent died between ``fork`` and ``prctl``: the child then already has another parent and
    exits at once instead of running orphaned.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(_ORPHANED_EXIT)

    return hook
