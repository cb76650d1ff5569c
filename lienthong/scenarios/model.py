"""The scenario file format: what to submit, when, which faults, and what must come out.

Times in a scenario (``at``, ``until``, ``over``) are offsets from the moment the scenario
starts, in simulated time (``"30s"``, ``"2h"``, ``"3d"``): on a clock running at speed 86,400,
``at: 1d`` is one real second in. ``lienthong replay --speed 2`` runs every offset twice as fast.
Numbers expected in aggregate are bounds (see :mod:`lienthong.scenarios.bounds`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

from pydantic import AwareDatetime, Field, model_validator

from lienthong.contracts.faults import (
    FaultKind,
    FaultProblem,
    FaultSetting,
    PoisonKind,
    checked_fault,
)
from lienthong.scenarios.bounds import parse_seconds
from lienthong.scenarios.expectations import Expectations
from lienthong.scenarios.fields import Offset, Province, Service, Strict
from lienthong.workload.census import ELECTRONIC_BIRTH_CERTIFICATE_SHARE
from lienthong.workload.forms import BirthDefect, DeathDefect
from lienthong.workload.people import InsuranceProfile

__all__ = [
    "NAME",
    "BirthSpec",
    "ClockSpec",
    "DeathSpec",
    "Disruption",
    "FaultSpec",
    "GenerateSpec",
    "Scenario",
]


NAME: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
"""A scenario's name: kebab-case, as its file is named."""


class ClockSpec(Strict):
    """The simulated clock the scenario needs; ``replay`` starts a system with it if needed."""

    speed: float = Field(default=1.0, gt=0, le=1_000_000, description="Simulated s per real s.")
    start: AwareDatetime | None = Field(
        default=None,
        description="Simulated time at start (with its offset); null = now.",
        examples=["2026-03-02T08:00:00+07:00"],
    )


class FaultSpec(Strict):
    """A fault switched on at ``at`` and off at ``until`` (simulated), on one service."""

    service: Service
    kind: FaultKind
    at: Offset = "0s"
    until: Offset | None = Field(default=None, description="Off again at; null = end of run.")
    rate: float = Field(default=1.0, ge=0, le=1, description="Share of messages hit.")
    provinces: list[Province] = Field(default_factory=list, description="Only these provinces.")
    flow: Literal["birth", "death"] | None = Field(default=None, description="Only this flow.")
    latency: str | None = Field(default=None, description="Delay spec of `latency` faults.")
    limit: float | None = Field(default=None, description="Requests/s of `overload`.")
    office_hours: bool = Field(default=False, description="`overload` only in office hours.")
    window: int = Field(default=10, ge=2, le=1000, description="Messages `reorder` shuffles.")
    poison: PoisonKind | None = Field(default=None, description="Kind of `poison` messages.")

    @model_validator(mode="after")
    def _a_fault_the_service_takes(self) -> FaultSpec:
        """The same checks as ``/admin/faults``: a bad fault is a file error, not a 422 later."""
        if self.until is not None and parse_seconds(self.until) <= parse_seconds(self.at):
            raise ValueError("`until` must be after `at`")
        setting = self.model_dump(exclude={"service", "kind", "at", "until"})
        try:
            checked_fault(self.service, self.kind.value, FaultSetting.model_validate(setting))
        except FaultProblem as problem:
            raise ValueError(str(problem)) from None
        return self


class Disruption(Strict):
    """A process-level outage the scenario causes itself (needs a local run, found by dir)."""

    action: Literal["pause_broker", "kill", "restart"] = Field(
        description="pause_broker: SIGSTOP the broker until `until`; kill: SIGKILL a service "
        "(the supervisor restarts it); restart: graceful restart of a service."
    )
    service: Service | None = Field(default=None, description="For kill and restart.")
    at: Offset = "0s"
    until: Offset | None = Field(default=None, description="pause_broker: resumed at.")

    @model_validator(mode="after")
    def _needs_what_it_names(self) -> Disruption:
        if self.action == "pause_broker" and self.until is None:
            raise ValueError("pause_broker needs `until`")
        if self.action != "pause_broker" and self.service is None:
            raise ValueError(f"{self.action} needs `service`")
        return self


class Resubmission(Strict):
    """How often the same form is sent: a citizen pressing submit again."""

    times: int = Field(default=2, ge=1, le=20, description="How many POSTs of the same form.")
    same_key: bool = Field(
        default=True,
        description="Same Idempotency-Key each time (one dossier) or none (a new dossier each, "
        "the later ones refused as duplicates).",
    )
    every: Offset = Field(
        default="0s",
        description="Time between the sends. Without a key, give the first dossier time to be "
        "registered (e.g. 1s), or which one counts as the duplicate is up to the broker.",
    )


class DossierBase(Strict):
    """What every dossier of a scenario has: a name, a time, a province."""

    name: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,60}$",
        description="Name to expect it by; resubmissions without a key become name#2, name#3.",
    )
    at: Offset = "0s"
    province: Province | None = Field(default=None, description="Where the people live.")
    submit: Resubmission | None = Field(default=None, description="Send the form more than once.")
    form: dict[str, Any] | None = Field(
        default=None,
        description="Fields merged over the built form (deep merge), e.g. a literal reference.",
    )
    person: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,60}$",
        description="Alias of the main person (a birth's mother, a death's deceased): dossiers "
        "with the same alias name the same person, picked once.",
    )


class BirthSpec(DossierBase):
    """Đăng ký khai sinh: a living mother of the province, her household, her husband if any."""

    kind: Literal["birth"]
    defects: list[BirthDefect] = Field(
        default_factory=list, description="What the form gets wrong."
    )
    father: bool = Field(default=True, description="Name the father when the household has one.")
    born: Offset = Field(default="1d", description="Child born this long before submission.")


class DeathSpec(DossierBase):
    """Đăng ký khai tử: a living person of the province, with the insurance profile asked."""

    kind: Literal["death"]
    defects: list[DeathDefect] = Field(
        default_factory=list, description="What the form gets wrong."
    )
    insurance: InsuranceProfile | None = Field(
        default=None, description="What BHXH knows of them; decides the funeral benefit."
    )
    died: Offset = Field(default="2d", description="Died this long before submission.")
    benefit: Literal["claimed", "not_claimed", "disaster"] = Field(
        default="claimed", description="The funeral benefit claim (disaster: 50× support)."
    )


DossierSpec = Annotated[BirthSpec | DeathSpec, Field(discriminator="kind")]


class GenerateSpec(Strict):
    """Many dossiers at once: ``count`` births or deaths spread evenly over ``over``."""

    kind: Literal["birth", "death"]
    count: int = Field(ge=1, le=10_000_000)
    label: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.-]{1,60}$", description="Group to expect them by."
    )
    province: Province | Literal["census"] | None = Field(
        default=None,
        description="One province, or `census`: spread by population; null = any.",
    )
    at: Offset = "0s"
    over: Offset = Field(default="0s", description="Submissions spread evenly over this time.")
    defects: dict[str, float] = Field(
        default_factory=dict,
        description="Share of the group with each defect, e.g. {mother_unknown: 0.1}: exactly "
        "round(share × count) of them, chosen by the seed.",
    )
    electronic_birth_certificates: float = Field(
        default=ELECTRONIC_BIRTH_CERTIFICATE_SHARE,
        ge=0,
        le=1,
        description="Births only: about this share carry an electronic hospital birth "
        "certificate, the rest a paper one the civil registry verifies (5-day path). Default "
        "0.635, the reports' 16,697 linked of 26,283 births (Thanh Hóa, first half of 2024).",
    )

    @model_validator(mode="after")
    def _known_defects(self) -> GenerateSpec:
        allowed = {d.value for d in (BirthDefect if self.kind == "birth" else DeathDefect)}
        for defect, share in self.defects.items():
            if defect not in allowed:
                raise ValueError(f"unknown {self.kind} defect {defect!r}: {sorted(allowed)}")
            if not 0 <= share <= 1:
                raise ValueError(f"share of {defect!r} must be between 0 and 1")
        if sum(self.defects.values()) > 1:
            raise ValueError("the defect shares add up to more than 1")
        return self


class RecordedEvent(Strict):
    """One agency decision seen while recording: which dossier, which step, when."""

    dossier: str
    agency: str
    status: str
    at: float = Field(description="Simulated seconds after the first submission.")


class Recorded(Strict):
    """Where and when a recorded scenario was captured (not replayed; for reading)."""

    source: str = Field(description="The gateway it was recorded from.")
    since: AwareDatetime
    until: AwareDatetime
    clock_speed: float
    events: list[RecordedEvent] = Field(default_factory=list)


class Scenario(Strict):
    """One replayable scenario."""

    name: str = Field(pattern=NAME.pattern, description="Kebab-case name.")
    description: str = Field(default="", description="What it shows, for the report.")
    seed: int = Field(default=0, ge=0, description="Seeds who is picked and which get defects.")
    clock: ClockSpec | None = Field(default=None, description="Clock it needs; null = any.")
    timeout: Offset = Field(default="60s", description="Real time to wait for outcomes.")
    faults: list[FaultSpec] = Field(default_factory=list)
    disruptions: list[Disruption] = Field(default_factory=list)
    dossiers: list[DossierSpec] = Field(default_factory=list)
    generate: list[GenerateSpec] = Field(default_factory=list)
    expect: Expectations = Field(default_factory=Expectations)
    recorded: Recorded | None = Field(
        default=None, description="Filled by `lienthong record`: the run it was captured from."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if not self.dossiers and not self.generate:
            raise ValueError("a scenario needs `dossiers` or `generate`")
        names = [d.name for d in self.dossiers if d.name]
        if len(names) != len(set(names)):
            raise ValueError("dossier names must be unique")
        known = set(names) | {
            f"{d.name}#{n}"
            for d in self.dossiers
            if d.name and d.submit and not d.submit.same_key
            for n in range(2, d.submit.times + 1)
        }
        for name in self.expect.dossiers:
            if name not in known:
                raise ValueError(f"expect.dossiers names {name!r}, which no dossier is called")
        labels = {g.label for g in self.generate if g.label}
        for label in self.expect.groups:
            if label not in labels:
                raise ValueError(f"expect.groups names {label!r}, which no generate is labelled")
        switched = [(f.service, f.kind) for f in self.faults]
        if len(switched) != len(set(switched)):
            raise ValueError("one fault per service and kind: a second setting would replace it")
        return self
