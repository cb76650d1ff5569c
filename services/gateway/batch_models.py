"""Bulk intake's request and answer: many dossiers in one request, one answer per dossier.

The items are taken as raw JSON and validated one by one (:func:`parse_item`): had FastAPI
validated them, one malformed item would have refused the whole batch with a 422, and a
replay of a thousand dossiers would fail for one typo. Each item's errors are located from the
request's root (``["dossiers", 3, "form", "child", "date_of_birth"]``), the form's ``kind``
tag left out as in the single route's 422.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, ValidationError

from lienthong.contracts.form_checks import FieldProblem
from lienthong.contracts.forms import DossierForm
from services.gateway.dossier_writes import Intake, KeyReused, Written
from services.gateway.examples import dossier_examples
from services.gateway.overload import Refusal
from services.gateway.validation_errors import FORM_KINDS

MAX_BATCH: Final = 1000
"""Most dossiers in one batch: one transaction's worth (about a second of the writer)."""

Loc = list[str | int]
ItemStatus = Literal["accepted", "existing", "invalid", "conflict", "overloaded"]


class BatchItem(BaseModel):
    """One dossier of a batch: its form and, optionally, its idempotency key."""

    model_config = ConfigDict(extra="forbid")

    form: DossierForm = Field(description="Form 01 (birth) or Form 02 (death), as for one POST.")
    idempotency_key: str | None = Field(
        default=None,
        max_length=200,
        description="As the `Idempotency-Key` header of one POST: the same key and form give "
        "the same dossier back; the same key with another form is a conflict.",
        examples=["replay-2026-11-16-000001"],
    )


class BatchSubmission(BaseModel):
    """Many dossiers; each is validated on its own, so a bad one refuses only itself."""

    dossiers: list[SkipValidation[BatchItem]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} dossiers, answered in this order.",
        examples=[
            [
                {"form": example.get("value"), "idempotency_key": "replay-2026-11-16-000001"}
                for example in list(dossier_examples().values())[:1]
            ]
        ],
    )

    def raw_items(self) -> Sequence[object]:
        """The items as received: raw JSON, not yet validated (whatever the annotation says)."""
        return self.dossiers


class ItemError(BaseModel):
    """One reason an item was not taken, located from the request's root."""

    loc: Loc = Field(
        description="Path of the field, from the request's root.",
        examples=[["dossiers", 3, "form", "child", "given_name"]],
    )
    msg: str = Field(description="Why, for people to read.", examples=["Field required"])
    type: str = Field(
        description="Pydantic's error type; `value_error` for the door checks, "
        "`idempotency_conflict`, or `overload`.",
        examples=["missing"],
    )


class BatchItemResult(BaseModel):
    """What became of one item of the batch."""

    index: int = Field(description="The item's position in `dossiers`.", examples=[0])
    status: ItemStatus = Field(
        description="accepted (new dossier) | existing (same key and form as an earlier one) | "
        "invalid (see `errors`) | conflict (key used for another form) | overloaded (refused "
        "by the `overload` fault: submit it again after `Retry-After`).",
        examples=["accepted"],
    )
    dossier_id: str | None = Field(
        description="For accepted and existing items; null for the others.",
        examples=["0b5e0f7a-3c1d-5e2f-8a9b-1c2d3e4f5a6b"],
    )
    errors: list[ItemError] = Field(description="Why an item was not taken; empty otherwise.")


class BatchResults(BaseModel):
    """One result per item, in the order of the request."""

    results: list[BatchItemResult] = Field(
        description="One result per item of `dossiers`, in the same order."
    )


def _form_loc(index: int, loc: Sequence[str | int]) -> Loc:
    """``loc`` inside item ``index``, from the root, without the tag of the form's union."""
    inside = list(loc)
    if len(inside) > 1 and inside[0] == "form" and inside[1] in FORM_KINDS:
        del inside[1]
    return ["dossiers", index, *inside]


def parse_item(index: int, raw: object) -> BatchItem | BatchItemResult:
    """Item ``index`` validated, or its ``invalid`` result with every field error."""
    try:
        return BatchItem.model_validate(raw)
    except ValidationError as invalid:
        errors = [
            ItemError(loc=_form_loc(index, error["loc"]), msg=error["msg"], type=error["type"])
            for error in invalid.errors(include_url=False)
        ]
        return BatchItemResult(index=index, status="invalid", dossier_id=None, errors=errors)


def rejected(index: int, problems: list[FieldProblem]) -> BatchItemResult:
    """The ``invalid`` result of an item that failed the door checks."""
    errors = [
        ItemError(
            loc=_form_loc(index, ("form", *problem.loc)), msg=problem.message, type="value_error"
        )
        for problem in problems
    ]
    return BatchItemResult(index=index, status="invalid", dossier_id=None, errors=errors)


def overloaded(index: int, refusal: Refusal) -> BatchItemResult:
    """The result of an item the ``overload`` fault refused (nothing written for it)."""
    detail: dict[str, Any] = refusal.detail()
    message = f"{detail['message']} ({refusal.reason}; retry after {refusal.retry_after_s} s)"
    error = ItemError(loc=["dossiers", index], msg=message, type="overload")
    return BatchItemResult(index=index, status="overloaded", dossier_id=None, errors=[error])


def written(index: int, item: BatchItem, answer: Written) -> BatchItemResult:
    """The result of an item that reached the writer: its dossier, or a reused key."""
    if isinstance(answer, Intake):
        status: ItemStatus = "accepted" if answer.created else "existing"
        return BatchItemResult(index=index, status=status, dossier_id=answer.dossier_id, errors=[])
    assert isinstance(answer, KeyReused)
    field: Loc = ["idempotency_key"] if item.idempotency_key else ["form", "reference"]
    error = ItemError(loc=["dossiers", index, *field], msg=str(answer), type="idempotency_conflict")
    return BatchItemResult(index=index, status="conflict", dossier_id=None, errors=[error])
