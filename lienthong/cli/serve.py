"""`lienthong serve NAME`: run one agency service in this process (what `up` starts four of)."""

from __future__ import annotations

import importlib
import logging

import uvicorn

SERVICE_NAMES = ("gateway", "civil_registry", "population", "insurance")


def run_serve(name: str) -> int:
    """Import ``services.NAME.app`` and serve it on the configured host and port."""
    if name not in SERVICE_NAMES:
        raise SystemExit(f"unknown service {name!r}; one of {', '.join(SERVICE_NAMES)}")
    module = importlib.import_module(f"services.{name}.app")
    settings_module = importlib.import_module(f"services.{name}.settings")
    settings_class = next(
        getattr(settings_module, attr)
        for attr in dir(settings_module)
        if attr.endswith("Settings") and attr != "ServiceSettings"
    )
    settings = settings_class()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    # One line per inter-agency HTTP call drowns the interesting lines at any load.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = module.create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
    )
    return 0
