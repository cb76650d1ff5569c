"""Wrapping an agency's decisions into events: type and topic from the catalogue, id from the
cause, time = decision time (simulated) plus the agency's processing delay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.envelope import CloudEvent, new_event
from lienthong.runtime.delays import DelayDistribution
from lienthong.runtime.fault_checks import FaultChecks
from lienthong.runtime.handlers import Message
from lienthong.runtime.randomness import RandomSource


class DecisionStamper:
    """Turns one message's decisions into the events it causes."""

    def __init__(
        self,
        service: str,
        randomness: RandomSource,
        delay: DelayDistribution,
        checks: FaultChecks,
    ) -> None:
        self._service = service
        self._randomness = randomness
        self._delay = delay
        self._checks = checks

    def decided(
        self, cause: Message[Any], decisions: list[BaseModel], now: datetime
    ) -> list[CloudEvent]:
        """Wrap decisions in events stamped with the agency's decision time (simulated).

        The decision time is now plus the agency's processing delay (and any injected
        ``latency``), drawn from generators derived from the causing event, so a replay draws
        the same delay. The outbox holds an event until the shared clock reaches its time: a
        slow agency is slow for everyone downstream, without blocking this consumer.
        """
        if not decisions:
            return []
        event = cause.event
        delay = self._delay.sample(self._randomness.derive("delay", self._service, event.id))
        decided_at = now + delay + self._checks.extra_latency(cause)
        events = []
        for index, payload in enumerate(decisions):
            spec = spec_for_payload(type(payload))
            if spec.producer != self._service:
                raise ValueError(
                    f"{self._service} may not emit {spec.type} (catalogue: {spec.producer})"
                )
            events.append(
                new_event(
                    source=self._service,
                    type_=spec.type,
                    payload=payload,
                    dossier_id=event.correlationid,
                    cause=event,
                    time=decided_at,
                    index=index,
                )
            )
        return events
