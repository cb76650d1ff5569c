"""The gateway's FastAPI app (what `lienthong serve gateway` runs)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from lienthong.runtime.app import create_service_app
from services.gateway.bootstrap import bootstrap
from services.gateway.settings import GatewaySettings
from services.gateway.validation_errors import form_validation_error


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """The gateway app, built by its composition root, with field-path 422s."""
    app = create_service_app(bootstrap(settings))
    app.add_exception_handler(RequestValidationError, form_validation_error)
    return app
