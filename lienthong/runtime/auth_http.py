"""The credential check of every request: 401 without a known key, 403 for the wrong principal.

A plain ASGI middleware, placed before anything reads the body or touches the database: a
refused request costs a header lookup and a route match. The route is found the way
``/metrics`` labels it (:func:`~lienthong.runtime.metrics_http.matching_template`), and the
rule by that template (:mod:`lienthong.runtime.auth`), so the rule of
``/api/v1/citizens/{personal_id}`` holds whatever the ID.

Refusals look like the API's other errors (``detail`` lists located reasons) and name the
route by its template, never the path: a path may carry a personal ID number, and neither the
answer nor the log line repeats it. The key comes as ``Authorization: Bearer <key>`` (RFC 6750)
or ``X-API-Key: <key>``.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from fastapi import FastAPI
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from lienthong.runtime.auth import ANYONE, allowed_roles, describe
from lienthong.runtime.credentials import Credentials, role_of
from lienthong.runtime.metrics_http import matching_template

__all__ = ["RequireCredentials", "document_credentials", "presented_key"]

log = logging.getLogger("lienthong.auth")

REALM: Final = 'Bearer realm="lienthong"'
HOW: Final = (
    "send `Authorization: Bearer <key>` or `X-API-Key: <key>` "
    "(`lienthong up --auth` prints the keys)"
)


def presented_key(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The key a request shows: a Bearer token, else ``X-API-Key``; None when neither is there.

    Another scheme (``Basic …``) is shown as itself, so it is refused as an unknown key rather
    than as no key: the caller did try to authenticate.
    """
    found: dict[bytes, str] = {}
    for name, value in headers:
        if name in (b"authorization", b"x-api-key") and name not in found:
            found[name] = value.decode("latin-1").strip()
    authorization = found.get(b"authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else authorization
    return found.get(b"x-api-key") or None


def _refusal(status: int, kind: str, message: str, challenge: str) -> JSONResponse:
    body = {"detail": [{"loc": ["header", "Authorization"], "msg": message, "type": kind}]}
    return JSONResponse(body, status_code=status, headers={"WWW-Authenticate": challenge})


class RequireCredentials:
    """Lets a request through only with a key whose principal the route's rule allows."""

    def __init__(self, app: ASGIApp, service: str, credentials: Credentials) -> None:
        """*service* picks the rules (:data:`~lienthong.runtime.auth.POLICY`)."""
        self._app = app
        self._service = service
        self._credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check, then pass on or answer 401/403 (the body is never read)."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        method: str = scope["method"]
        routes: Any = getattr(scope.get("app"), "routes", ())
        template = matching_template(routes, method, scope["path"], scope.get("root_path", ""))
        roles = allowed_roles(self._service, method, template)
        if ANYONE in roles:
            await self._app(scope, receive, send)
            return
        key = presented_key(scope.get("headers", []))
        principal = self._credentials.principal_of(key) if key else None
        if key is None:
            answer = _refusal(401, "missing_credential", f"a key is needed: {HOW}", REALM)
        elif principal is None:
            challenge = f'{REALM}, error="invalid_token"'
            answer = _refusal(
                401, "invalid_credential", f"not a key of this sandbox: {HOW}", challenge
            )
        elif role_of(principal) not in roles:
            challenge = f'{REALM}, error="insufficient_scope"'
            message = f"{principal} may not {method} {template}: {describe(roles)} only"
            answer = _refusal(403, "forbidden", message, challenge)
        else:
            scope.setdefault("state", {})["principal"] = principal
            await self._app(scope, receive, send)
            return
        log.info(
            "refused %s %s (%s): HTTP %d",
            method,
            template,
            principal or ("no key" if key is None else "unknown key"),
            answer.status_code,
        )
        await answer(scope, receive, send)


def document_credentials(app: FastAPI, service: str) -> None:
    """Say in the app's OpenAPI document which routes need a key, and how to send it.

    Only when credentials are on, so the published contracts (made with them off) stay as they
    are; Swagger UI (``/docs``) then shows its Authorize button.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        schema["security"] = [{name: []} for name in SECURITY_SCHEMES]
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if isinstance(operation, dict) and ANYONE in allowed_roles(
                    service, method.upper(), path
                ):
                    operation["security"] = []
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


SECURITY_SCHEMES: Final[dict[str, Any]] = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "An API key as a Bearer token."},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}
