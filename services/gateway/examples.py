"""The example dossiers shipped in ``examples/``, shown in the OpenAPI docs."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.openapi.models import Example

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"


@cache
def dossier_examples() -> dict[str, Example]:
    """Every ``examples/*.json`` as a named OpenAPI example (empty if not shipped)."""
    found: dict[str, Example] = {}
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        value: Any = json.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = Example(summary=f"examples/{path.name}", value=value)
    return found
