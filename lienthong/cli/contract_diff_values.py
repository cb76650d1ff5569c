"""The value rules of one schema node, old against new: enum, const, bounds, pattern, format.

Every keyword here narrows the values a reader accepts, so each comparison has one shape: a
keyword that narrows in the new version (tightened) fails readers on the new contract given old
data; one that widens (loosened) fails readers on the old contract given new data; one that
changes in a way neither contains the other (another pattern, another format) fails both.
``contract_diff_schema`` calls :func:`value_changes` on every pair of nodes it walks.
"""

from __future__ import annotations

import json
from typing import Any, Final

from lienthong.cli.contract_change import Change, Kind, Side

Schema = dict[str, Any]
Bound = tuple[float, bool]  # (limit, exclusive)

_WRITTEN_OLD: Final = "what was written under the old contract"
_WRITTEN_NEW: Final = "what is written under the new contract"


def label(path: str) -> str:
    """How a field path reads in a sentence: `data.child.sex`, or "the value" at the root."""
    return f"`{path}`" if path else "the value"


def _show(values: list[Any]) -> str:
    return ", ".join(json.dumps(value, ensure_ascii=False) for value in values)


def _allowed(schema: Schema) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    return list(enum) if isinstance(enum, list) else None


def _minus(left: list[Any], right: list[Any]) -> list[Any]:
    keys = {json.dumps(value, sort_keys=True) for value in right}
    return [value for value in left if json.dumps(value, sort_keys=True) not in keys]


def _enum_changes(old: list[Any] | None, new: list[Any] | None, path: str) -> list[Change]:
    where = label(path)
    if old is None and new is not None:
        return [
            Change(
                Kind.TIGHTENED,
                path,
                f"{where} now restricted to {_show(new)}",
                {Side.NEW_READERS: f"{_WRITTEN_OLD} may hold any value at {where}"},
            )
        ]
    if old is not None and new is None:
        return [
            Change(
                Kind.LOOSENED,
                path,
                f"{where} no longer restricted to {_show(old)}",
                {Side.OLD_READERS: f"{_WRITTEN_NEW} may hold other values at {where}"},
            )
        ]
    assert old is not None and new is not None
    changes = []
    if removed := _minus(old, new):
        reason = f"{_WRITTEN_OLD} may hold {_show(removed)} at {where}, which it no longer allows"
        changes.append(
            Change(
                Kind.ENUM_VALUES_REMOVED,
                path,
                f"{where}: {_show(removed)} removed from its values",
                {Side.NEW_READERS: reason},
            )
        )
    if added := _minus(new, old):
        reason = (
            f"{_WRITTEN_NEW} may hold {_show(added)} at {where}, which the old one does not know"
        )
        changes.append(
            Change(
                Kind.ENUM_VALUES_ADDED,
                path,
                f"{where}: {_show(added)} added to its values",
                {Side.OLD_READERS: reason},
            )
        )
    return changes


def _const_change(old: list[Any] | None, new: list[Any] | None, path: str) -> list[Change]:
    if old is not None and new is not None and not _minus(old, new) and not _minus(new, old):
        return []
    before = _show(old) if old is not None else "any value"
    after = _show(new) if new is not None else "any value"
    breaks = {}
    if new is not None and (old is None or _minus(old, new)):
        breaks[Side.NEW_READERS] = f"{_WRITTEN_OLD} holds {before} at {label(path)}"
    if old is not None and (new is None or _minus(new, old)):
        breaks[Side.OLD_READERS] = f"{_WRITTEN_NEW} holds {after} at {label(path)}"
    return [Change(Kind.CONST_CHANGED, path, f"{label(path)}: {before} → {after}", breaks)]


def _number_bound(schema: Schema, inclusive: str, exclusive: str, upper: bool) -> Bound | None:
    """The tightest of ``minimum``/``exclusiveMinimum`` (or the maximum pair)."""
    bounds: list[Bound] = []
    limit, strict = schema.get(inclusive), schema.get(exclusive)
    if isinstance(limit, int | float) and not isinstance(limit, bool):
        bounds.append((float(limit), strict is True))  # OpenAPI 3.0's boolean form
    if isinstance(strict, int | float) and not isinstance(strict, bool):
        bounds.append((float(strict), True))
    if not bounds:
        return None
    return max(bounds, key=lambda b: (-b[0] if upper else b[0], b[1]))


def _count_bound(schema: Schema, keyword: str) -> Bound | None:
    value = schema.get(keyword)
    if isinstance(value, int) and not isinstance(value, bool):
        return (float(value), False)
    return None


_BOUNDS: Final[tuple[tuple[str, str | None, bool], ...]] = (
    ("minimum", "exclusiveMinimum", False),
    ("maximum", "exclusiveMaximum", True),
    ("minLength", None, False),
    ("maxLength", None, True),
    ("minItems", None, False),
    ("maxItems", None, True),
)
"""(keyword, its exclusive form for numbers, whether it is an upper bound)."""
_EXACT: Final = ("pattern", "format", "multipleOf")


def _show_bound(name: str, strict_name: str, bound: Bound | None) -> str:
    if bound is None:
        return f"no {name}"
    limit = int(bound[0]) if bound[0].is_integer() else bound[0]
    return f"{strict_name if bound[1] else name} {limit}"


def _stricter(bound: Bound, than: Bound, upper: bool) -> bool:
    """Whether ``bound`` admits fewer values than ``than`` (same limit: exclusive is stricter)."""
    if bound[0] != than[0]:
        return bound[0] < than[0] if upper else bound[0] > than[0]
    return bound[1] and not than[1]


def _tightness(old: Schema, new: Schema) -> list[tuple[Kind, str, str]]:
    """(tightened/loosened/changed, old description, new description) per keyword that moved."""
    moved: list[tuple[Kind, str, str]] = []
    for name, strict_name, upper in _BOUNDS:
        if strict_name is None:
            before, after = _count_bound(old, name), _count_bound(new, name)
        else:
            before = _number_bound(old, name, strict_name, upper)
            after = _number_bound(new, name, strict_name, upper)
        if before == after:
            continue
        if before is None or after is None:
            kind = Kind.TIGHTENED if before is None else Kind.LOOSENED
        else:
            kind = Kind.TIGHTENED if _stricter(after, before, upper) else Kind.LOOSENED
        shown = strict_name or name
        moved.append((kind, _show_bound(name, shown, before), _show_bound(name, shown, after)))
    for keyword in _EXACT:
        before, after = old.get(keyword), new.get(keyword)
        if before == after:
            continue
        kind = (
            Kind.TIGHTENED
            if before is None
            else Kind.LOOSENED
            if after is None
            else Kind.CONSTRAINT_CHANGED
        )
        moved.append(
            (
                kind,
                f"{keyword} {before}" if before is not None else f"no {keyword}",
                f"{keyword} {after}" if after is not None else f"no {keyword}",
            )
        )
    if new.get("uniqueItems") is True and old.get("uniqueItems") is not True:
        moved.append((Kind.TIGHTENED, "repeated items allowed", "uniqueItems"))
    elif old.get("uniqueItems") is True and new.get("uniqueItems") is not True:
        moved.append((Kind.LOOSENED, "uniqueItems", "repeated items allowed"))
    return moved


def value_changes(old: Schema, new: Schema, path: str) -> list[Change]:
    """Every enum, const, bound, pattern and format difference between two schema nodes."""
    before, after = _allowed(old), _allowed(new)
    if "const" in old or "const" in new:
        changes = _const_change(before, after, path)
    else:
        changes = [] if before is None and after is None else _enum_changes(before, after, path)
    for kind, was, now in _tightness(old, new):
        breaks = {}
        if kind in (Kind.TIGHTENED, Kind.CONSTRAINT_CHANGED):
            breaks[Side.NEW_READERS] = (
                f"{_WRITTEN_OLD} had only to meet {was} at {label(path)}, and the new contract "
                f"requires {now}"
            )
        if kind in (Kind.LOOSENED, Kind.CONSTRAINT_CHANGED):
            breaks[Side.OLD_READERS] = (
                f"{_WRITTEN_NEW} has only to meet {now} at {label(path)}, and the old contract "
                f"requires {was}"
            )
        changes.append(Change(kind, path, f"{label(path)}: {was} → {now}", breaks))
    return changes
