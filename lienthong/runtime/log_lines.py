"""The log lines that matter: a dossier decided, a message failed, a retry scheduled.

Services log almost nothing per message (the system aims at 800 dossiers a second); these
helpers are the exceptions, so each is one line a person can read in ``lienthong up`` —
``birth dossier 3f2a… civil_registry birth_registered → rejected (mother_not_found)`` — and,
through ``extra=``, a set of fields a log pipeline can query in JSON mode (``dossier_id``,
``agency``, ``event_type``, ``outcome``…). None of the fields carries personal data, and the
masking filter runs over them anyway.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

__all__ = ["log_decision", "log_failure", "one_line", "short_type"]

_ERROR_IN_TEXT: Final = 300
"""Characters of an error shown in a text line; the JSON field keeps up to :data:`_ERROR_KEPT`."""
_ERROR_KEPT: Final = 2000
_VERSIONED_TYPE: Final = re.compile(r"^vn\.lienthong\.[\w-]+\.(?P<name>[\w-]+)\.v\d+$")
_SPACES: Final = re.compile(r"\s+")
_PYDANTIC_URL: Final = re.compile(r"\s*For further information visit \S+")


def short_type(event_type: str | None) -> str:
    """``vn.lienthong.civil_registry.birth_registered.v1`` → ``birth_registered`` (for text)."""
    if not event_type:
        return "?"
    found = _VERSIONED_TYPE.match(event_type)
    return found.group("name") if found else event_type


def one_line(text: str, limit: int) -> str:
    """*text* on one line (a pydantic error spans several, each with the same link to its
    documentation, dropped here), cut at *limit* characters."""
    flat = _SPACES.sub(" ", _PYDANTIC_URL.sub("", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def log_decision(
    logger: logging.Logger,
    *,
    dossier_id: str,
    agency: str,
    event_type: str,
    outcome: str,
    reason_code: str | None = None,
    latency_s: float | None = None,
    flow: str | None = None,
) -> None:
    """One INFO line per decision an agency took on a dossier (done, rejected, failed…).

    ``birth dossier 3f2a… civil_registry birth_registered → done in 0.42 s``; the dossier id is
    printed whole so it can be looked up (``GET /api/v1/dossiers/{id}``).
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    head = f"{flow} dossier" if flow else "dossier"
    text = f"{head} {dossier_id} {agency} {short_type(event_type)} → {outcome}"
    if reason_code:
        text += f" ({reason_code})"
    if latency_s is not None:
        text += f" in {latency_s:.2f} s"
    fields: dict[str, Any] = {
        "dossier_id": dossier_id,
        "agency": agency,
        "event_type": event_type,
        "outcome": outcome,
        "reason_code": reason_code,
        "latency_s": latency_s,
        "flow": flow,
    }
    logger.info(text, extra=fields)


def log_failure(
    logger: logging.Logger,
    *,
    dossier_id: str | None,
    service: str,
    event_type: str | None,
    error_kind: str,
    error: str,
    attempt: int | None = None,
    outcome: str = "failed",
    level: int = logging.WARNING,
) -> None:
    """One line (WARNING unless *level* says otherwise) for a message *service* gave up on.

    ``dossier 3f2a… population birth_registered → dead_lettered (malformed, attempt 1): …``.
    *service* goes to the ``agency`` field in JSON (``service`` there names the process that
    wrote the line, which for a failure the gateway reports is not the one that failed).
    """
    if not logger.isEnabledFor(level):
        return
    detail = error_kind if attempt is None else f"{error_kind}, attempt {attempt}"
    text = (
        f"dossier {dossier_id or '?'} {service} {short_type(event_type)} → {outcome} "
        f"({detail}): {one_line(error, _ERROR_IN_TEXT)}"
    )
    fields: dict[str, Any] = {
        "dossier_id": dossier_id,
        "agency": service,
        "event_type": event_type,
        "outcome": outcome,
        "error_kind": error_kind,
        "error": one_line(error, _ERROR_KEPT),
        "attempt": attempt,
    }
    logger.log(level, text, extra=fields)
