"""Reading the baselines a check compares with: one export, or a directory of versions.

``lienthong contracts export DIR`` writes ``DIR/asyncapi.json`` and ``DIR/openapi/*.json``; that
directory is one baseline. A directory of such directories is a history of versions, read in
name order with numbers compared as numbers (``v2`` before ``v10``, ``1.9.0`` before ``1.10.0``;
dates and zero-padded names sort as they read), the last being the latest. Anything else is a
usage error, said in one line: a check that silently compared nothing would pass every change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

from lienthong.cli.contract_compat import ASYNCAPI, OPENAPI_PREFIX, Documents

_OPENAPI_DIR: Final = OPENAPI_PREFIX.rstrip("/")


class BaselineError(ValueError):
    """The directory given is not a baseline (said why, for the usage error)."""


def _natural(name: str) -> list[Any]:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)
    ]


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise BaselineError(f"{path} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise BaselineError(f"{path} is not a JSON object")
    return document


def read_export(directory: Path) -> Documents:
    """The documents of one export: relative path → document."""
    openapi = directory / _OPENAPI_DIR
    if not openapi.is_dir():
        raise BaselineError(
            f"{directory} has {ASYNCAPI} but no {_OPENAPI_DIR}/: not written by "
            "`lienthong contracts export`"
        )
    documents = {ASYNCAPI: _read(directory / ASYNCAPI)}
    for path in sorted(openapi.glob("*.json")):
        documents[f"{OPENAPI_PREFIX}{path.name}"] = _read(path)
    return documents


def load_baselines(directory: Path) -> list[tuple[str, Documents]]:
    """(name, documents) per baseline, oldest first; :class:`BaselineError` when there is none."""
    if not directory.exists():
        raise BaselineError(f"{directory} does not exist")
    if not directory.is_dir():
        raise BaselineError(f"{directory} is not a directory")
    if (directory / ASYNCAPI).is_file():
        return [(str(directory), read_export(directory))]
    versions = [p for p in directory.iterdir() if p.is_dir() and (p / ASYNCAPI).is_file()]
    if not versions:
        raise BaselineError(
            f"{directory} holds no contracts: neither {ASYNCAPI} nor version directories with "
            "one (write a baseline with `lienthong contracts export DIR`)"
        )
    return [(p.name, read_export(p)) for p in sorted(versions, key=lambda p: _natural(p.name))]
