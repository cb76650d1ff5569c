"""What the faults switched on at a service do to the messages it consumes.

The consumer asks, per message: is it held (agency ``down`` for its province or flow)? does a
``sync_error`` hit this attempt? is the agency's result refused (``signature_invalid``,
``data_mismatch``)? how much simulated time does ``latency`` add, and real time
``slow_consumer``? Every answer is a seeded roll (see
:class:`~lienthong.runtime.faults.FaultBoard`), so the same run hits the same messages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from lienthong.contracts.catalogue import CATALOGUE
from lienthong.contracts.faults import Fault, FaultKind
from lienthong.contracts.reasons import DATA_MISMATCH, SIGNATURE_INVALID, Refusal
from lienthong.contracts.scope import Scope, scope_of
from lienthong.contracts.steps import flow_of
from lienthong.runtime.delays import parse_delay
from lienthong.runtime.faults import FaultBoard, in_scope
from lienthong.runtime.handlers import Message


def scope_of_message(message: Message[Any]) -> Scope:
    """The flow and province a fault's scope is matched against."""
    return scope_of(message.event.type, message.payload)


def describe(fault: Fault) -> str:
    """``population down (provinces 01, 79; birth)`` — for reasons people read."""
    limits = []
    if fault.provinces:
        limits.append("provinces " + ", ".join(fault.provinces))
    if fault.flow:
        limits.append(fault.flow)
    return f"{fault.service} {fault.kind.value}" + (f" ({'; '.join(limits)})" if limits else "")


def _refusal_model(service: str, flow: str | None) -> type[BaseModel] | None:
    for spec in CATALOGUE:
        if (
            spec.producer == service
            and issubclass(spec.payload, Refusal)
            and flow_of(spec.type) == flow
        ):
            return spec.payload
    return None


class FaultChecks:
    """The consumer's questions to its service's fault board."""

    def __init__(self, board: FaultBoard) -> None:
        self.board = board
        self.service = board.service

    def held(self, message: Message[Any]) -> str | None:
        """Why ``message`` must wait (its agency is down for its scope), or None."""
        fault = self.board.active(FaultKind.DOWN)
        if fault is None or not in_scope(fault, scope_of_message(message)):
            return None
        return f"waiting: {describe(fault)}"

    def sync_error(self, message: Message[Any], attempt: int) -> str | None:
        """The injected transient error of this attempt, or None."""
        if self.board.active(FaultKind.SYNC_ERROR) is None:
            return None
        fault = self.board.hits(
            FaultKind.SYNC_ERROR, message.event.id, scope_of_message(message), attempt
        )
        return None if fault is None else f"lỗi đồng bộ (injected {describe(fault)})"

    def refusal(self, message: Message[Any]) -> list[BaseModel] | None:
        """The agency's refusal when ``signature_invalid`` or ``data_mismatch`` hits, else None."""
        for kind in (FaultKind.SIGNATURE_INVALID, FaultKind.DATA_MISMATCH):
            if self.board.active(kind) is None:
                continue
            scope = scope_of_message(message)
            fault = self.board.hits(kind, message.event.id, scope)
            if fault is None:
                continue
            model = _refusal_model(self.service, scope.flow)
            if kind is FaultKind.SIGNATURE_INVALID:
                code = SIGNATURE_INVALID.get(self.service)
            else:
                code = DATA_MISMATCH.get((self.service, scope.flow or ""))
            if model is None or code is None:
                continue
            reason = code.reason(f"injected fault {describe(fault)}")
            return [model(dossier_id=message.dossier_id, reason=reason)]
        return None

    def extra_latency(self, message: Message[Any]) -> timedelta:
        """Simulated processing time ``latency`` adds to this agency's decision."""
        return self._sample(FaultKind.LATENCY, message)

    def slow_seconds(self, messages: list[Message[Any]]) -> float:
        """Real seconds ``slow_consumer`` spends on these messages (0 when it is off)."""
        if self.board.active(FaultKind.SLOW_CONSUMER) is None:
            return 0.0
        return sum(
            self._sample(FaultKind.SLOW_CONSUMER, message).total_seconds() for message in messages
        )

    def _sample(self, kind: FaultKind, message: Message[Any]) -> timedelta:
        if self.board.active(kind) is None:
            return timedelta(0)
        fault = self.board.hits(kind, message.event.id, scope_of_message(message))
        if fault is None or fault.latency is None:
            return timedelta(0)
        return parse_delay(fault.latency).sample(self.board.rng(kind.value, message.event.id))
