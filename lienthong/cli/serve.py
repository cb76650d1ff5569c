"""`lienthong serve NAME [--mock]`: run one agency service in this process (what `up` starts).

With ``--mock`` the agency is simulated from its contracts (``services/mock``), answering as the
rules in ``MOCK_RULES`` say; it reads the agency's own settings all the same.
"""

from __future__ import annotations

import os

import uvicorn
from fastapi import FastAPI

from lienthong.runtime.logs import check_format, configure_logging
from lienthong.runtime.settings import ServiceSettings
from services.registry import service_entry


def run_serve(name: str, *, mock: bool = False) -> int:
    """Build the service called *name* from its env-configured settings and serve it.

    Logging is configured before anything else logs, and uvicorn is told not to configure its
    own (``log_config=None``): its lines then reach the same masked handler as ours.
    """
    try:
        service = service_entry(name)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    settings = service.settings_class()
    try:
        settings.credentials()  # keys written wrong end the start here, plainly
    except (ValueError, OSError) as error:
        raise SystemExit(f"{name}: credentials: {error}") from None
    configure_logging(
        settings.log_level,
        check_format(settings.log_format),
        access_log=settings.log_access,
        service=name,
    )
    app = _mock_app(name, settings) if mock else service.create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=None,
        access_log=settings.log_access,
    )
    return 0


def _mock_app(name: str, settings: ServiceSettings) -> FastAPI:
    """The simulated agency; bad rules end the process with their explanation."""
    from services.mock.bootstrap import create_mock_app
    from services.mock.rules import RULES_ENV, rules_from_env

    try:
        rules = rules_from_env(os.environ.get(RULES_ENV, ""))
    except ValueError as error:
        raise SystemExit(f"{RULES_ENV}: {error}") from None
    return create_mock_app(name, settings, rules)
