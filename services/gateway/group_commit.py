"""Group commit: concurrent submissions of one process written in one transaction.

On SQLite a process has a single writer, and each submission used to open its own write
transaction: 32 concurrent POSTs queued 32 transactions, each paying BEGIN, a few statements
and COMMIT on its own (~550 ms p50 at concurrency 32). The committer writes the first
submission at once and collects whoever arrives while that transaction runs into the next
group, written in one transaction as soon as the writer is free. There is no timer: a lone
submission waits for nothing, and a busy writer makes the groups grow by itself.

Each caller still gets its own answer: the writer returns one result (or one exception) per
item, in order, and the committer hands each to its caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_GROUP = 500
"""Most items in one group: bounds one transaction's time holding the writer."""

WriteGroup = Callable[[list[T]], Awaitable[Sequence[R | Exception]]]
"""Writes items in order; one answer per item, an exception being that item's failure."""


@dataclass
class _Waiting(Generic[T, R]):
    item: T
    answer: asyncio.Future[R]


class GroupCommitter(Generic[T, R]):
    """Coalesces concurrent :meth:`submit` calls into groups written one after the other.

    ``R`` must not itself be an exception type: an exception in a writer's answers is raised
    to that item's caller.
    """

    def __init__(self, max_group: int = MAX_GROUP) -> None:
        self._max_group = max_group
        self._waiting: list[_Waiting[T, R]] = []
        self._drainer: asyncio.Task[None] | None = None
        self.groups = 0
        """Groups written so far (one transaction each, retries aside)."""
        self.items = 0
        """Items written so far: ``items / groups`` is the mean group size."""

    async def submit(self, item: T, write: WriteGroup[T, R]) -> R:
        """``item``'s answer, once the group it joined is written by ``write``.

        Every caller of one committer passes the same writer (the committer belongs to one
        service); the drain started by the first caller uses its writer for whoever it
        collects. The writer is held only while a drain runs, so a committer keeps nothing of
        its service alive between bursts.
        """
        answer: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(item, answer))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(write))
        return await answer

    async def _drain(self, write: WriteGroup[T, R]) -> None:
        """Write waiting items, a group at a time, until none is left.

        A caller that gave up (its request cancelled) before its group was taken is left out:
        nothing is written for it. A writer's exception fails only the group it was writing.
        """
        while self._waiting:
            taken = self._waiting[: self._max_group]
            del self._waiting[: self._max_group]
            group = [waiting for waiting in taken if not waiting.answer.done()]
            if not group:
                continue
            try:
                answers: Sequence[R | Exception] = await write([w.item for w in group])
            except asyncio.CancelledError:
                for waiting in (*group, *self._waiting):
                    waiting.answer.cancel()
                self._waiting.clear()
                raise
            except Exception as error:
                answers = [error] * len(group)
            self.groups += 1
            self.items += len(group)
            _answer(group, answers)


def _answer(group: list[_Waiting[T, R]], answers: Sequence[R | Exception]) -> None:
    """Hand each caller its answer (a writer answering the wrong count fails them all)."""
    if len(answers) != len(group):
        answers = [RuntimeError(f"{len(answers)} answers for {len(group)} items")] * len(group)
    for waiting, answer in zip(group, answers, strict=True):
        if waiting.answer.done():
            continue
        if isinstance(answer, Exception):
            waiting.answer.set_exception(answer)
        else:
            waiting.answer.set_result(answer)
