"""What ``lienthong status`` prints: the gateway's headline figures as plain-text tables.

A pure function of the JSON the gateway answered (:func:`render`), so it is tested with
hand-written input and never needs a sandbox. The endpoints are young and grow: every value is
read defensively. A section whose endpoint or top-level key is missing says ``n/a``; a missing
figure is ``n/a``, a null one ``—`` (no sample yet, never happened).

An agency's mode comes from its own ``/health`` (``"mode": "simulated"``) and from the run's
fleet (``fleet``, read from the lock by the command): an external agency is the user's program,
which the gateway can only find unreachable, so the fleet is what says ``external``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from lienthong.contracts.steps import DOSSIER_STATUSES
from lienthong.domain.calendar import VIETNAM_TZ

__all__ = ["render"]

NA: Final = "n/a"
NONE: Final = "—"
STATUSES: Final = DOSSIER_STATUSES
STEP_COUNTS: Final = ("sent", "synced", "rejected", "failed", "pending", "skipped")
PERCENTILES: Final = ("count", "p50", "p95", "p99", "max")
REASON_WIDTH: Final = 32


def render(snapshot: Mapping[str, Any]) -> str:
    """The whole screen for one snapshot (``stats``, ``latency``, ``health``, ``missing``)."""
    missing = _dict(snapshot.get("missing"))
    sections = [
        _header(snapshot),
        _dossiers(snapshot.get("stats"), missing.get("stats")),
        _agencies(snapshot.get("stats"), missing.get("stats")),
        _latency(snapshot.get("latency"), missing.get("latency")),
        _health(snapshot.get("health"), missing.get("health"), _dict(snapshot.get("fleet"))),
    ]
    return "\n\n".join(sections) + "\n"


def _header(snapshot: Mapping[str, Any]) -> str:
    stats = _dict(snapshot.get("stats"))
    at = _moment(stats.get("generated_at"))
    when = at.strftime("%Y-%m-%d %H:%M:%S") + " (simulated, Vietnam)" if at else NA
    return f"lienthong status — gateway {snapshot.get('gateway', NA)} — {when}"


def _dossiers(stats: Any, why: str | None) -> str:
    title = "Dossiers per flow"
    flows = _dict(_dict(stats).get("flows"))
    if not flows:
        return _unavailable(title, why)
    rows = []
    for flow, figures in flows.items():
        body = _dict(figures)
        counts = _dict(body.get("dossiers"))
        on_time, overdue = body.get("on_time"), body.get("overdue")
        rows.append(
            [
                flow,
                *(_count(counts, status) for status in STATUSES),
                _count(counts, "total"),
                _count(body, "on_time"),
                _count(body, "overdue"),
                _rate(on_time, overdue),
            ]
        )
    headers = ["flow", *STATUSES, "total", "on_time", "overdue", "on-time rate"]
    return _titled(title, _table(headers, rows, "l" + "r" * (len(headers) - 1)))


def _agencies(stats: Any, why: str | None) -> str:
    title = "Steps per agency and flow"
    flows = _dict(_dict(stats).get("flows"))
    rows = []
    for flow, figures in flows.items():
        for agency, counts in _dict(_dict(figures).get("agencies")).items():
            step = _dict(counts)
            reasons = _dict(step.get("rejected_by_reason"))
            rows.append([flow, agency, *(_count(step, key) for key in STEP_COUNTS), _top(reasons)])
    if not rows:
        return _unavailable(title, why)
    headers = ["flow", "agency", *STEP_COUNTS, "top refusals"]
    return _titled(title, _table(headers, rows, "ll" + "r" * len(STEP_COUNTS) + "l"))


def _latency(latency: Any, why: str | None) -> str:
    body = _dict(latency)
    window = body.get("window_seconds")
    span = f"last {window:g} s" if isinstance(window, int | float) else "window"
    title = f"Latency per hop, simulated seconds — {span} | since start"
    rows = []
    for flow, figures in _dict(body.get("flows")).items():
        hops = _dict(figures).get("hops")
        for hop in hops if isinstance(hops, list) else []:
            entry = _dict(hop)
            agency = entry.get("agency", NA)
            rows.append(
                [
                    flow,
                    str(entry.get("hop", NA)),
                    NONE if agency is None else str(agency),
                    *_summary(entry.get("window")),
                    *_summary(entry.get("overall")),
                ]
            )
    if not rows:
        return _unavailable(title, why)
    headers = ["flow", "hop", "agency", *PERCENTILES, *PERCENTILES]
    headers[3], headers[8] = "n window", "n overall"
    return _titled(title, _table(headers, rows, "lll" + "r" * 2 * len(PERCENTILES)))


def _mode(agency: str, entry: Mapping[str, Any], fleet: Mapping[str, Any]) -> str:
    """The status cell: the gateway's word, marked ``external`` or ``(simulated)``.

    An external agency the gateway cannot reach is simply ``external`` (the user may serve no
    HTTP at all); one that answers keeps its status, marked.
    """
    status = str(entry.get("status", NA))
    if agency in _names(fleet.get("external")):
        return "external" if status in ("unreachable", NA) else f"{status} (external)"
    if entry.get("mode") == "simulated" or agency in _names(fleet.get("simulated")):
        return f"{status} (simulated)"
    return status


def _names(value: Any) -> set[str]:
    return {str(name) for name in value} if isinstance(value, list) else set()


def _health(health: Any, why: str | None, fleet: Mapping[str, Any]) -> str:
    title = "Agency health"
    body = _dict(health)
    agencies = _dict(body.get("agencies"))
    if not agencies:
        return _unavailable(title, why)
    today = _moment(body.get("generated_at"))
    rows = []
    for agency, figures in agencies.items():
        entry = _dict(figures)
        letters = _dict(entry.get("dead_letters"))
        rows.append(
            [
                agency,
                _mode(agency, entry, fleet),
                _number(entry.get("lag_total"), null=NA) if "lag_total" in entry else NA,
                _when(entry, "last_success_at", today),
                _when(entry, "last_failure_at", today),
                _cut(entry.get("last_failure_reason", NA), REASON_WIDTH),
                _faults(entry.get("faults")),
                f"{_count(letters, 'open')}/{_count(letters, 'total')}" if letters else NA,
            ]
        )
    headers = ["agency", "status", "lag", "last success", "last failure", "reason", "faults"]
    table = _table([*headers, "dead letters open/total"], rows, "llrllllr")
    return _titled(title, table)


# -- cells ---------------------------------------------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    """*value* if it is a JSON object, else an empty one: the one defensive read."""
    return value if isinstance(value, dict) else {}


def _number(value: Any, null: str = NONE) -> str:
    if value is None:
        return null
    if isinstance(value, bool) or not isinstance(value, int | float):
        return NA
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _count(figures: Mapping[str, Any], key: str) -> str:
    return _number(figures[key]) if key in figures else NA


def _rate(on_time: Any, overdue: Any) -> str:
    """Dossiers closed in time among those judged (in time + overdue)."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (on_time, overdue)):
        return NA
    judged = on_time + overdue
    return f"{100 * on_time / judged:.1f} %" if judged else NONE


def _seconds(value: Any) -> str:
    """A duration in simulated seconds, in the unit that keeps it short."""
    if value is None:
        return NONE
    if isinstance(value, bool) or not isinstance(value, int | float):
        return NA
    if value < 10:
        return f"{value:.2f}s"
    if value < 600:
        return f"{value:.1f}s"
    if value < 7200:
        return f"{value / 60:.1f}m"
    if value < 172_800:
        return f"{value / 3600:.1f}h"
    return f"{value / 86_400:.1f}d"


def _summary(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [NA] * len(PERCENTILES)
    count = _count(value, "count")
    return [count, *(_seconds(value[k]) if k in value else NA for k in PERCENTILES[1:])]


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(VIETNAM_TZ) if moment.tzinfo else moment


def _when(entry: Mapping[str, Any], key: str, today: datetime | None) -> str:
    """A time of day in Vietnam, with its date when it is not the day of the answer."""
    if key not in entry:
        return NA
    if entry[key] is None:
        return "never"
    moment = _moment(entry[key])
    if moment is None:
        return NA
    same_day = today is not None and moment.date() == today.date()
    return moment.strftime("%H:%M:%S" if same_day else "%m-%d %H:%M")


def _cut(value: Any, width: int) -> str:
    if value is None:
        return NONE
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _faults(value: Any) -> str:
    if not isinstance(value, list):
        return NA
    kinds = [str(_dict(fault).get("kind", "?")) for fault in value]
    return ", ".join(kinds) if kinds else NONE


def _top(reasons: Mapping[str, Any], shown: int = 2) -> str:
    """The most frequent refusal codes, ``mother_not_found 6, …``."""
    counted = [(n, code) for code, n in reasons.items() if isinstance(n, int) and n > 0]
    ordered = sorted(counted, key=lambda item: (-item[0], item[1]))
    text = ", ".join(f"{code} {n}" for n, code in ordered[:shown])
    return text + (", …" if len(ordered) > shown else "") if text else NONE


# -- layout --------------------------------------------------------------------------------------


def _unavailable(title: str, why: str | None) -> str:
    return f"{title}\n  {NA}" + (f" ({why})" if why else "")


def _titled(title: str, lines: Sequence[str]) -> str:
    return "\n".join([title, *("  " + line for line in lines)])


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Columns padded to their widest cell, each flush left (``l``) or right (``r``, figures,
    so their digits line up) as *align* says."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        return "  ".join(padded).rstrip()

    return [line(headers), *(line(row) for row in rows)]
