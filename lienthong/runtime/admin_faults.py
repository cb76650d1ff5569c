"""``/admin/faults`` on every service: switch faults on and off at run time, see what is on.

The same vocabulary as ``lienthong faults`` and (later) scenario files; see
:mod:`lienthong.contracts.faults`. A bad setting is refused whole with FastAPI's 422 shape
(``detail[].loc`` names the field), so nothing is ever half-applied.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path

from lienthong.contracts.faults import Fault, FaultKind, FaultProblem, FaultSetting, checked_fault
from lienthong.runtime.app import RuntimeDep

router = APIRouter(prefix="/admin/faults", tags=["admin"])

KindPath = Annotated[
    str,
    Path(
        description="The fault kind (lỗi giả lập): down, sync_error, signature_invalid, "
        "data_mismatch, latency, slow_consumer, overload (the gateway only), duplicate, delay, "
        "reorder or poison. A kind this service does not take is a 422.",
        examples=["sync_error"],
    ),
]


def _problem(error: FaultProblem, kind: str) -> HTTPException:
    loc = ["path", "kind"] if error.field == "fault" else ["body", error.field]
    return HTTPException(
        status_code=422,
        detail=[{"loc": loc, "msg": error.message, "type": "value_error", "input": kind}],
    )


@router.get("", summary="The faults set on this service")
async def list_faults(runtime: RuntimeDep) -> dict[str, Any]:
    """Every fault set, and whether its window is open now."""
    return {
        "service": runtime.name,
        "faults": [
            {
                **fault.model_dump(mode="json"),
                "active": runtime.faults.active(fault.kind) is not None,
            }
            for fault in runtime.faults.faults()
        ],
    }


@router.put("/{kind}", summary="Switch one fault on (replacing its earlier setting)")
async def set_fault(kind: KindPath, setting: FaultSetting, runtime: RuntimeDep) -> Fault:
    """Validate against this service (which faults it takes), store, then apply."""
    try:
        fault = checked_fault(runtime.name, kind, setting)
    except FaultProblem as error:
        raise _problem(error, kind) from None
    await runtime.faults.put(runtime.db, fault)
    return fault


@router.delete("", summary="Switch every fault off")
async def clear_faults(runtime: RuntimeDep) -> dict[str, Any]:
    """Clear them all; returns what was on."""
    cleared = await runtime.faults.clear(runtime.db)
    return {"service": runtime.name, "cleared": [fault.kind.value for fault in cleared]}


@router.delete("/{kind}", summary="Switch one fault off")
async def clear_fault(kind: KindPath, runtime: RuntimeDep) -> dict[str, Any]:
    """Clear one kind (a kind that is not on clears nothing, and says so)."""
    try:
        fault_kind = FaultKind(kind)
    except ValueError:
        raise _problem(FaultProblem("fault", f"unknown fault {kind!r}"), kind) from None
    cleared = await runtime.faults.clear(runtime.db, fault_kind)
    return {"service": runtime.name, "cleared": [fault.kind.value for fault in cleared]}
