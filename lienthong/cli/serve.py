"""`lienthong serve NAME`: run one agency service in this process (what `up` starts four of)."""

from __future__ import annotations

import logging

import uvicorn

from services.registry import service_entry


def run_serve(name: str) -> int:
    """Build the service called *name* from its env-configured settings and serve it."""
    try:
        service = service_entry(name)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    settings = service.settings_class()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    # One line per inter-agency HTTP call drowns the interesting lines at any load.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = service.create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
    )
    return 0
