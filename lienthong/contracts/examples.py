"""An example instance of any contract model, built from the examples its fields declare.

The contracts carry ``examples`` on their fields; the AsyncAPI document (and mock mode) need a
whole message. This walks a model's JSON Schema and takes, for each property, its first
example, its default, or — for a nested model — an example of that model, then checks the
result against the model itself: an example that would not validate is an error here, never a
document that lies.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class NoExample(ValueError):
    """A model's fields do not say enough to build a valid example (names the missing ones)."""


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if isinstance(reference, str):
        resolved: dict[str, Any] = defs[reference.rsplit("/", 1)[-1]]
        return resolved
    return schema


def _value(schema: dict[str, Any], defs: dict[str, Any], path: str, missing: list[str]) -> Any:
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    target = _resolve(schema, defs)
    if target is not schema:
        return _value(target, defs, path, missing)
    for key in ("allOf", "anyOf", "oneOf"):
        options = [option for option in schema.get(key, []) if option.get("type") != "null"]
        if options:
            return _value(options[0], defs, path, missing)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "object" and "properties" in schema:
        return _object(schema, defs, path, missing)
    if schema.get("type") == "array":
        item = schema.get("items")
        return [_value(item, defs, f"{path}[]", missing)] if isinstance(item, dict) else []
    missing.append(path)
    return None


def _object(schema: dict[str, Any], defs: dict[str, Any], path: str, missing: list[str]) -> Any:
    required = set(schema.get("required", []))
    built: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        if name in required or "examples" in prop or "$ref" in prop:
            built[name] = _value(prop, defs, f"{path}.{name}" if path else name, missing)
    return built


def example_of(model: type[BaseModel]) -> dict[str, Any]:
    """A JSON example of ``model`` that ``model`` accepts; :class:`NoExample` otherwise."""
    schema = model.model_json_schema(mode="serialization")
    missing: list[str] = []
    built = _object(schema, schema.get("$defs", {}), "", missing)
    if missing:
        raise NoExample(f"{model.__name__}: no example, default or const for {', '.join(missing)}")
    try:
        return model.model_validate(built).model_dump(mode="json", exclude_none=True)
    except ValueError as error:
        raise NoExample(f"{model.__name__}: its field examples do not validate: {error}") from None
