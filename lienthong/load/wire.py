"""A small HTTP/1.1 client on asyncio streams, for the load generator's hot path.

Why not httpx: on this machine an httpx POST costs 3–5 ms of CPU, a request over raw streams
about 0.3 ms. At 200 dossiers/s httpx alone would take most of a core from the four services
the run is measuring; the load tool must not be what limits the rate. This client does only
what the sandbox's uvicorn servers need: keep-alive connections, ``Content-Length`` or chunked
bodies, JSON, a timeout per request. Every failure to get an answer is :class:`WireError`.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

__all__ = ["Response", "WireClient", "WireError"]

_HEAD_END: Final = b"\r\n\r\n"


class WireError(RuntimeError):
    """No answer: refused, reset, timed out, or not HTTP."""


@dataclass(frozen=True, slots=True)
class Response:
    """Status, headers (lower-case names) and the raw body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded as JSON (:class:`WireError` when it is not)."""
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise WireError(f"HTTP {self.status}: not JSON: {self.body[:200]!r}") from error


IDLE_MAX_S: Final = 4.0
"""A connection idle longer is not reused: uvicorn closes kept-alive connections after 5 s."""

_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class WireClient:
    """Requests to one ``http(s)://host:port``; idle connections are kept for the next one."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 30.0,
        max_idle: int = 512,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """*headers* go with every request (the key, when credentials are on)."""
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self._prefix = parts.path.rstrip("/")
        self._host_header = parts.netloc
        self._timeout_s = timeout_s
        self._max_idle = max_idle
        self._always = [f"{name}: {value}" for name, value in (headers or {}).items()]
        self._idle: deque[tuple[_Connection, float]] = deque()
        self.opened = 0
        """Connections opened so far (a sign of churn when it grows with the requests)."""

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Response:
        """GET ``path`` with query ``params`` (None values left out)."""
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
        return await self.request("GET", f"{path}?{query}" if query else path)

    async def post_json(
        self, path: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> Response:
        """POST an already encoded JSON body (the load tool encodes forms ahead of time)."""
        return await self.request("POST", path, body, headers)

    async def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """One request and its answer.

        A kept-alive connection the server closed meanwhile fails before any byte comes back;
        the request is then sent once more on a new connection. That is safe for the load
        tool's requests: GETs, and POSTs that carry an ``Idempotency-Key``.
        """
        head = self._head(method, path, body, headers)
        for attempt in (0, 1):
            connection = self._take() if attempt == 0 else None
            reused = connection is not None
            try:
                async with asyncio.timeout(self._timeout_s):
                    if connection is None:
                        connection = await self._open()
                    return await self._exchange(connection, head, body)
            except TimeoutError as error:  # before OSError, of which it is a subclass
                if connection is not None:
                    connection[1].close()
                raise WireError(f"{method} {path}: no answer in {self._timeout_s:g}s") from error
            except WireError:
                if connection is not None:
                    connection[1].close()
                raise
            except (
                OSError,
                ValueError,  # a malformed length or chunk size: not an answer we can read
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
            ) as error:
                if connection is not None:
                    connection[1].close()
                stale = isinstance(error, asyncio.IncompleteReadError) and not error.partial
                if reused and (stale or isinstance(error, ConnectionError)):
                    continue  # the second attempt opens a new connection
                raise WireError(f"{method} {path}: {type(error).__name__} {error}") from error
        raise WireError(f"{method} {path}: connection closed twice")  # pragma: no cover

    async def aclose(self) -> None:
        """Close the idle connections (those in use close when their request ends)."""
        while self._idle:
            (_, writer), _ = self._idle.pop()
            writer.close()

    def _take(self) -> _Connection | None:
        """The most recently used idle connection still worth using; older ones are closed."""
        now = time.monotonic()  # real-time ok
        while self._idle:
            (reader, writer), since = self._idle.pop()
            if now - since < IDLE_MAX_S and not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()
        return None

    def _head(
        self, method: str, path: str, body: bytes | None, headers: Mapping[str, str] | None
    ) -> bytes:
        lines = [f"{method} {self._prefix}{path} HTTP/1.1", f"Host: {self._host_header}"]
        lines += self._always
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _open(self) -> _Connection:
        self.opened += 1
        return await asyncio.open_connection(self._host, self._port, ssl=self._ssl, limit=1 << 20)

    async def _exchange(self, connection: _Connection, head: bytes, body: bytes | None) -> Response:
        reader, writer = connection
        writer.write(head + body if body else head)
        raw = await reader.readuntil(_HEAD_END)
        status_line, *header_lines = raw[: -len(_HEAD_END)].decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split(" ", 2)[1])
        except (IndexError, ValueError):
            raise WireError(f"not an HTTP answer: {status_line[:80]!r}") from None
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            payload = await _chunked(reader)
        else:
            payload = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close" or len(self._idle) >= self._max_idle:
            writer.close()
        else:
            self._idle.append((connection, time.monotonic()))  # real-time ok
        return Response(status, headers, payload)


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    """A chunked body, trailers skipped."""
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
