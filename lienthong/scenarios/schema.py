"""The published JSON Schema of scenario files (``scenarios/scenario.schema.json``).

Generated from the pydantic models, so the schema editors validate against is the one replay
enforces; a unit test fails when the published file falls behind. Regenerate it with::

    .venv/bin/python -m lienthong.scenarios.schema > scenarios/scenario.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from lienthong.scenarios.model import Scenario

__all__ = ["scenario_schema", "schema_text"]

SCHEMA_ID = "https://lienthong.example/scenarios/scenario.schema.json"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one scenario file."""
    schema = Scenario.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "lienthong scenario",
        **schema,
    }


def schema_text() -> str:
    """The schema as the published file holds it."""
    return json.dumps(scenario_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
