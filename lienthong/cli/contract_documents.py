"""The contracts of the sandbox as documents: AsyncAPI for the events, OpenAPI per service.

``lienthong contracts export`` writes them; the compatibility check reads them back. Every
document is generated — the AsyncAPI one from the event catalogue, each OpenAPI one from its
service's FastAPI app, built as ``lienthong serve`` builds it but never started: building
connects nothing (the database engine and broker clients are made, not opened; the lifespan that
would open them never runs), and the database it would use is in a temporary directory, so no
data directory is left behind.
"""

from __future__ import annotations

import json
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

import yaml

from lienthong.contracts.asyncapi import asyncapi_document
from lienthong.contracts.services import SERVICE_NAMES
from services.registry import service_entry

ASYNCAPI_FILE: Final = "asyncapi.json"
OPENAPI_DIR: Final = "openapi"


def sandbox_version() -> str:
    """The installed project's version (what the documents' ``info.version`` says)."""
    try:
        return version("lienthong")
    except PackageNotFoundError:  # running from a tree that was never installed
        return "0.0.0"


def openapi_document(service: str) -> dict[str, Any]:
    """``service``'s OpenAPI document, as its ``/openapi.json`` serves it."""
    entry = service_entry(service)
    with tempfile.TemporaryDirectory(prefix="lienthong-contracts-") as scratch:
        url = f"sqlite+aiosqlite:///{scratch}/{service}.db"
        # The published contract is the API's, without credentials, whatever HOST or
        # AUTH_REQUIRED the environment sets (they would add a security scheme, and keys).
        settings = entry.settings_class(database_url=url, host="127.0.0.1", auth_required=False)
        document: dict[str, Any] = entry.create_app(settings).openapi()
    return document


def contract_documents() -> dict[str, dict[str, Any]]:
    """Relative path → document: the AsyncAPI one and each service's OpenAPI one."""
    documents = {ASYNCAPI_FILE: asyncapi_document(sandbox_version())}
    for service in SERVICE_NAMES:
        documents[f"{OPENAPI_DIR}/{service}.json"] = openapi_document(service)
    return documents


def write_contracts(directory: Path) -> list[Path]:
    """Write every document under ``directory`` (JSON, and the AsyncAPI one as YAML too)."""
    written = []
    for relative, document in contract_documents().items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
        if relative == ASYNCAPI_FILE:
            as_yaml = path.with_suffix(".yaml")
            as_yaml.write_text(
                yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8"
            )
            written.append(as_yaml)
    return written
