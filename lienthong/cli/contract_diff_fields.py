"""The fields of one object, old against new: removed, added, required-ness, open or closed.

This is where most breaking changes live, and where the sandbox's models decide: a ``Strict``
model (``additionalProperties: false``, extra fields forbidden) refuses a field it does not
declare, so *adding* a field to it breaks every reader still on the old model, and *removing* one
breaks readers on the new model given old data that still carries it; an open model ignores
both. A removed field and an added one of the same type beside it are named as a possible
rename, so the report says what a rename looks like instead of two unrelated lines.
"""

from __future__ import annotations

from typing import Any, Protocol

from lienthong.cli.contract_change import Change, Kind, Side
from lienthong.cli.contract_diff_values import label
from lienthong.cli.contract_schema_nodes import describe

Schema = dict[str, Any]
Seen = frozenset[tuple[str, str]]

_OLD = "what was written under the old contract"
_NEW = "what is written under the new contract"
_FORBIDS = "refuses fields it does not declare (extra fields forbidden)"


class Walker(Protocol):
    """What the field comparison needs from ``SchemaDiff``: the documents and the recursion."""

    old_doc: Schema
    new_doc: Schema
    readers_use_defaults: bool

    def compare_at(self, old: Schema, new: Schema, path: str, seen: Seen) -> list[Change]:
        """The changes between two nodes at ``path``."""
        ...


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _renames(
    removed: dict[str, str], added: dict[str, str]
) -> dict[str, str]:  # name → its partner
    """Removed and added fields that look like one rename: the only pair, or the same type."""
    if len(removed) == 1 and len(added) == 1:
        (gone,), (new,) = removed, added
        return {gone: new, new: gone}
    pairs: dict[str, str] = {}
    for new, kind in added.items():
        alike = [gone for gone, was in removed.items() if was == kind]
        if len(alike) == 1 and alike[0] not in pairs:
            pairs.update({alike[0]: new, new: alike[0]})
    return pairs


def _removed(walker: Walker, path: str, required: bool, closed: bool, *, kind: str) -> Change:
    field, breaks = label(path), {}
    if required:
        breaks[Side.OLD_READERS] = f"the old contract requires {field}, and {_NEW} lacks it"
    elif not walker.readers_use_defaults:
        breaks[Side.OLD_READERS] = (
            f"readers on the old contract read {field} (optional in the schema, but written "
            f"every time), and {_NEW} lacks it"
        )
    if closed:
        breaks[Side.NEW_READERS] = f"{_OLD} may carry {field}, and the new contract {_FORBIDS}"
    was = "required" if required else "optional"
    return Change(Kind.FIELD_REMOVED, path, f"{field} removed (was {was}, {kind})", breaks)


def _added(path: str, required: bool, closed: bool, *, kind: str) -> Change:
    field, breaks = label(path), {}
    if required:
        breaks[Side.NEW_READERS] = f"the new contract requires {field}, and {_OLD} lacks it"
    if closed:
        breaks[Side.OLD_READERS] = f"{_NEW} may carry {field}, and the old contract {_FORBIDS}"
    now = "required" if required else "optional"
    return Change(Kind.FIELD_ADDED, path, f"{field} added ({now}, {kind})", breaks)


def _requiredness(was: bool, now: bool, path: str) -> list[Change]:
    field = label(path)
    if now and not was:
        why = f"the new contract requires {field}, and {_OLD} may lack it (it was optional)"
        return [Change(Kind.NOW_REQUIRED, path, f"{field} now required", {Side.NEW_READERS: why})]
    if was and not now:
        why = f"the old contract requires {field}, and {_NEW} may lack it"
        what = f"{field} no longer required"
        return [Change(Kind.NO_LONGER_REQUIRED, path, what, {Side.OLD_READERS: why})]
    return []


def _openness(was_closed: bool, now_closed: bool, path: str) -> list[Change]:
    where = label(path) if path else "the object"
    if now_closed and not was_closed:
        why = (
            f"the new contract {_FORBIDS} in {where}, and {_OLD}, which allowed them, may "
            "carry some"
        )
        what = f"{where}: fields it does not declare are now refused"
        return [Change(Kind.CLOSED, path, what, {Side.NEW_READERS: why})]
    if was_closed and not now_closed:
        why = f"{_NEW} may carry fields {where} does not declare, and the old contract refuses them"
        what = f"{where}: fields it does not declare are now allowed"
        return [Change(Kind.OPENED, path, what, {Side.OLD_READERS: why})]
    return []


def _with_partner(change: Change, partner: str | None, path: str, gone: bool) -> Change:
    if partner is None:
        return change
    other = _join(path, partner)
    name = change.field.rsplit(".", 1)[-1]
    rename = f"`{name}` → `{partner}`" if gone else f"`{partner}` → `{name}`"
    beside = "added" if gone else "removed"
    what = f"{change.what}; `{other}` was {beside} beside it: a rename {rename}?"
    return Change(change.kind, change.field, what, change.breaks)


def field_changes(walker: Walker, old: Schema, new: Schema, path: str, seen: Seen) -> list[Change]:
    """Every change to the fields of an object node (both versions are objects)."""
    was_fields: dict[str, Schema] = old.get("properties") or {}
    now_fields: dict[str, Schema] = new.get("properties") or {}
    was_required, now_required = set(old.get("required") or ()), set(new.get("required") or ())
    was_closed = old.get("additionalProperties") is False
    now_closed = new.get("additionalProperties") is False
    removed = {
        name: describe(walker.old_doc, s)
        for name, s in was_fields.items()
        if name not in now_fields
    }
    added = {
        name: describe(walker.new_doc, s)
        for name, s in now_fields.items()
        if name not in was_fields
    }
    partners = _renames(removed, added)
    changes: list[Change] = []
    for name, schema in was_fields.items():
        child = _join(path, name)
        if name in now_fields:
            changes += walker.compare_at(schema, now_fields[name], child, seen)
            changes += _requiredness(name in was_required, name in now_required, child)
        else:
            change = _removed(walker, child, name in was_required, now_closed, kind=removed[name])
            changes.append(_with_partner(change, partners.get(name), path, gone=True))
    for name, kind in added.items():
        change = _added(_join(path, name), name in now_required, was_closed, kind=kind)
        changes.append(_with_partner(change, partners.get(name), path, gone=False))
    changes += _openness(was_closed, now_closed, path)
    was_values, now_values = old.get("additionalProperties"), new.get("additionalProperties")
    if isinstance(was_values, dict) and isinstance(now_values, dict):
        changes += walker.compare_at(was_values, now_values, f"{path}.*", seen)
    return changes
