"""What a contract change is, before anyone asks whether it breaks: the differs' records.

A change is found by comparing a baseline (old) document with the current (new) one. Whether it
breaks depends on who reads what the other version wrote, and there are only two pairings:

- :attr:`Side.OLD_READERS` — a reader still on the old contract, reading what was written under
  the new one (events: consumers not yet upgraded; REST: old clients reading a new server's
  answers, or an old server reading a new client's request);
- :attr:`Side.NEW_READERS` — a reader on the new contract, reading what was written under the old
  one (events: upgraded consumers replaying the messages already on the topic; REST: a new server
  reading an old client's request, or new clients reading an old server's answers).

So each :class:`Change` says, per side, *why* that reader would fail — or nothing when it would
not — and the compatibility modes (``contract_compat``) only pick which side matters for each
direction and each role (event, request, response). The differs stay free of mode logic, and
every rule reads as one sentence next to the comparison that found it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    """Which reader meets data written under the other version of the contract."""

    OLD_READERS = "old_readers"
    NEW_READERS = "new_readers"


class Role(StrEnum):
    """Who writes and who reads the data a schema describes."""

    EVENT = "event"  # the producer writes, the consumers read
    REQUEST = "request"  # clients write, the server reads
    RESPONSE = "response"  # the server writes, clients read


class Kind(StrEnum):
    """What changed, in the words the report uses as its headline."""

    FIELD_REMOVED = "field removed"
    FIELD_ADDED = "field added"
    NOW_REQUIRED = "now required"
    NO_LONGER_REQUIRED = "no longer required"
    TYPE_CHANGED = "type changed"
    ENUM_VALUES_ADDED = "enum values added"
    ENUM_VALUES_REMOVED = "enum values removed"
    CONST_CHANGED = "const changed"
    TIGHTENED = "constraint tightened"
    LOOSENED = "constraint loosened"
    CONSTRAINT_CHANGED = "constraint changed"
    CLOSED = "unknown fields now refused"
    OPENED = "unknown fields now allowed"
    VARIANT_ADDED = "alternative added"
    VARIANT_REMOVED = "alternative removed"
    MESSAGE_REMOVED = "message removed"
    MESSAGE_ADDED = "message added"
    CHANNEL_CHANGED = "topic changed"
    OPERATION_REMOVED = "operation removed"
    OPERATION_ADDED = "operation added"
    PATH_PARAMETER_RENAMED = "path parameter renamed"
    MEDIA_TYPE_REMOVED = "media type removed"
    MEDIA_TYPE_ADDED = "media type added"
    STATUS_REMOVED = "success status removed"
    STATUS_ADDED = "success status added"
    BODY_REQUIRED = "request body now required"
    BODY_REMOVED = "request body removed"


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new version of one schema or document.

    ``breaks`` maps each side that would fail to the reason, a clause such as "the old contract
    requires `data.x`, and what is written under the new contract lacks it"; the report adds
    who fails and how. ``standalone`` reasons (whole messages and operations) already say it all.
    """

    kind: Kind
    field: str
    what: str
    breaks: dict[Side, str] = dataclasses.field(default_factory=dict)
    standalone: bool = False


@dataclass(frozen=True)
class Located:
    """A change in its place: which message or operation, which part of it, who reads it.

    ``who`` names, per side, the readers that fail (event consumers, or "clients of <service>").
    """

    change: Change
    area: str  # "events" or "rest"
    subject: str  # the event type, or "METHOD /path"
    part: str  # "payload", "headers", "request body", "response 200", "query parameters", ""
    role: Role
    who: Mapping[Side, tuple[str, ...]]
    service: str | None = None  # the REST service; None for events

    @property
    def where(self) -> str:
        """``message <type>`` or ``<service> METHOD /path``, then the part and the field path."""
        place = f"message {self.subject}" if self.area == "events" else self.subject
        if self.service is not None:
            place = f"{self.service} {place}"
        bits = [place]
        if self.part:
            bits.append(self.part)
        if self.change.field:
            bits.append(f"field {self.change.field}")
        return ", ".join(bits)
