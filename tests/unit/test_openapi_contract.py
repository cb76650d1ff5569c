"""The gateway's published contract documents every field of the form."""

from __future__ import annotations

from typing import Any

import pytest

from services.gateway.app import create_app


def _undocumented(schemas: dict[str, Any], name: str, seen: set[str]) -> list[str]:
    if name in seen:
        return []
    seen.add(name)
    missing: list[str] = []
    for prop, spec in schemas[name].get("properties", {}).items():
        refs = [spec.get("$ref")] + [x.get("$ref") for x in spec.get("anyOf", [])]
        nested = [ref.split("/")[-1] for ref in refs if ref]
        # A reference is documented by its own description or by the referenced model's.
        described = "description" in spec or any(
            "description" in schemas[model] for model in nested
        )
        if not described:
            missing.append(f"{name}.{prop}: description")
        if nested:
            for model in nested:
                missing += _undocumented(schemas, model, seen)
        elif "examples" not in spec:
            missing.append(f"{name}.{prop}: examples")
    return missing


@pytest.mark.parametrize("form", ["BirthDossier", "DeathDossier"])
def test_every_field_of_each_form_has_a_description_and_examples(form: str) -> None:
    spec = create_app().openapi()
    schemas = spec["components"]["schemas"]

    assert _undocumented(schemas, form, set()) == []


def test_the_submit_route_shows_the_shipped_example() -> None:
    spec = create_app().openapi()
    body = spec["paths"]["/api/v1/dossiers"]["post"]["requestBody"]["content"]["application/json"]

    assert body["examples"]["birth"]["value"]["kind"] == "birth"
    for kind in ("pensioner", "insured", "assistance", "uninsured"):
        assert body["examples"][f"death-{kind}"]["value"]["kind"] == "death"
