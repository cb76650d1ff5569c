"""How the supervisor starts its children: one long-lived thread forks them all.

Two guarantees hang on how a child is started:

- it dies with the supervisor (the parent-death signal of :mod:`lienthong.cli.pdeathsig`),
  which Linux ties to the *thread* that forked it: forking from a watcher or a request thread
  that later ends would kill the child with it, so every fork happens on :class:`Spawner`'s
  thread, which lives exactly as long as the supervisor's run;
- it keeps the data directory's run lock (an inherited descriptor of the ``flock``ed file), so a
  second ``up`` is refused while any process of this run lives, even one the supervisor lost.
"""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future

from lienthong.cli.errors import SupervisorError
from lienthong.cli.pdeathsig import parent_death_hook

__all__ = ["Launch", "Spawner", "popen_child"]

Launch = Callable[[Sequence[str], Mapping[str, str]], subprocess.Popen[bytes]]
"""Starts one child from its argv and environment (what the broker and the services need)."""

_Job = tuple[Future[subprocess.Popen[bytes]], list[str], dict[str, str]]


def popen_child(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    keep_fds: Sequence[int] = (),
    preexec: Callable[[], None] | None = None,
) -> subprocess.Popen[bytes]:
    """Start *argv* in its own process group, output merged into one pipe for the log pumps.

    The own process group keeps a terminal's Ctrl-C away from the child: only the supervisor
    gets it, and stops the services before the broker so their relays can flush.
    """
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(env),
        process_group=0,
        pass_fds=tuple(keep_fds),
        preexec_fn=preexec,
    )


class Spawner:
    """Forks children on its own thread, each inheriting *keep_fds* and dying with its parent.

    :meth:`popen` may be called from any thread and blocks until the child is started. Close the
    spawner only after its children are gone: the end of its thread is their parent's death.
    """

    def __init__(self, keep_fds: Sequence[int] = (), *, name: str = "lienthong-spawner") -> None:
        """Start the forking thread (a daemon: if the interpreter dies, the children must too)."""
        self._keep_fds = tuple(keep_fds)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def popen(self, argv: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
        """Start one child on the spawner's thread and return it; errors are re-raised here."""
        if self._closed:
            raise SupervisorError("the spawner is closed")
        future: Future[subprocess.Popen[bytes]] = Future()
        self._jobs.put((future, list(argv), dict(env)))
        return future.result()

    def close(self) -> None:
        """Let the thread end (and with it, on Linux, any child still running). Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)
        self._thread.join()

    def _serve(self) -> None:
        """The forking thread's body: one job at a time until :meth:`close`."""
        while (job := self._jobs.get()) is not None:
            future, argv, env = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                child = popen_child(argv, env, keep_fds=self._keep_fds, preexec=parent_death_hook())
            except BaseException as error:  # handed to the caller, who decides
                future.set_exception(error)
            else:
                future.set_result(child)
