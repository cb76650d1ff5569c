"""Who may call what: every route of every service, and the roles allowed on it, as data.

One table, read by the middleware (:mod:`lienthong.runtime.auth_http`) and by the tests, which
walk every route of every app against it: a route added without a rule fails them, and at run
time a request no rule names is admin only (closed by default). The README's "Credentials"
section prints :func:`markdown_matrix`; a test keeps the two the same.

Roles are principals (:mod:`lienthong.runtime.credentials`): ``admin``, ``client`` and each
agency by name. The choices, and why:

- ``/health`` is open: orchestrators and docker-compose's healthchecks ask it without a key,
  and it shows readiness and counters only. ``/metrics`` is open too, so Prometheus scrapes it
  as it is: route templates and counts, never a dossier, a path or a person. The API documents
  (``/docs``, ``/openapi.json``, ``/asyncapi.json``, the reason codes) and the dashboard's page
  and scripts are open: they describe, they hold no data; the dashboard's figures come from
  the API, with a key.
- ``/admin/*`` (faults, ledgers, the submissions replay records from), the gateway's failures,
  redrive and every-service faults are admin only, except that the gateway reads each agency's
  ``GET /admin/faults`` for its health page and ``/api/v1/faults``.
- Submitting and following dossiers, the stats and the agency health the dashboard shows:
  client or admin.
- Citizens (population) are looked up by the civil registry, the one agency whose rules need
  them, and admin. The agencies' other read APIs (registrations, cards, benefits) hold
  personal data no other agency asks for: admin only. ``lienthong load`` and ``replay`` pick
  real people from those APIs, so they run with the admin key (the one ``up`` records).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from lienthong.contracts.services import (
    CIVIL_REGISTRY,
    GATEWAY,
    INSURANCE,
    POPULATION,
    SERVICE_NAMES,
)
from lienthong.runtime.credentials import ADMIN, CLIENT

__all__ = [
    "ANYONE",
    "POLICY",
    "Roles",
    "Route",
    "allowed_roles",
    "markdown_matrix",
]

Route = tuple[str, str]
"""``(METHOD, path template)``, as the app's route declares it."""
Roles = frozenset[str]
"""Who may call a route: principals' roles, or :data:`ANYONE`."""

ANYONE: Final = "anyone"
"""Not a principal: the route needs no credential at all."""

OPEN: Final[Roles] = frozenset({ANYONE})
ADMIN_ONLY: Final[Roles] = frozenset({ADMIN})
PORTAL: Final[Roles] = frozenset({ADMIN, CLIENT})
"""Submitting, following, counting dossiers: what a portal or a tester does."""
CITIZEN_LOOKUP: Final[Roles] = frozenset({ADMIN, CIVIL_REGISTRY})
"""Reading citizens: the civil registry checks declarations against them."""
NUMBERING: Final[Roles] = frozenset({ADMIN, CIVIL_REGISTRY})
"""Numbering a newborn: the civil registry, while it registers the birth."""
FAULT_READERS: Final[Roles] = frozenset({ADMIN, GATEWAY})
"""Listing faults: the gateway shows every service's on its health page."""

EVERY_SERVICE: Final[Mapping[Route, Roles]] = {
    ("GET", "/health"): OPEN,
    ("GET", "/metrics"): OPEN,
    ("GET", "/openapi.json"): OPEN,
    ("GET", "/docs"): OPEN,
    ("GET", "/docs/oauth2-redirect"): OPEN,
    ("GET", "/redoc"): OPEN,
    ("GET", "/admin/faults"): FAULT_READERS,
    ("PUT", "/admin/faults/{kind}"): ADMIN_ONLY,
    ("DELETE", "/admin/faults"): ADMIN_ONLY,
    ("DELETE", "/admin/faults/{kind}"): ADMIN_ONLY,
    ("GET", "/admin/ledger"): ADMIN_ONLY,
}
"""The runtime's routes (``lienthong/runtime/app.py``, ``admin_*.py``), on every service."""

OWN_ROUTES: Final[Mapping[str, Mapping[Route, Roles]]] = {
    GATEWAY: {
        ("POST", "/api/v1/dossiers"): PORTAL,
        ("POST", "/api/v1/dossiers/batch"): PORTAL,
        ("POST", "/api/v1/dossiers/lookup"): PORTAL,
        ("GET", "/api/v1/dossiers"): PORTAL,
        ("GET", "/api/v1/dossiers/{dossier_id}"): PORTAL,
        ("POST", "/api/v1/dossiers/{dossier_id}/completion"): PORTAL,
        ("GET", "/api/v1/stats"): PORTAL,
        ("GET", "/api/v1/stats/latency"): PORTAL,
        ("GET", "/api/v1/stats/throughput"): PORTAL,
        ("GET", "/api/v1/health/agencies"): PORTAL,
        ("GET", "/api/v1/agencies"): PORTAL,
        ("GET", "/api/v1/reasons"): OPEN,
        ("GET", "/api/v1/faults"): ADMIN_ONLY,
        ("GET", "/api/v1/failures"): ADMIN_ONLY,
        ("GET", "/api/v1/failures/{failure_id}"): ADMIN_ONLY,
        ("POST", "/api/v1/failures/{failure_id}/redrive"): ADMIN_ONLY,
        ("POST", "/api/v1/failures/redrive"): ADMIN_ONLY,
        ("GET", "/admin/submissions"): ADMIN_ONLY,
        ("GET", "/dashboard"): OPEN,
        ("GET", "/dashboard/assets/{name}"): OPEN,
        ("GET", "/asyncapi.json"): OPEN,
        ("GET", "/asyncapi"): OPEN,
    },
    CIVIL_REGISTRY: {
        ("GET", "/api/v1/births"): ADMIN_ONLY,
        ("GET", "/api/v1/births/{registration_number}"): ADMIN_ONLY,
        ("GET", "/api/v1/deaths"): ADMIN_ONLY,
        ("GET", "/api/v1/deaths/{registration_number}"): ADMIN_ONLY,
    },
    POPULATION: {
        ("GET", "/api/v1/citizens"): CITIZEN_LOOKUP,
        ("GET", "/api/v1/citizens/{personal_id}"): CITIZEN_LOOKUP,
        ("POST", "/api/v1/citizens/lookup"): CITIZEN_LOOKUP,
        ("POST", "/api/v1/citizens/newborns"): NUMBERING,
        ("GET", "/api/v1/households/{household_id}"): CITIZEN_LOOKUP,
    },
    INSURANCE: {
        ("GET", "/api/v1/cards"): ADMIN_ONLY,
        ("GET", "/api/v1/cards/{card_code}"): ADMIN_ONLY,
        ("GET", "/api/v1/funeral-benefits/{personal_id}"): ADMIN_ONLY,
        ("GET", "/api/v1/insured-persons"): ADMIN_ONLY,
        ("GET", "/api/v1/insured-persons/{personal_id}"): ADMIN_ONLY,
    },
}
"""Each service's own routes (a simulated agency serves the real one's read API: the same)."""

POLICY: Final[Mapping[str, Mapping[Route, Roles]]] = MappingProxyType(
    {name: MappingProxyType({**EVERY_SERVICE, **OWN_ROUTES[name]}) for name in SERVICE_NAMES}
)
"""Every route of every service → who may call it."""


def allowed_roles(service: str, method: str, template: str) -> Roles:
    """Who may call *method template* on *service*; admin only for what no rule names.

    ``HEAD`` is answered like ``GET``, so it is allowed to whoever may ``GET``.
    """
    rules = POLICY.get(service, EVERY_SERVICE)
    verb = "GET" if method == "HEAD" else method
    return rules.get((verb, template), ADMIN_ONLY)


def describe(roles: Roles) -> str:
    """*roles* for people: ``anyone (no key)`` or the roles' names, admin first."""
    if ANYONE in roles:
        return "anyone (no key)"
    return ", ".join(sorted(roles, key=lambda role: (role != ADMIN, role != CLIENT, role)))


def markdown_matrix() -> str:
    """The policy as the README's table: one row per service's route."""
    lines = ["| service | method | path | who may call |", "|---|---|---|---|"]
    for (method, path), roles in EVERY_SERVICE.items():
        lines.append(f"| every service | {method} | `{path}` | {describe(roles)} |")
    for service in SERVICE_NAMES:
        for (method, path), roles in OWN_ROUTES[service].items():
            lines.append(f"| {service} | {method} | `{path}` | {describe(roles)} |")
    return "\n".join(lines)
