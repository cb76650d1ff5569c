"""``--html``: the report as one self-contained page, charts drawn as inline SVG.

No script, no stylesheet or font from anywhere else: the file opens the same offline, in a CI
artefact or attached to an issue, years later. Everything it shows comes from the JSON report,
which the page also carries in full.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, Final

from lienthong.load.text import describe_plan, render_text

__all__ = ["line_chart", "render_html"]

WIDTH: Final = 760
HEIGHT: Final = 260
MARGIN: Final = (48, 16, 28, 64)  # top, right, bottom, left
COLOURS: Final = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")

Series = tuple[str, Sequence[float | None]]


def _nice_top(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2 or 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1.0, 2.0, 5.0, 10.0) if step * power >= value)


def _label(value: float) -> str:
    return f"{value:g}" if value >= 1 or value == 0 else f"{value:.3g}"


def line_chart(title: str, unit: str, bin_s: float, series: Sequence[Series]) -> str:
    """An SVG chart of per-bin values over seconds into the run; gaps where a value is None."""
    top, right, bottom, left = MARGIN
    plot_w, plot_h = WIDTH - left - right, HEIGHT - top - bottom
    bins = max((len(values) for _, values in series), default=0)
    span = max(bins * bin_s, bin_s)
    peak = max((v for _, values in series for v in values if v is not None), default=0.0)
    y_top = _nice_top(peak)

    def x(index: int) -> float:
        return left + (index + 0.5) * bin_s / span * plot_w

    def y(value: float) -> float:
        return top + plot_h - value / y_top * plot_h

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="{left}" y="18" class="title">{escape(title)}</text>',
    ]
    for tick in range(5):
        value = y_top * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'class="grid"/><text x="{left - 6}" y="{y(value) + 4:.1f}" class="axis" '
            f'text-anchor="end">{_label(value)}</text>'
        )
    for tick in range(6):
        seconds = span * tick / 5
        px = left + seconds / span * plot_w
        parts.append(
            f'<text x="{px:.1f}" y="{HEIGHT - 8}" class="axis" text-anchor="middle">'
            f"{seconds:.0f} s</text>"
        )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.0f}" class="axis" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.0f})" text-anchor="middle">'
        f"{escape(unit)}</text>"
    )
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        runs: list[list[str]] = [[]]
        for index, point in enumerate(values):
            if point is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(index):.1f},{y(point):.1f}")
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="{colour}"/>')
            elif run:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    f'stroke-width="1.6"/>'
                )
        lx = left + 8 + number * 170
        parts.append(
            f'<rect x="{lx}" y="28" width="12" height="4" fill="{colour}"/>'
            f'<text x="{lx + 16}" y="34" class="axis">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _per_second(counts: Sequence[int], bin_s: float) -> list[float | None]:
    return [count / bin_s for count in counts]


_STYLE: Final = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 800px; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin-top: 1.6em; }
table { border-collapse: collapse; } td, th { padding: 2px 12px 2px 0; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg .title { font-weight: 600; font-size: 13px; } svg .axis { font-size: 11px; fill: #555; }
svg .grid { stroke: #e4e4e4; } pre { background: #f6f6f6; padding: 1em; overflow: auto; }
.bad { color: #b00; font-weight: 600; } .ok { color: #070; }
"""


def _headline(data: Mapping[str, Any]) -> str:
    counts, rates = data["counts"], data["rates"]
    latency = data["latency_s"]["submit_to_completed"]
    rows = [
        ("completed dossiers/s", rates["completed_per_s"]),
        ("events/s", rates["events_per_s"]),
        ("submitted", counts["submitted"]),
        ("completed", counts["completed"]),
        ("rejected", counts["rejected"]),
        ("failed", counts["failed"]),
        ("lost", counts["lost"]),
        ("p50 submit → completed (s)", latency["p50"]),
        ("p99 submit → completed (s)", latency["p99"]),
        ("peak consumer lag", data["consumer_lag"]["peak_total"]),
    ]
    cells = "".join(
        f'<tr><th>{escape(name)}</th><td class="n">{escape(str(value))}</td></tr>'
        for name, value in rows
    )
    checks = "".join(
        f'<tr><th>{escape(c["what"])}</th><td class="n">{escape(str(c["actual"]))}</td>'
        f"<td>expected {escape(c['expected'])}</td>"
        f'<td class="{"ok" if c["ok"] else "bad"}">{"ok" if c["ok"] else "FAILED"}</td></tr>'
        for c in data.get("thresholds", [])
    )
    return f"<table>{cells}</table>" + (
        f"<h2>Thresholds</h2><table>{checks}</table>" if checks else ""
    )


def render_html(data: Mapping[str, Any]) -> str:
    """The page: headline figures, throughput, latency and lag charts, the text and JSON."""
    timeline = data["timeline"]
    bin_s = float(timeline["bin_s"])
    charts = [
        line_chart(
            "Throughput",
            "dossiers/s",
            bin_s,
            [
                ("sent", _per_second(timeline["sent"], bin_s)),
                ("completed", _per_second(timeline["completed"], bin_s)),
            ],
        ),
        line_chart(
            "Latency submit → completed, by second of submission",
            "seconds",
            bin_s,
            [("p50", timeline["latency_p50_s"]), ("p99", timeline["latency_p99_s"])],
        ),
        line_chart("Consumer lag, all services", "messages", bin_s, [("lag", timeline["lag"])]),
    ]
    title = f"lienthong load {data['run_tag']}"
    dump = json.dumps(data, indent=2, ensure_ascii=False)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(describe_plan(data['plan']))}</p>"
        f"{_headline(data)}<h2>Over time</h2>{''.join(charts)}"
        f"<h2>Report</h2><pre>{escape(render_text(data))}</pre>"
        f"<details><summary>JSON</summary><pre>{escape(dump)}</pre></details>"
        "</body></html>\n"
    )
