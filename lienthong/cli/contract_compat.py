"""Compatibility modes, and which reader each one puts on the line, as Confluent defines them.

BACKWARD: readers on the new contract read what the old one wrote — upgraded consumers replay the
messages already on the topic, the new server serves clients still on the old contract (and
those clients read its answers). FORWARD: readers on the old contract read what the new one
writes — consumers not yet upgraded, a server not yet upgraded serving new clients. FULL: both.
``*_TRANSITIVE``: against every baseline version kept, not only the latest.

A :class:`~lienthong.cli.contract_change.Change` already says why each side fails; here a
direction and a role pick the side (for a response the server writes and the clients read, so
BACKWARD puts the *old* readers on the line), and the consequence names who fails and how.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from lienthong.cli.contract_change import Located, Role, Side
from lienthong.cli.contract_diff_events import event_changes
from lienthong.cli.contract_diff_rest import rest_changes

Documents = dict[str, dict[str, Any]]
ASYNCAPI: Final = "asyncapi.json"
OPENAPI_PREFIX: Final = "openapi/"
"""The relative paths ``contract_documents`` writes (not imported: it builds every app)."""


class Direction(StrEnum):
    """Who must cope: new readers with old data (BACKWARD), old readers with new (FORWARD)."""

    BACKWARD = "BACKWARD"
    FORWARD = "FORWARD"


class Mode(StrEnum):
    """The six modes of Confluent Schema Registry."""

    BACKWARD = "BACKWARD"
    FORWARD = "FORWARD"
    FULL = "FULL"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def directions(self) -> tuple[Direction, ...]:
        """The directions this mode checks."""
        base = self.value.removesuffix("_TRANSITIVE")
        return tuple(Direction) if base == "FULL" else (Direction(base),)

    @property
    def transitive(self) -> bool:
        """Whether every baseline version counts, or only the latest."""
        return self.value.endswith("_TRANSITIVE")


def parse_mode(text: str) -> Mode | None:
    """``full-transitive``, ``FULL_TRANSITIVE``… → the mode; None when it is none of them."""
    try:
        return Mode(text.strip().upper().replace("-", "_"))
    except ValueError:
        return None


def side_for(direction: Direction, role: Role) -> Side:
    """The reader a direction puts on the line for data of this role."""
    new_reads = (direction is Direction.BACKWARD) != (role is Role.RESPONSE)
    return Side.NEW_READERS if new_reads else Side.OLD_READERS


_CONSEQUENCES: Final[dict[tuple[Role, Side], str]] = {
    (Role.EVENT, Side.NEW_READERS): "so {who}, consuming it on the new contract, reject{s} the "
    "messages already on the topic (produced under the old one) when they read or replay them "
    "(dead letter: invalid_payload)",
    (
        Role.EVENT,
        Side.OLD_READERS,
    ): "so {who}, consuming it on the old contract, reject{s} every new "
    "message (dead letter: invalid_payload)",
    (Role.REQUEST, Side.NEW_READERS): "so the new server refuses (422) what {who} on the old "
    "contract still send",
    (Role.REQUEST, Side.OLD_READERS): "so a server still on the old contract refuses (422) what "
    "{who} on the new contract send",
    (Role.RESPONSE, Side.OLD_READERS): "so {who} on the old contract fail to read what the new "
    "server answers",
    (Role.RESPONSE, Side.NEW_READERS): "so {who} on the new contract fail to read what a server "
    "still on the old contract answers",
}


def people(names: tuple[str, ...]) -> str:
    """``gateway``, ``gateway and population``, ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1] if names else ""]))


@dataclass(frozen=True)
class Incompatibility:
    """A change that breaks someone under the mode: against which baseline, why, and whom."""

    baseline: str
    located: Located
    why: dict[Direction, str]
    who: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: what breaks, and how many changes break nobody."""

    mode: Mode
    baselines: tuple[str, ...]
    incompatibilities: list[Incompatibility]
    compatible: list[tuple[str, Located]]


def changes_between(old: Documents, new: Documents) -> list[Located]:
    """Every change from one set of exported documents to another: events, then each service."""
    found = event_changes(old.get(ASYNCAPI, {}), new.get(ASYNCAPI, {}))
    services = sorted({p for p in (*old, *new) if p.startswith(OPENAPI_PREFIX)})
    for path in services:
        service = path.removeprefix(OPENAPI_PREFIX).removesuffix(".json")
        found += rest_changes(service, old.get(path), new.get(path))
    return found


def judge(located: Located, mode: Mode) -> tuple[dict[Direction, str], tuple[str, ...]]:
    """Why ``located`` breaks under each direction of ``mode`` (none: compatible), and whom."""
    why: dict[Direction, str] = {}
    who: list[str] = []
    for direction in mode.directions:
        side = side_for(direction, located.role)
        reason, readers = located.change.breaks.get(side), located.who.get(side, ())
        if reason is None or not readers:
            continue
        if located.change.standalone:
            why[direction] = reason
        else:
            template = _CONSEQUENCES[(located.role, side)]
            consequence = template.format(who=people(readers), s="s" * (len(readers) == 1))
            why[direction] = f"{reason}, {consequence}"
        who += [name for name in readers if name not in who]
    return why, tuple(who)


def check(baselines: list[tuple[str, Documents]], current: Documents, mode: Mode) -> Verdict:
    """Compare ``current`` with the latest baseline (every one, for a transitive mode)."""
    chosen = baselines if mode.transitive else baselines[-1:]
    broken: list[Incompatibility] = []
    fine: list[tuple[str, Located]] = []
    for name, documents in chosen:
        for located in changes_between(documents, current):
            why, who = judge(located, mode)
            if why:
                broken.append(Incompatibility(name, located, why, who))
            else:
                fine.append((name, located))
    return Verdict(mode, tuple(name for name, _ in chosen), broken, fine)
