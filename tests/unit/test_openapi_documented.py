"""Every field and every parameter each service publishes carries a description and an example.

Issue 10: each service's app is built in-process and never started
(``lienthong.cli.contract_documents.openapi_document``), and the document it serves at
``/openapi.json`` is walked. The event payloads of the catalogue (and the CloudEvents envelope
around them) are walked by the same rule from their JSON Schema, since they are the other
published contract. Each test lists *every* offender at once — service (or event), schema,
field — so one run shows all that is missing.

The rule, precisely:

- **Fields.** Every property of every component schema, and of every object schema written
  inline in one (a property's own ``properties``, reached through ``anyOf``/``oneOf``/``allOf``
  branches, array ``items`` and map ``additionalProperties``), has a non-empty ``description``
  of its own and an example.
- **An example** is a non-empty ``examples`` list or an ``example`` on the property itself. A
  property every non-null branch of which is a ``$ref`` (directly, through ``anyOf``/``oneOf``/
  ``allOf``, or as the items of an array or the values of a map) may take its example from what
  it references instead: a schema carrying ``examples``/``example``, or an object schema with
  properties (each of which is checked here, so an example is composed from theirs). An
  ``enum`` is not an example by itself: a property of an enumerated type names the value to
  show (``"sex": … "examples": ["female"]``). A reference still needs its own description:
  what ``mother`` means is not what ``ParentInfo`` is (and pydantic leaves out a field's
  description equal to its model's docstring, so it must say more than the docstring does).
- **Parameters.** Every path, query, header and cookie parameter of every operation has a
  non-empty ``description`` on the parameter, and an example: ``example`` or a non-empty
  ``examples`` on the parameter, or one on its schema by the rule above.

Excluded, each for a reason we cannot act on: :data:`EXCLUDED_SCHEMAS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import pytest
from pydantic import BaseModel

from lienthong.cli.contract_documents import openapi_document
from lienthong.contracts.catalogue import CATALOGUE
from lienthong.contracts.envelope import CloudEvent
from lienthong.contracts.services import SERVICE_NAMES

Schema = dict[str, Any]

EXCLUDED_SCHEMAS: Final[dict[str, str]] = {
    "HTTPValidationError": "FastAPI's own 422 body, which FastAPI adds to every operation that "
    "takes parameters or a body; its fields are written by FastAPI, not by us.",
    "ValidationError": "the items of HTTPValidationError: pydantic's error shape as FastAPI "
    "declares it, equally out of our hands.",
}
"""Component schemas not walked, by name, with why."""

PARAMETER_PLACES: Final = ("path", "query", "header", "cookie")

HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def specs() -> dict[str, Schema]:
    return {name: openapi_document(name) for name in SERVICE_NAMES}


def _described(spec: Schema) -> bool:
    description = spec.get("description")
    return isinstance(description, str) and bool(description.strip())


def _has_example(spec: Schema) -> bool:
    examples = spec.get("examples")
    return "example" in spec or (isinstance(examples, list | dict) and len(examples) > 0)


def _shapes(spec: Schema) -> Iterator[Schema]:
    """The non-null shapes a value of *spec* takes, looking through unions, arrays and maps."""
    for union in ("anyOf", "oneOf", "allOf"):
        if union in spec:
            for branch in spec[union]:
                yield from _shapes(branch)
            return
    if spec.get("type") == "null":
        return
    items = spec.get("items")
    if spec.get("type") == "array" and isinstance(items, dict):
        yield from _shapes(items)
        return
    values = spec.get("additionalProperties")
    if spec.get("type") == "object" and "properties" not in spec and isinstance(values, dict):
        yield from _shapes(values)
        return
    yield spec


def _referenced(ref: str, schemas: dict[str, Schema]) -> Schema:
    """The schema a local ``$ref`` (``#/components/schemas/X`` or ``#/$defs/X``) names."""
    return schemas[ref.rsplit("/", 1)[-1]]


def _exemplifies_itself(schema: Schema) -> bool:
    """A referenced schema an example can be taken from (see the module's rule)."""
    return _has_example(schema) or bool(schema.get("properties"))


def _exemplified(spec: Schema, schemas: dict[str, Schema]) -> bool:
    if _has_example(spec):
        return True
    shapes = list(_shapes(spec))
    return bool(shapes) and all(
        "$ref" in shape and _exemplifies_itself(_referenced(shape["$ref"], schemas))
        for shape in shapes
    )


def _field_offenders(where: str, schema: Schema, schemas: dict[str, Schema]) -> Iterator[str]:
    """``where.field: what is missing`` for each property of *schema* and of its inline objects."""
    for name, spec in schema.get("properties", {}).items():
        missing = [
            what
            for what, ok in (
                ("description", _described(spec)),
                ("example", _exemplified(spec, schemas)),
            )
            if not ok
        ]
        if missing:
            yield f"{where}.{name}: no {' and no '.join(missing)}"
        for shape in _shapes(spec):
            if "properties" in shape:
                yield from _field_offenders(f"{where}.{name}", shape, schemas)


def _schema_offenders(schemas: dict[str, Schema]) -> list[str]:
    return [
        offender
        for name, schema in sorted(schemas.items())
        if name not in EXCLUDED_SCHEMAS
        for offender in _field_offenders(name, schema, schemas)
    ]


def _parameter_offenders(spec: Schema) -> list[str]:
    schemas = spec.get("components", {}).get("schemas", {})
    offenders = []
    for path, operations in sorted(spec["paths"].items()):
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] not in PARAMETER_PLACES:
                    continue
                missing = []
                if not _described(parameter):
                    missing.append("description")
                if not (
                    _has_example(parameter) or _exemplified(parameter.get("schema", {}), schemas)
                ):
                    missing.append("example")
                if missing:
                    offenders.append(
                        f"{method.upper()} {path} {parameter['in']} {parameter['name']}: "
                        f"no {' and no '.join(missing)}"
                    )
    return offenders


def _report(offenders: dict[str, list[str]]) -> str:
    lines = [f"{who}: {offender}" for who, found in offenders.items() for offender in found]
    return f"{len(lines)} undocumented:\n" + "\n".join(lines)


def test_every_field_of_every_service_has_a_description_and_an_example(
    specs: dict[str, Schema],
) -> None:
    offenders = {
        name: _schema_offenders(spec.get("components", {}).get("schemas", {}))
        for name, spec in specs.items()
    }

    assert not any(offenders.values()), _report(offenders)


def test_every_parameter_of_every_service_has_a_description_and_an_example(
    specs: dict[str, Schema],
) -> None:
    offenders = {name: _parameter_offenders(spec) for name, spec in specs.items()}

    assert not any(offenders.values()), _report(offenders)


def test_every_field_of_every_event_has_a_description_and_an_example() -> None:
    models: list[type[BaseModel]] = [CloudEvent, *(spec.payload for spec in CATALOGUE)]
    offenders = {}
    for model in models:
        schema = model.model_json_schema()
        schemas = {**schema.get("$defs", {}), model.__name__: schema}
        offenders[model.__name__] = _schema_offenders(schemas)

    assert not any(offenders.values()), _report(offenders)


def test_the_walk_finds_what_is_missing() -> None:
    """The rule itself: an undocumented field, reference and parameter are each reported."""
    schemas: dict[str, Schema] = {
        "Person": {
            "properties": {
                "name": {"type": "string", "description": "Họ và tên.", "examples": ["An"]},
                "age": {"type": "integer", "description": "Tuổi."},
                "sex": {"$ref": "#/components/schemas/Sex"},
                "parents": {
                    "type": "array",
                    "description": "Cha mẹ.",
                    "items": {"$ref": "#/components/schemas/Person"},
                },
                "address": {
                    "anyOf": [
                        {"type": "object", "properties": {"street": {"type": "string"}}},
                        {"type": "null"},
                    ],
                    "description": "Địa chỉ.",
                    "examples": [{"street": "Hàng Bạc"}],
                },
            }
        },
        "Sex": {"type": "string", "enum": ["male", "female"]},
        "ValidationError": {"properties": {"loc": {"type": "array"}}},
    }
    spec: Schema = {
        "paths": {
            "/people/{name}": {
                "get": {
                    "parameters": [
                        {"in": "path", "name": "name", "schema": {"type": "string"}},
                        {
                            "in": "query",
                            "name": "sex",
                            "description": "Giới tính.",
                            "schema": {
                                "anyOf": [{"$ref": "#/components/schemas/Sex"}, {"type": "null"}],
                                "examples": ["female"],
                            },
                        },
                    ]
                }
            }
        },
        "components": {"schemas": schemas},
    }

    assert _schema_offenders(schemas) == [
        "Person.age: no example",
        "Person.sex: no description and no example",
        "Person.address.street: no description and no example",
    ]
    assert _parameter_offenders(spec) == [
        "GET /people/{name} path name: no description and no example"
    ]
