"""The schema walk on small hand-written schemas, the mode rules, the baselines and the report.

Each expectation is the rule itself, stated by hand: a narrowing fails readers on the new
contract given old data (NEW_READERS), a widening fails readers on the old contract given new
data (OLD_READERS), an incomparable change fails both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lienthong.cli.contract_baselines import BaselineError, load_baselines
from lienthong.cli.contract_change import Change, Kind, Located, Role, Side
from lienthong.cli.contract_compat import (
    Direction,
    Incompatibility,
    Mode,
    Verdict,
    parse_mode,
    people,
    side_for,
)
from lienthong.cli.contract_diff_schema import SchemaDiff
from lienthong.cli.contract_report import render_json, render_text

OLD, NEW = Side.OLD_READERS, Side.NEW_READERS


def diff(old: dict[str, Any], new: dict[str, Any], **documents: Any) -> list[tuple[Any, ...]]:
    """(kind, field, sides that break) per change."""
    walker = SchemaDiff(
        documents.get("old_doc", {}), documents.get("new_doc", {}), readers_use_defaults=True
    )
    return [(c.kind, c.field, frozenset(c.breaks)) for c in walker.compare(old, new, "data")]


def obj(required: list[str] | None = None, closed: bool = False, **fields: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": fields, "required": required or []}
    if closed:
        schema["additionalProperties"] = False
    return schema


STRING = {"type": "string"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (STRING, {"anyOf": [STRING, {"type": "null"}]}, [(Kind.TYPE_CHANGED, {OLD})]),
        ({"anyOf": [STRING, {"type": "null"}]}, STRING, [(Kind.TYPE_CHANGED, {NEW})]),
        ({"type": "integer"}, {"type": "number"}, [(Kind.TYPE_CHANGED, {OLD})]),
        ({"type": "number"}, {"type": "integer"}, [(Kind.TYPE_CHANGED, {NEW})]),
        (STRING, {"type": "integer"}, [(Kind.TYPE_CHANGED, {OLD, NEW})]),
        ({**STRING, "maxLength": 100}, {**STRING, "maxLength": 50}, [(Kind.TIGHTENED, {NEW})]),
        ({**STRING, "maxLength": 50}, {**STRING, "maxLength": 100}, [(Kind.LOOSENED, {OLD})]),
        ({**STRING, "minLength": 1}, STRING, [(Kind.LOOSENED, {OLD})]),
        (STRING, {**STRING, "format": "date"}, [(Kind.TIGHTENED, {NEW})]),
        (
            {**STRING, "pattern": "^a$"},
            {**STRING, "pattern": "^b$"},
            [(Kind.CONSTRAINT_CHANGED, {OLD, NEW})],
        ),
        (
            {"type": "integer", "minimum": 0},
            {"type": "integer", "exclusiveMinimum": 0},
            [(Kind.TIGHTENED, {NEW})],
        ),
        ({"type": "integer", "maximum": 10}, {"type": "integer"}, [(Kind.LOOSENED, {OLD})]),
        ({"const": "v1"}, {"const": "v2"}, [(Kind.CONST_CHANGED, {OLD, NEW})]),
        (
            {"enum": ["a", "b"]},
            {"enum": ["b", "c"]},
            [(Kind.ENUM_VALUES_REMOVED, {NEW}), (Kind.ENUM_VALUES_ADDED, {OLD})],
        ),
        (STRING, {**STRING, "enum": ["a"]}, [(Kind.TIGHTENED, {NEW})]),
        ({**STRING, "description": "x", "examples": ["a"]}, {**STRING, "title": "y"}, []),
    ],
)
def test_each_value_rule_breaks_the_side_it_narrows_for(
    old: dict[str, Any], new: dict[str, Any], expected: list[tuple[Kind, set[Side]]]
) -> None:
    assert diff(old, new) == [(kind, "data", frozenset(sides)) for kind, sides in expected]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # open object: an optional field comes and goes freely
        (obj(), obj(x=STRING), [(Kind.FIELD_ADDED, set())]),
        (obj(x=STRING), obj(), [(Kind.FIELD_REMOVED, set())]),
        # required ones break the reader that needs them
        (obj(), obj(["x"], x=STRING), [(Kind.FIELD_ADDED, {NEW})]),
        (obj(["x"], x=STRING), obj(), [(Kind.FIELD_REMOVED, {OLD})]),
        # a closed (Strict) object refuses what it does not declare
        (obj(closed=True), obj(closed=True, x=STRING), [(Kind.FIELD_ADDED, {OLD})]),
        (obj(closed=True, x=STRING), obj(closed=True), [(Kind.FIELD_REMOVED, {NEW})]),
        (obj(x=STRING), obj(["x"], x=STRING), [(Kind.NOW_REQUIRED, {NEW})]),
        (obj(["x"], x=STRING), obj(x=STRING), [(Kind.NO_LONGER_REQUIRED, {OLD})]),
        (obj(), obj(closed=True), [(Kind.CLOSED, {NEW})]),
    ],
)
def test_each_field_rule(
    old: dict[str, Any], new: dict[str, Any], expected: list[tuple[Kind, set[Side]]]
) -> None:
    found = diff(old, new)

    assert [(kind, sides) for kind, _, sides in found] == [
        (kind, frozenset(sides)) for kind, sides in expected
    ]
    if found and found[0][0] in (Kind.FIELD_ADDED, Kind.FIELD_REMOVED):
        assert found[0][1] == "data.x"


def test_refs_are_followed_in_each_document_and_nested_paths_named() -> None:
    child = obj(["date_of_birth"], closed=True, date_of_birth={**STRING, "format": "date"})
    renamed = obj(["birth_date"], closed=True, birth_date={**STRING, "format": "date"})
    old_doc = {"components": {"schemas": {"Child": child}}}
    new_doc = {"components": {"schemas": {"Kid": renamed}}}  # the model's name changed too
    old = obj(child={"$ref": "#/components/schemas/Child"})
    new = obj(child={"$ref": "#/components/schemas/Kid"})

    assert diff(old, new, old_doc=old_doc, new_doc=new_doc) == [
        (Kind.FIELD_REMOVED, "data.child.date_of_birth", frozenset({OLD, NEW})),
        (Kind.FIELD_ADDED, "data.child.birth_date", frozenset({OLD, NEW})),
    ]


def test_array_items_and_union_alternatives_have_their_own_paths() -> None:
    def form(kind: str, **fields: Any) -> dict[str, Any]:
        return obj(["kind"], kind={"const": kind}, **fields)

    union = {
        "type": "array",
        "items": {
            "oneOf": [{"$ref": "#/B"}, {"$ref": "#/D"}],
            "discriminator": {"propertyName": "kind", "mapping": {"b": "#/B", "d": "#/D"}},
        },
    }

    old_doc = {"B": form("b"), "D": form("d")}
    new_doc = {"B": form("b", x=STRING), "D": form("d")}
    new_doc["B"]["required"].append("x")

    assert diff(union, union, old_doc=old_doc, new_doc=new_doc) == [
        (Kind.FIELD_ADDED, "data[](kind=b).x", frozenset({NEW}))
    ]


def test_a_removed_alternative_breaks_new_readers_and_an_added_one_old_readers() -> None:
    two = {"anyOf": [STRING, {"type": "integer"}]}

    assert diff(STRING, two) == [(Kind.VARIANT_ADDED, "data", frozenset({OLD}))]
    assert diff(two, STRING) == [(Kind.VARIANT_REMOVED, "data", frozenset({NEW}))]


def test_an_optional_response_field_removed_breaks_clients_who_read_it() -> None:
    walker = SchemaDiff({}, {}, readers_use_defaults=False)

    (change,) = walker.compare(obj(x=STRING), obj())

    assert set(change.breaks) == {OLD}


def test_a_recursive_model_is_walked_once() -> None:
    node = obj(children={"type": "array", "items": {"$ref": "#/components/schemas/Node"}})
    document = {"components": {"schemas": {"Node": node}}}

    walker = SchemaDiff(document, document, readers_use_defaults=True)
    assert walker.compare({"$ref": "#/components/schemas/Node"}, node) == []


@pytest.mark.parametrize(
    ("direction", "role", "side"),
    [
        (Direction.BACKWARD, Role.EVENT, NEW),  # upgraded consumers replay old messages
        (Direction.BACKWARD, Role.REQUEST, NEW),  # the new server reads old clients' requests
        (Direction.BACKWARD, Role.RESPONSE, OLD),  # old clients read the new server's answers
        (Direction.FORWARD, Role.EVENT, OLD),  # consumers not yet upgraded read new messages
        (Direction.FORWARD, Role.REQUEST, OLD),  # an old server reads new clients' requests
        (Direction.FORWARD, Role.RESPONSE, NEW),  # new clients read an old server's answers
    ],
)
def test_each_direction_puts_one_reader_on_the_line(
    direction: Direction, role: Role, side: Side
) -> None:
    assert side_for(direction, role) is side


def test_modes_are_read_in_any_case_and_unknown_ones_refused() -> None:
    assert parse_mode("full-transitive") is Mode.FULL_TRANSITIVE
    assert parse_mode("backward") is Mode.BACKWARD
    assert parse_mode("sideways") is None
    assert people(("gateway",)) == "gateway"
    assert people(("a", "b", "c")) == "a, b and c"


def write_export(directory: Path) -> None:
    (directory / "openapi").mkdir(parents=True)
    (directory / "asyncapi.json").write_text(json.dumps({"asyncapi": "3.0.0"}))
    (directory / "openapi" / "gateway.json").write_text(json.dumps({"openapi": "3.1.0"}))


def test_one_export_or_versions_in_natural_name_order(tmp_path: Path) -> None:
    write_export(tmp_path / "one")
    for version in ("v10", "v2", "v9"):
        write_export(tmp_path / "many" / version)

    ((name, documents),) = load_baselines(tmp_path / "one")
    assert name == str(tmp_path / "one")
    assert sorted(documents) == ["asyncapi.json", "openapi/gateway.json"]
    assert [name for name, _ in load_baselines(tmp_path / "many")] == ["v2", "v9", "v10"]


def test_what_is_not_a_baseline_is_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "asyncapi.json").write_text("{}")
    write_export(tmp_path / "broken")
    (tmp_path / "broken" / "asyncapi.json").write_text("{not json")

    reasons = {}
    for name in ("missing", "file", "empty", "half", "broken"):
        with pytest.raises(BaselineError) as error:
            load_baselines(tmp_path / name)
        reasons[name] = str(error.value)

    assert reasons["missing"].endswith("does not exist")
    assert reasons["file"].endswith("is not a directory")
    assert "holds no contracts" in reasons["empty"]
    assert "no openapi/" in reasons["half"]
    assert "is not JSON" in reasons["broken"]


def test_the_report_says_what_where_why_and_who_then_sums_up() -> None:
    change = Change(Kind.FIELD_ADDED, "data.x", "`data.x` added (required, string)")
    located = Located(change, "events", "vn.lienthong.a.b.v1", "payload", Role.EVENT, {})
    item = Incompatibility("base", located, {Direction.BACKWARD: "because"}, ("gateway",))
    verdict = Verdict(Mode.BACKWARD, ("base",), [item], [])

    assert render_text(verdict).splitlines() == [
        "INCOMPATIBLE (BACKWARD, against base): field added",
        "  what:  `data.x` added (required, string)",
        "  where: message vn.lienthong.a.b.v1, payload, field data.x",
        "  why:   because",
        "  who:   gateway",
        "",
        "incompatible under BACKWARD with base: 1 breaking change (1 in events, 0 in REST APIs)",
    ]
    document = json.loads(render_json(verdict))
    assert document["compatible"] is False
    assert document["incompatibilities"][0] | {"why": None} == {
        "baseline": "base",
        "kind": "field added",
        "what": "`data.x` added (required, string)",
        "area": "events",
        "where": "message vn.lienthong.a.b.v1, payload, field data.x",
        "message": "vn.lienthong.a.b.v1",
        "part": "payload",
        "field": "data.x",
        "breaks": ["BACKWARD"],
        "why": None,
        "who": ["gateway"],
    }
    empty = Verdict(Mode.FULL, ("base",), [], [])
    assert render_text(empty) == "compatible under FULL with base: no changes"
