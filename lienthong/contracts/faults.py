"""Faults a tester switches on at run time, in the source reports' own terms (lỗi giả lập).

The reports name what goes wrong in real linkage; each is a fault kind here:

- ``down`` — an agency (or its office in some provinces) is not connected: it stops consuming
  and its HTTP API answers 503 ("chưa hoàn thành", not ready);
- ``sync_error`` — "lỗi đồng bộ hồ sơ": a transient processing error, retried, then a dead letter;
- ``signature_invalid`` — "lỗi chữ ký số": the signed result fails verification, so the agency
  refuses the step with a reason code;
- ``data_mismatch`` — "xử lý dữ liệu bị sai lệch": the agency's record disagrees with the dossier
  (a refusal with the agency's ``*_data_mismatch`` reason);
- ``latency`` — added processing time (simulated) drawn from a distribution;
  ``slow_consumer`` — real time spent per message, so a backlog builds up;
- ``overload`` — the portal "quá tải, báo lỗi hệ thống trong khung giờ hành chính": intake
  answers 503 with ``Retry-After`` (above a rate, at random, or inside office hours);
- ``duplicate``, ``delay``, ``reorder``, ``poison`` — what happens on the wire to the messages a
  service publishes.

Every fault is off until set; a setting applies to one agency, optionally only to one flow or
some provinces, at a rate (the share of messages it hits) and inside a window of simulated time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from lienthong.contracts.services import AGENCIES, GATEWAY, SERVICE_NAMES
from lienthong.runtime.delays import parse_delay


class FaultKind(StrEnum):
    """Every fault the sandbox can inject."""

    DOWN = "down"
    SYNC_ERROR = "sync_error"
    SIGNATURE_INVALID = "signature_invalid"
    DATA_MISMATCH = "data_mismatch"
    LATENCY = "latency"
    SLOW_CONSUMER = "slow_consumer"
    OVERLOAD = "overload"
    DUPLICATE = "duplicate"
    DELAY = "delay"
    REORDER = "reorder"
    POISON = "poison"


MESSAGE_FAULTS: Final = frozenset(
    {FaultKind.DUPLICATE, FaultKind.DELAY, FaultKind.REORDER, FaultKind.POISON}
)
"""Faults on what a service publishes (applied by its outbox relay)."""

DECISION_FAULTS: Final = frozenset(
    {FaultKind.SIGNATURE_INVALID, FaultKind.DATA_MISMATCH, FaultKind.LATENCY}
)
"""Faults on an agency's decision: only the agencies decide (the portal only tracks)."""

FAULTS_BY_SERVICE: Final[dict[str, frozenset[FaultKind]]] = {
    name: frozenset(FaultKind) - ({FaultKind.OVERLOAD} if name != GATEWAY else DECISION_FAULTS)
    for name in SERVICE_NAMES
}
"""Which faults each service takes: overload is the portal's, decisions the agencies'."""

NEEDS_DURATION: Final = frozenset({FaultKind.LATENCY, FaultKind.SLOW_CONSUMER, FaultKind.DELAY})
"""Faults that take a ``latency`` distribution (how much time they add)."""

Flow = Literal["birth", "death"]
PoisonKind = Literal["not_json", "not_cloudevent", "schema_invalid"]
POISON_KINDS: Final[tuple[PoisonKind, ...]] = ("not_json", "not_cloudevent", "schema_invalid")


class FaultSetting(BaseModel):
    """How one fault behaves while it is on (the body of ``PUT /admin/faults/{kind}``)."""

    model_config = ConfigDict(extra="forbid")

    rate: float = Field(
        default=1.0,
        gt=0.0,
        le=1.0,
        description="Share of the messages (or intake requests) it hits, 0 < rate ≤ 1.",
        examples=[0.5],
    )
    provinces: list[str] = Field(
        default_factory=list,
        description="Only dossiers of these provinces (2-digit codes); empty = everywhere.",
        examples=[["01", "79"]],
    )
    flow: Flow | None = Field(
        default=None,
        description="Only this flow: birth (khai sinh) or death (khai tử); null = both.",
        examples=["birth"],
    )
    latency: str | None = Field(
        default=None,
        description="Time added, as a delay spec (fixed:2s, uniform:1s..5s, exponential:3s, "
        "lognormal:2s,0.5): required by latency, slow_consumer and delay. Simulated time for "
        "latency and delay, real time per message for slow_consumer.",
        examples=["lognormal:2s,0.5"],
    )
    limit: float | None = Field(
        default=None,
        gt=0,
        description="overload only: intake requests per second above which the portal answers "
        "503 (real time); null = refuse a `rate` share of requests.",
        examples=[50.0],
    )
    office_hours: bool = Field(
        default=False,
        description="Only inside office hours on the simulated clock (07:30–17:00 Monday to "
        "Friday, Vietnam time): the reports' 'khung giờ hành chính'.",
        examples=[False],
    )
    window: int = Field(
        default=10,
        ge=2,
        le=1000,
        description="reorder only: how many consecutive messages are shuffled together.",
        examples=[10],
    )
    poison: PoisonKind | None = Field(
        default=None,
        description="poison only: what the bad message is — not_json, not_cloudevent or "
        "schema_invalid; null = each of the three in turn.",
        examples=["not_json"],
    )
    starts_at: AwareDatetime | None = Field(
        default=None,
        description="Simulated time it switches on, with an offset (null = at once).",
        examples=["2026-11-16T08:00:00+07:00"],
    )
    ends_at: AwareDatetime | None = Field(
        default=None,
        description="Simulated time it switches off, with an offset; after starts_at (null = "
        "when cleared).",
        examples=["2026-11-16T11:30:00+07:00"],
    )

    @field_validator("provinces")
    @classmethod
    def _known_provinces(cls, value: list[str]) -> list[str]:
        from lienthong.domain.admin_units import load_admin_units

        units = load_admin_units()
        unknown = [code for code in value if units.province(code) is None]
        if unknown:
            raise ValueError(f"unknown province codes: {', '.join(unknown)}")
        return sorted(set(value))

    @field_validator("latency")
    @classmethod
    def _valid_latency(cls, value: str | None) -> str | None:
        if value is not None:
            parse_delay(value)
        return value

    @model_validator(mode="after")
    def _window_in_order(self) -> Self:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class Fault(FaultSetting):
    """A fault that is on at one service: its kind and its setting."""

    service: str = Field(description="The service it is set on.", examples=["population"])
    kind: FaultKind = Field(
        description="Which fault (lỗi giả lập): down, sync_error, signature_invalid, "
        "data_mismatch, latency, slow_consumer, overload, duplicate, delay, reorder or poison.",
        examples=["sync_error"],
    )


class FaultProblem(ValueError):
    """A fault setting that does not fit its service or kind; names the field."""

    def __init__(self, field: str, message: str) -> None:
        """Keep the field so an API can answer with a field-level reason."""
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def checked_fault(service: str, kind: str, setting: FaultSetting) -> Fault:
    """The fault ``kind`` set on ``service``, or :class:`FaultProblem` naming what is wrong."""
    if service not in SERVICE_NAMES:
        raise FaultProblem("agency", f"unknown service {service!r}; one of {SERVICE_NAMES}")
    try:
        fault_kind = FaultKind(kind)
    except ValueError:
        raise FaultProblem(
            "fault", f"unknown fault {kind!r}; one of {', '.join(k.value for k in FaultKind)}"
        ) from None
    if fault_kind not in FAULTS_BY_SERVICE[service]:
        who = "the gateway" if fault_kind is FaultKind.OVERLOAD else f"one of {AGENCIES}"
        raise FaultProblem("fault", f"{kind} is not a fault of {service} (only of {who})")
    if fault_kind in NEEDS_DURATION and setting.latency is None:
        raise FaultProblem("latency", f"{kind} needs a latency distribution, e.g. fixed:2s")
    if setting.limit is not None and fault_kind is not FaultKind.OVERLOAD:
        raise FaultProblem("limit", "only overload takes a limit")
    return Fault(service=service, kind=fault_kind, **setting.model_dump())
