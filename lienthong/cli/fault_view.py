"""What ``lienthong faults list`` prints: the faults on at every service, as one table.

A pure function of the services' ``GET /admin/faults`` answers, apart from the command so that
the command keeps to talking to the services.
"""

from __future__ import annotations

from typing import Any

from lienthong.contracts.faults import FaultKind

__all__ = ["fault_table"]


def fault_table(faults: dict[str, list[dict[str, Any]]]) -> str:
    """The faults as a table: service, fault, active, rate, scope, setting."""
    header = ("SERVICE", "FAULT", "ACTIVE", "RATE", "SCOPE", "LATENCY/LIMIT")
    rows = [
        (
            service,
            str(fault["kind"]),
            "yes" if fault.get("active") else "no",
            f"{fault.get('rate', 1.0):g}",
            _scope(fault),
            _setting(fault),
        )
        for service, listed in faults.items()
        for fault in listed
    ]
    if not rows:
        return "no faults are on"
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )


def _scope(fault: dict[str, Any]) -> str:
    parts = []
    if fault.get("flow"):
        parts.append(str(fault["flow"]))
    if fault.get("provinces"):
        parts.append("provinces " + ",".join(fault["provinces"]))
    if fault.get("office_hours"):
        parts.append("office hours")
    if fault.get("starts_at"):
        parts.append(f"from {fault['starts_at']}")
    if fault.get("ends_at"):
        parts.append(f"until {fault['ends_at']}")
    return "; ".join(parts) or "everywhere"


def _setting(fault: dict[str, Any]) -> str:
    kind = fault.get("kind")
    parts = []
    if fault.get("latency"):
        parts.append(str(fault["latency"]))
    if fault.get("limit") is not None:
        parts.append(f"{fault['limit']:g}/s")
    if kind == FaultKind.REORDER.value:
        parts.append(f"window {fault.get('window')}")
    if kind == FaultKind.POISON.value:
        parts.append(f"poison {fault.get('poison') or 'rotating'}")
    return ", ".join(parts) or "-"
