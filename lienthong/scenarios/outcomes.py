"""When a dossier has come out: settled, final, and what of it to keep.

One definition for ``replay`` (when to stop waiting), its verdict (what counts as still open)
and ``record`` (when a window's dossiers can be written down).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Protocol

__all__ = ["FINAL", "Settling", "compact", "refusal_of", "wait_until_settled"]

FINAL: Final = frozenset({"completed", "rejected"})
"""Statuses no later event changes."""

FAILED_SETTLES_S: Final = 5.0
"""How long ``failed`` must last to count as the outcome: a step failed by a dead letter is
replaced by the agency's decision if that still comes (a poison message carrying the dossier's
key is dead-lettered while the real event goes through), usually within a second."""


class Lookup(Protocol):
    """Many dossiers by id, as the gateway shows them."""

    async def dossiers(self, ids: list[str]) -> dict[str, dict[str, Any]]: ...


def refusal_of(view: dict[str, Any]) -> str | None:
    """The reason code of the step that refused (or failed) the dossier, if one did."""
    for step in view["steps"]:
        if step.get("reason") and step["status"] in ("rejected", "failed"):
            return str(step["reason"]["code"])
    return None


def compact(view: dict[str, Any]) -> dict[str, Any]:
    """What verdicts read of a dossier nobody named: status, times, steps without results
    (a fifth of the size, for replays of hundreds of thousands of dossiers)."""
    return {
        **{k: view[k] for k in ("dossier_id", "status", "overdue", "submitted_at")},
        "completed_at": view.get("completed_at"),
        "steps": [
            {"agency": s["agency"], "status": s["status"], "reason": s.get("reason")}
            for s in view["steps"]
        ],
    }


class Settling:
    """Which dossiers have settled: final, failed for long enough, or as a scenario expects.

    A dossier expected ``failed`` still waits the settling time, so a passing glitch never
    passes for the expected failure.
    """

    def __init__(self, expected: Mapping[str, str] | None = None) -> None:
        self._expected = expected or {}
        self._failed_since: dict[str, float] = {}

    def settled(self, dossier_id: str, view: dict[str, Any] | None, now: float) -> bool:
        """Whether ``view`` (None: not seen yet) is an outcome, at monotonic time ``now``."""
        if view is None:
            return False
        status = view["status"]
        if status != "failed":
            self._failed_since.pop(dossier_id, None)
            expected = self._expected.get(dossier_id)
            return status in FINAL or (expected is not None and status == expected)
        since = self._failed_since.setdefault(dossier_id, now)
        return now - since >= FAILED_SETTLES_S


async def wait_until_settled(
    api: Lookup,
    ids: Iterable[str],
    timeout_s: float,
    *,
    expected: Mapping[str, str] | None = None,
    keep: Callable[[str, dict[str, Any]], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Poll until every dossier of ``ids`` has settled or ``timeout_s`` passed; the ids still
    open. ``keep(id, view)`` receives each view as last seen."""
    open_ids = list(dict.fromkeys(ids))
    total = len(open_ids)
    settling = Settling(expected)
    deadline = time.monotonic() + timeout_s  # real-time ok
    while open_ids:
        views = await api.dossiers(open_ids)
        now = time.monotonic()  # real-time ok
        if keep is not None:
            for dossier_id, view in views.items():
                keep(dossier_id, view)
        open_ids = [i for i in open_ids if not settling.settled(i, views.get(i), now)]
        if progress is not None:
            progress(total - len(open_ids), total)
        if not open_ids or now > deadline:
            break
        await asyncio.sleep(0.25 if len(open_ids) < 1000 else 1.0)
    return open_ids
