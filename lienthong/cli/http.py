"""The HTTP client of the commands that talk to a running sandbox.

One place decides what "unreachable" means (connection refused, timeout, a 5xx) so every command
words it the same way and exits with :data:`~lienthong.cli.target.EXIT_UNREACHABLE`; a 4xx is
the caller's mistake and comes back as :class:`ApiError` with the server's field-level reasons.
"""

from __future__ import annotations

from typing import Any

import httpx

from lienthong.runtime.credentials import bearer

__all__ = ["ApiClient", "ApiError", "Unreachable"]


class Unreachable(RuntimeError):
    """Nothing answered, or the service failed (5xx)."""


class ApiError(RuntimeError):
    """The service refused the request (4xx); ``body`` holds its reasons."""

    def __init__(self, status: int, body: Any) -> None:
        """Keep the status and the decoded body for the command to print."""
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class ApiClient:
    """JSON over HTTP with short timeouts; proxies from the environment are ignored (loopback).

    Every request carries *api_key* (``Authorization: Bearer``) when one is given: a sandbox
    with credentials on refuses the commands without it (401) or with a key that may not (403).
    """

    def __init__(self, timeout_s: float = 30.0, *, api_key: str | None = None) -> None:
        self._timeout_s = timeout_s
        self._headers = bearer(api_key)

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``url`` and decode its JSON."""
        return self.request("GET", url, params=params)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """One request; :class:`Unreachable` or :class:`ApiError` when it did not succeed."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            with httpx.Client(
                timeout=self._timeout_s, trust_env=False, headers=self._headers
            ) as client:
                response = client.request(method, url, params=clean, json=json)
        except httpx.HTTPError as error:
            raise Unreachable(f"{method} {url}: {type(error).__name__} {error}") from error
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 500:
            raise Unreachable(f"{method} {url}: HTTP {response.status_code} {body}")
        if response.status_code >= 400:
            raise ApiError(response.status_code, body)
        return body
