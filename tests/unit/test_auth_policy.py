"""The policy of who may call what (lienthong/runtime/auth.py), and how a key is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from lienthong.contracts.services import SERVICE_NAMES
from lienthong.runtime.auth import ANYONE, POLICY, allowed_roles, markdown_matrix
from lienthong.runtime.auth_http import presented_key
from lienthong.runtime.credentials import ADMIN, CLIENT

ROOT = Path(__file__).resolve().parents[2]
EVERYONE = (ADMIN, CLIENT, *SERVICE_NAMES)


def may(service: str, method: str, path: str) -> set[str]:
    """The principals allowed (``anyone`` for an open route)."""
    roles = allowed_roles(service, method, path)
    return {ANYONE} if ANYONE in roles else {who for who in EVERYONE if who in roles}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_health_and_metrics_stay_open_on_every_service(service: str) -> None:
    assert may(service, "GET", "/health") == {ANYONE}
    assert may(service, "GET", "/metrics") == {ANYONE}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_faults_and_ledgers_are_the_admin_s_but_the_gateway_reads_faults(service: str) -> None:
    assert may(service, "GET", "/admin/faults") == {ADMIN, "gateway"}
    for method, path in (
        ("PUT", "/admin/faults/{kind}"),
        ("DELETE", "/admin/faults"),
        ("DELETE", "/admin/faults/{kind}"),
        ("GET", "/admin/ledger"),
    ):
        assert may(service, method, path) == {ADMIN}, (method, path)


def test_only_the_civil_registry_and_admin_look_citizens_up() -> None:
    for method, path in (
        ("POST", "/api/v1/citizens/lookup"),
        ("GET", "/api/v1/citizens"),
        ("GET", "/api/v1/citizens/{personal_id}"),
        ("GET", "/api/v1/households/{household_id}"),
    ):
        assert may("population", method, path) == {ADMIN, "civil_registry"}, (method, path)


def test_a_client_submits_and_follows_dossiers_and_the_admin_redrives() -> None:
    for method, path in (
        ("POST", "/api/v1/dossiers"),
        ("POST", "/api/v1/dossiers/batch"),
        ("GET", "/api/v1/dossiers/{dossier_id}"),
        ("GET", "/api/v1/stats"),
        ("GET", "/api/v1/health/agencies"),
    ):
        assert may("gateway", method, path) == {ADMIN, CLIENT}, (method, path)
    for method, path in (
        ("GET", "/api/v1/failures"),
        ("POST", "/api/v1/failures/redrive"),
        ("POST", "/api/v1/failures/{failure_id}/redrive"),
        ("GET", "/api/v1/faults"),
        ("GET", "/admin/submissions"),
    ):
        assert may("gateway", method, path) == {ADMIN}, (method, path)


def test_what_no_rule_names_is_the_admin_s_and_head_is_read_like_get() -> None:
    assert may("gateway", "GET", "unmatched") == {ADMIN}
    assert may("gateway", "PATCH", "/api/v1/dossiers/{dossier_id}") == {ADMIN}
    assert may("gateway", "HEAD", "/api/v1/stats") == {ADMIN, CLIENT}
    assert may("population", "HEAD", "/health") == {ANYONE}


def test_agencies_may_call_only_what_their_own_work_needs() -> None:
    """The civil registry looks citizens up; the gateway reads faults; nothing else."""
    granted = {
        (agency, service, method, path)
        for service in SERVICE_NAMES
        for (method, path), roles in POLICY[service].items()
        for agency in SERVICE_NAMES
        if agency in roles
    }
    citizens = {
        ("civil_registry", "population", method, path)
        for (method, path), roles in POLICY["population"].items()
        if path.startswith(("/api/v1/citizens", "/api/v1/households"))
    }
    faults = {("gateway", service, "GET", "/admin/faults") for service in SERVICE_NAMES}
    assert granted == citizens | faults


@pytest.mark.parametrize(
    ("headers", "key"),
    [
        ([], None),
        ([(b"authorization", b"Bearer abc")], "abc"),
        ([(b"authorization", b"bearer   abc ")], "abc"),
        ([(b"x-api-key", b"xyz")], "xyz"),
        ([(b"authorization", b"Bearer abc"), (b"x-api-key", b"xyz")], "abc"),
        ([(b"authorization", b"Basic dXNlcjpw")], "Basic dXNlcjpw"),
        ([(b"x-api-key", b"")], None),
    ],
)
def test_the_key_comes_as_a_bearer_token_or_an_x_api_key(
    headers: list[tuple[bytes, bytes]], key: str | None
) -> None:
    assert presented_key(headers) == key


def test_the_readme_shows_the_policy_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert markdown_matrix() in readme, "README's Credentials table: paste markdown_matrix()"
