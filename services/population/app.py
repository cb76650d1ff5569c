"""The population service's FastAPI app (what `lienthong serve population` runs)."""

from __future__ import annotations

from fastapi import FastAPI

from lienthong.runtime.app import create_service_app
from services.population.bootstrap import bootstrap
from services.population.settings import PopulationSettings


def create_app(settings: PopulationSettings | None = None) -> FastAPI:
    """The population app, built by its composition root."""
    return create_service_app(bootstrap(settings))
