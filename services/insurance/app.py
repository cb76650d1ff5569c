"""The insurance service's FastAPI app (what `lienthong serve insurance` runs)."""

from __future__ import annotations

from fastapi import FastAPI

from lienthong.runtime.app import create_service_app
from services.insurance.bootstrap import bootstrap
from services.insurance.settings import InsuranceSettings


def create_app(settings: InsuranceSettings | None = None) -> FastAPI:
    """The insurance app, built by its composition root."""
    return create_service_app(bootstrap(settings))
