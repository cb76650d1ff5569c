"""The civil registry's FastAPI app (what `lienthong serve civil_registry` runs)."""

from __future__ import annotations

from fastapi import FastAPI

from lienthong.runtime.app import create_service_app
from services.civil_registry.bootstrap import bootstrap
from services.civil_registry.settings import CivilRegistrySettings


def create_app(settings: CivilRegistrySettings | None = None) -> FastAPI:
    """The civil registry app, built by its composition root."""
    return create_service_app(bootstrap(settings))
