"""`lienthong serve NAME`: run one agency service in this process (what `up` starts four of)."""

from __future__ import annotations

import uvicorn

from lienthong.runtime.logs import check_format, configure_logging
from services.registry import service_entry


def run_serve(name: str) -> int:
    """Build the service called *name* from its env-configured settings and serve it.

    Logging is configured before anything else logs, and uvicorn is told not to configure its
    own (``log_config=None``): its lines then reach the same masked handler as ours.
    """
    try:
        service = service_entry(name)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    settings = service.settings_class()
    configure_logging(
        settings.log_level,
        check_format(settings.log_format),
        access_log=settings.log_access,
        service=name,
    )
    app = service.create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=None,
        access_log=settings.log_access,
    )
    return 0
