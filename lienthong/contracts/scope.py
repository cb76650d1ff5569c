"""Which flow and which province an event is about: what a fault's scope is matched against.

A fault may hit only one flow (khai sinh or khai tử) or an agency's office in some provinces
("chưa kết nối" in some provinces only). The province is the one whose office of that agency
handles the step: the registering commune's for the civil registry, the residence's for the
population database and social insurance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lienthong.contracts.steps import FlowName, flow_of
from lienthong.domain.admin_units import load_admin_units


@dataclass(frozen=True)
class Scope:
    """The flow and province of one message (either unknown when the payload does not say)."""

    flow: FlowName | None = None
    province: str | None = None


def _province_of_commune(code: object) -> str | None:
    if not isinstance(code, str):
        return None
    commune = load_admin_units().commune(code)
    return commune.province_code if commune is not None else None


def province_of(payload: Any) -> str | None:
    """The province whose office handles ``payload``'s step, from the first field that says."""
    for name in ("registration_province_code", "province_code"):
        value = getattr(payload, name, None)
        if isinstance(value, str):
            return value
    for part in ("residence", "place_of_death"):
        province = _province_of_commune(getattr(getattr(payload, part, None), "commune_code", None))
        if province is not None:
            return province
    return _province_of_commune(getattr(payload, "previous_commune_code", None))


def scope_of(event_type: str, payload: Any) -> Scope:
    """The scope a fault setting is matched against."""
    return Scope(flow=flow_of(event_type), province=province_of(payload))
