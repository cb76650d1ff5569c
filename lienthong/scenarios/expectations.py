"""What a scenario expects to come out: per dossier, per group, and of the run as a whole.

Every value is checked and reported (:mod:`lienthong.scenarios.verdicts`); numbers are exact or
bounds (:mod:`lienthong.scenarios.bounds`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lienthong.scenarios.fields import Agency, BoundSpec, Strict

__all__ = [
    "DossierExpectation",
    "Expectations",
    "GroupExpectation",
    "LatencyExpectation",
    "StepExpectation",
]


class StepExpectation(Strict):
    """One agency step: its status, refusal code, and result fields (subset, exact)."""

    status: Literal["pending", "done", "rejected", "failed", "skipped", "returned"] | None = None
    reason: str | None = Field(default=None, description="Reason code, e.g. mother_not_found.")
    result: dict[str, Any] | None = Field(
        default=None, description="Fields the result must have (others are not compared)."
    )
    overdue: bool | None = None


class DossierExpectation(Strict):
    """One named dossier: final status, overdue or not, and its steps."""

    status: (
        Literal[
            "invalid", "submitted", "in_progress", "returned", "completed", "rejected", "failed"
        ]
        | None
    ) = Field(
        default=None,
        description="`invalid`: the portal refused the form at the door; `returned`: an agency "
        "asked for missing documents (the dossier settles there when this is expected).",
    )
    reason: str | None = Field(default=None, description="Reason code of the refusing step.")
    overdue: bool | None = None
    steps: dict[Agency, StepExpectation] = Field(default_factory=dict)


class LatencyExpectation(Strict):
    """Submit → completed on the simulated clock, over the completed dossiers."""

    p50: BoundSpec | None = None
    p95: BoundSpec | None = None
    p99: BoundSpec | None = None
    max: BoundSpec | None = None


class GroupExpectation(Strict):
    """Counts over a group of dossiers (a generated label, or all of the scenario)."""

    count: BoundSpec | None = Field(default=None, description="Distinct dossiers created.")
    status: dict[str, BoundSpec] = Field(default_factory=dict, description="By final status.")
    reasons: dict[str, BoundSpec] = Field(default_factory=dict, description="By reason code.")
    overdue: BoundSpec | None = Field(default=None, description="Dossiers past their deadline.")
    latency: LatencyExpectation | None = None


class Expectations(Strict):
    """What must come out; every one is checked and reported."""

    dossiers: dict[str, DossierExpectation] = Field(default_factory=dict)
    groups: dict[str, GroupExpectation] = Field(default_factory=dict)
    all: GroupExpectation | None = Field(default=None, description="Over every dossier.")
    throttled: BoundSpec | None = Field(
        default=None, description="Submissions the portal answered 503 (overload) and retried."
    )
    dead_letters: dict[str, BoundSpec] = Field(
        default_factory=dict,
        description="Dead letters the gateway gained during the run, by failure kind "
        "(poison, schema, transient, …) or `total`.",
    )
