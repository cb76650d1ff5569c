"""The message the null pipeline carries: a real ``birth_dossier_submitted``, one id per send.

A relay's cost depends on bytes, not on meaning, so the benchmark sends what the gateway really
publishes (the shipped birth example turned into its CloudEvent, ~1.1 KB) with a dossier-like
key, and each message gets its own dossier id in key and value. The value is built once as a
template and the id patched in with a byte replace: the source shares its process with the
sink, and pydantic per message would make the source, not the hops, the thing measured.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from lienthong.contracts.envelope import derived_id

__all__ = ["SENT_HEADER", "Sample", "sent_header", "sent_ns"]

SENT_HEADER: Final = "lienthong-bench-sent-ns"
"""Header carrying the source's ``time.monotonic_ns()`` at send; relays copy headers through."""

_PLACEHOLDER: Final = "00000000-0000-0000-0000-placeholder0"
_RECEIVED_AT: Final = datetime.fromisoformat("2026-11-03T09:30:00+07:00")
"""A fixed instant: the sample's bytes must not depend on when the benchmark runs."""


def _template() -> bytes:
    """The shipped birth example as the gateway would publish it, for dossier ``_PLACEHOLDER``."""
    from lienthong.chaos.load import example
    from lienthong.contracts.catalogue import spec_for_payload
    from lienthong.contracts.envelope import new_event
    from lienthong.contracts.forms import BirthDossier
    from lienthong.contracts.gateway import BirthDossierSubmitted

    form = BirthDossier.model_validate(example("birth"))
    payload = BirthDossierSubmitted.from_form(_PLACEHOLDER, _RECEIVED_AT, form)
    event = new_event(
        source="gateway",
        type_=spec_for_payload(BirthDossierSubmitted).type,
        payload=payload,
        dossier_id=_PLACEHOLDER,
        time=_RECEIVED_AT,
    )
    return event.to_bytes()


class Sample:
    """Keys and values of one run: message *n* is about dossier ``key(n)``.

    Keys look like the gateway's dossier ids (UUIDs, 36 characters): a shared per-run prefix
    and the message number in hex, so they are distinct within a run and cheap to make.
    """

    def __init__(self, run_id: str) -> None:
        self._prefix = derived_id("bench", run_id)[:24]
        self._template = _template()
        self._placeholder = _PLACEHOLDER.encode()
        if len(self._placeholder) != len(self.key(0)):
            raise AssertionError("the placeholder must be as long as a key")

    @property
    def size(self) -> int:
        """Bytes of every value (all keys have the same length)."""
        return len(self._template)

    def key(self, n: int) -> bytes:
        """The dossier id of message *n*, as the Kafka key."""
        return f"{self._prefix}{n:012x}".encode()

    def value(self, key: bytes) -> bytes:
        """The event about dossier *key*."""
        return self._template.replace(self._placeholder, key)


def sent_header(instant_ns: int) -> list[tuple[str, bytes]]:
    """The headers of a message sent at *instant_ns*."""
    return [(SENT_HEADER, instant_ns.to_bytes(8, "big"))]


def sent_ns(headers: object) -> int | None:
    """The send instant carried by a record's headers, None when it carries none."""
    if not isinstance(headers, list | tuple):
        return None
    for item in headers:
        if isinstance(item, tuple) and len(item) == 2 and item[0] == SENT_HEADER:
            raw = item[1]
            if isinstance(raw, bytes) and len(raw) == 8:
                return int.from_bytes(raw, "big")
    return None
