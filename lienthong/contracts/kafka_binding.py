"""How an event sits in a Kafka message: the CloudEvents Kafka protocol binding, structured mode.

- **value**: the JSON envelope (:class:`~lienthong.contracts.envelope.CloudEvent`, the JSON event
  format), byte for byte what :meth:`CloudEvent.to_bytes` gives;
- **key**: the dossier id (the partition key: one dossier's events stay in order in a topic);
- **header** ``content-type: application/cloudevents+json; charset=UTF-8`` (binding §3.3.1): a
  receiver that picks the content mode from it — Knative, the CloudEvents SDKs — reads the value
  as a structured event; without it the binding tells receivers to assume binary mode (§3).

Every message a service publishes carries the header: it is added when the outbox relay sends a
row, not stored with the row, so rows staged before it existed, redrives (which keep their
``lienthong-redrive`` header as well), dead letters and outbox replays to a fresh broker all go
out with it. So do the poison messages of the ``poison`` fault: they stand for a message of a real
producer that went wrong on the way (bytes that are not JSON, JSON that is not a CloudEvent, a
payload that breaks its model), and that producer declares structured mode like every message it
sends; a consumer must judge the bytes, never trust the header.

Consumers do not need it: a message without it (an outbox row published before it existed,
another producer) is read as a structured event all the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

CONTENT_TYPE_HEADER: Final = "content-type"
"""The Kafka header naming the message's content mode (lower case, as the binding spells it)."""

STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json; charset=UTF-8"
"""Its value in structured mode with the JSON event format, as the binding's example writes it."""


def structured_headers(extra: Mapping[str, str] | None = None) -> list[tuple[str, bytes]]:
    """The headers of a structured-mode message: the content type first, then ``extra``.

    An ``extra`` header named ``content-type`` (in any case) is dropped: a message carries one.
    """
    headers = [(CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode())]
    headers += [
        (name, value.encode())
        for name, value in (extra or {}).items()
        if name.lower() != CONTENT_TYPE_HEADER
    ]
    return headers
