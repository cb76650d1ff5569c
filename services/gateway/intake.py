"""Intake (tiếp nhận hồ sơ): a form checked at the door becomes a dossier and its first event.

The routes only translate HTTP; these functions decide. The form is checked against the
simulated clock's today (in Vietnam) and the reference data, then written with its steps and
its ``…_dossier_submitted`` event in one transaction (outbox) by
:func:`~services.gateway.dossier_writes.write_dossiers`, the one writer of dossiers: a batch
(``POST …/dossiers/batch``) goes to it whole; concurrent single submissions reach it through
the process's :class:`~services.gateway.group_commit.GroupCommitter`, which writes together
those that arrive while the writer is busy.
"""

from __future__ import annotations

import functools
import hashlib
import json
import weakref
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError

from lienthong.contracts.form_checks import FieldProblem, form_problems
from lienthong.contracts.forms import BirthDossier, DeathDossier
from lienthong.runtime.db import Database
from lienthong.runtime.service import Service
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.dossier_writes import Intake, KeyReused, Prepared, Written, write_dossiers
from services.gateway.group_commit import GroupCommitter

__all__ = [
    "FormRejected",
    "Intake",
    "KeyReused",
    "Prepared",
    "Written",
    "committer_for",
    "idempotency_key",
    "prepare",
    "request_hash",
    "submit",
    "write_group",
    "write_together",
]

_RACE_RETRIES = 5


class FormRejected(Exception):
    """The form failed the door checks; ``problems`` says where and why."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the form")
        self.problems = problems


def request_hash(form: BirthDossier | DeathDossier) -> str:
    """A fingerprint of the form's content (what makes a resubmission "the same form")."""
    canonical = json.dumps(form.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(form: BirthDossier | DeathDossier, header: str | None) -> str | None:
    """The ``Idempotency-Key`` header, else the client's ``reference``, else none."""
    return header or (f"reference:{form.reference}" if form.reference else None)


def prepare(service: Service, form: BirthDossier | DeathDossier, key: str | None) -> Prepared:
    """The door checks (raising :class:`FormRejected`), then the form's key and fingerprint."""
    problems = form_problems(form, service.clock.today())
    if problems:
        raise FormRejected(problems)
    return Prepared(form, idempotency_key(form, key), request_hash(form))


_COMMITTERS: weakref.WeakKeyDictionary[Database, GroupCommitter[Prepared, Intake]] = (
    weakref.WeakKeyDictionary()
)


def committer_for(db: Database) -> GroupCommitter[Prepared, Intake]:
    """The group committer of the service whose database is ``db`` (one per process)."""
    committer = _COMMITTERS.get(db)
    if committer is None:
        committer = _COMMITTERS[db] = GroupCommitter()
    return committer


async def submit(
    service: Service,
    policy: DeadlinePolicy,
    form: BirthDossier | DeathDossier,
    key_header: str | None,
) -> Intake:
    """Take one dossier in: door checks, then written with whatever arrives at the same time.

    Raises :class:`FormRejected` or :class:`KeyReused`; its own, whatever its group holds.
    """
    prepared = prepare(service, form, key_header)
    write = functools.partial(write_group, service, policy)
    return await committer_for(service.db).submit(prepared, write)


async def write_group(
    service: Service, policy: DeadlinePolicy, items: list[Prepared]
) -> list[Intake | Exception]:
    """The group committer's writer: one transaction; after a failure, each item on its own.

    An IntegrityError (another process took a key or an id between our read and our insert),
    or any other error of one member, rolls the whole group back; each member is then written
    alone, with retries, so one member's race or failure cannot fail the others.
    """
    try:
        return [*await write_dossiers(service, policy, items)]
    except IntegrityError:
        pass
    except Exception:
        if len(items) == 1:
            raise
        # One member's failure (its event would not build, say) must not fail the others.
    answers: list[Intake | Exception] = []
    for item in items:
        try:
            answers.extend(await write_together(service, policy, [item]))
        except Exception as error:
            answers.append(error)
    return answers


async def write_together(
    service: Service, policy: DeadlinePolicy, items: Sequence[Prepared]
) -> list[Written]:
    """``items`` in one transaction, tried again as a whole if a concurrent writer raced it."""
    for _ in range(_RACE_RETRIES):
        try:
            return await write_dossiers(service, policy, items)
        except IntegrityError:
            continue  # a concurrent submission took a key or an id: look again
    raise RuntimeError(f"dossier intake kept racing after {_RACE_RETRIES} attempts")
