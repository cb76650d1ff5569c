"""413 for a request body over ``MAX_BODY_BYTES``, before anything parses it (ASGI middleware).

A declared ``Content-Length`` over the limit is refused at once, without reading a byte. A body
sent without one (chunked) is counted as the app reads it: past the limit the read fails with
:class:`BodyTooLarge`, an ``HTTPException`` so that FastAPI passes it on unchanged instead of
calling it a body it could not parse, and the 413 is answered from here when nothing else was.
Either way the answer looks like the API's other errors (``detail`` lists located reasons).

It sits innermost, right around the routes (``lienthong/runtime/app.py``): a middleware of
Starlette's ``BaseHTTPMiddleware`` kind between the two would wrap the read's failure in an
exception group, which FastAPI would answer with a 400. The credential check comes first, so a
caller without a key gets its 401 and nothing of its body is read.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit", "BodyTooLarge"]


def _detail(limit: int, size: int | None) -> list[dict[str, object]]:
    what = f"{size} bytes" if size is not None else "more bytes"
    message = f"the request body has {what}; the limit is {limit} bytes (MAX_BODY_BYTES)"
    return [{"loc": ["body"], "msg": message, "type": "too_large"}]


class BodyTooLarge(HTTPException):
    """The body went past the limit while it was being read."""

    def __init__(self, limit: int) -> None:
        """413 with the API's error shape."""
        super().__init__(status_code=413, detail=_detail(limit, None))


class BodyLimit:
    """Refuses bodies over *max_bytes* with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        """*max_bytes*: the most a request body may have."""
        self._app = app
        self._max = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count what is read."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = _declared(scope)
        if declared is not None and declared > self._max:
            await self._refuse(scope, receive, send, declared)
            return
        received = 0
        started = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self._max:
                    raise BodyTooLarge(self._max)
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, counting, watching)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, None)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: int | None) -> None:
        answer = JSONResponse(
            {"detail": _detail(self._max, size)},
            status_code=413,
            headers={"Connection": "close"},
        )
        await answer(scope, receive, send)


def _declared(scope: Scope) -> int | None:
    """The request's ``Content-Length``, or None when it has none (or not a number)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
