"""Two JSON Schemas walked side by side, old and new, into :class:`Change` records.

Each change is found at a field path like ``data.child.date_of_birth`` (``[]`` steps into array
items, ``.*`` into map values, ``(kind=birth)`` into one alternative of a union) and says, per
side, why that reader fails — types (nullable included), enum and const values, bounds, patterns
and formats, fields (``contract_diff_fields``) and union alternatives. Which side a mode cares
about is ``contract_compat``'s business, so one walk serves events, requests and responses.
"""

from __future__ import annotations

from typing import Any, Final

from lienthong.cli.contract_change import Change, Kind, Side
from lienthong.cli.contract_diff_fields import field_changes
from lienthong.cli.contract_diff_values import label, value_changes
from lienthong.cli.contract_schema_nodes import Node, Variant, node_of, show_types, types_of

Schema = dict[str, Any]
Seen = frozenset[tuple[str, str]]

_OLD: Final = "what was written under the old contract"
_NEW: Final = "what is written under the new contract"


def _uncovered(types: frozenset[str] | None, by: frozenset[str] | None) -> frozenset[str]:
    """The types of ``types`` that ``by`` does not admit (an integer is a number)."""
    if by is None:
        return frozenset()
    if types is None:
        return frozenset({"any type"})
    return frozenset(t for t in types if t not in by and not (t == "integer" and "number" in by))


def _options(node: Node) -> list[Variant]:
    """A union's alternatives, or a plain node as the only one (so the two can be matched)."""
    if node.variants:
        return list(node.variants)
    name = node.ref.rsplit("/", 1)[-1] or show_types(types_of(node.schema))
    return [Variant(name, node.ref, node.schema)]


class SchemaDiff:
    """Compares schemas of an old and a new document (each resolves its own ``$ref``).

    ``readers_use_defaults``: whether a reader fills an optional field that is missing from its
    default (pydantic consumers and servers do); clients reading a response may not, and every
    field of a response model is sent, so removing even an optional one breaks them.
    """

    def __init__(self, old_doc: Schema, new_doc: Schema, *, readers_use_defaults: bool) -> None:
        self.old_doc, self.new_doc = old_doc, new_doc
        self.readers_use_defaults = readers_use_defaults

    def compare(self, old: Schema, new: Schema, path: str = "") -> list[Change]:
        """Every change from ``old`` to ``new``, at field paths under ``path``."""
        return self.compare_at(old, new, path, frozenset())

    def compare_at(self, old: Schema, new: Schema, path: str, seen: Seen) -> list[Change]:
        """Every change between two nodes; ``seen``: model pairs being compared further up."""
        was, now = node_of(self.old_doc, old), node_of(self.new_doc, new)
        if was.ref and now.ref:
            if (was.ref, now.ref) in seen:  # a recursive model: already being compared
                return []
            seen = seen | {(was.ref, now.ref)}
        if was.variants or now.variants:
            return self._null(was, now, path) + self._variants(was, now, path, seen)
        return self._single(was, now, path, seen)

    def _null(self, was: Node, now: Node, path: str) -> list[Change]:
        where = label(path)
        if was.nullable == now.nullable:
            return []
        if now.nullable:
            why = {Side.OLD_READERS: f"{_NEW} may hold null at {where}, which the old one refuses"}
            return [Change(Kind.TYPE_CHANGED, path, f"{where}: null now allowed", why)]
        why = {Side.NEW_READERS: f"{_OLD} may hold null at {where}, which the new one refuses"}
        return [Change(Kind.TYPE_CHANGED, path, f"{where}: null no longer allowed", why)]

    def _variants(self, was: Node, now: Node, path: str, seen: Seen) -> list[Change]:
        old_options, new_options = _options(was), _options(now)
        both_unions = bool(was.variants and now.variants)
        changes: list[Change] = []
        for key in ("label", "ref"):  # by name first, then by the model behind it
            for option in list(old_options):
                mine = getattr(option, key)
                match = [n for n in new_options if getattr(n, key) == mine]
                if mine and len(match) == 1:
                    inner = f"{path}({option.label})" if both_unions else path
                    changes += self.compare_at(option.schema, match[0].schema, inner, seen)
                    old_options.remove(option)
                    new_options.remove(match[0])
        where = label(path)
        for gone in old_options:
            why = f"{_OLD} may be a {gone.label} at {where}, which the new one no longer accepts"
            what = f"{where}: no longer accepts a {gone.label}"
            changes.append(Change(Kind.VARIANT_REMOVED, path, what, {Side.NEW_READERS: why}))
        for extra in new_options:
            why = f"{_NEW} may be a {extra.label} at {where}, which the old one does not know"
            what = f"{where}: now also accepts a {extra.label}"
            changes.append(Change(Kind.VARIANT_ADDED, path, what, {Side.OLD_READERS: why}))
        return changes

    def _single(self, was: Node, now: Node, path: str, seen: Seen) -> list[Change]:
        changes: list[Change] = []
        before, after = types_of(was.schema), types_of(now.schema)
        if before is not None and was.nullable:
            before |= {"null"}
        if after is not None and now.nullable:
            after |= {"null"}
        lost, gained = _uncovered(before, after), _uncovered(after, before)
        if lost or gained:
            where, why = label(path), {}
            if lost:
                why[Side.NEW_READERS] = (
                    f"{_OLD} may hold {show_types(lost)} at {where}, which the new one refuses"
                )
            if gained:
                why[Side.OLD_READERS] = (
                    f"{_NEW} may hold {show_types(gained)} at {where}, which the old one refuses"
                )
            what = f"{where}: {show_types(before)} → {show_types(after)}"
            changes.append(Change(Kind.TYPE_CHANGED, path, what, why))
        changes += value_changes(was.schema, now.schema, path)
        if "object" in (before or ()) and "object" in (after or ()):
            changes += field_changes(self, was.schema, now.schema, path, seen)
        items_before, items_after = was.schema.get("items"), now.schema.get("items")
        if isinstance(items_before, dict) and isinstance(items_after, dict):
            changes += self.compare_at(items_before, items_after, f"{path}[]", seen)
        return changes
