"""The report and the live line as people read them (the JSON report holds every figure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lienthong.load.engine import Progress

__all__ = ["describe_plan", "progress_line", "render_text"]


def _s(value: float | None) -> str:
    """Seconds, as ms below one."""
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _n(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def progress_line(p: Progress) -> str:
    """``  12.0s submitting  199/s  in flight 87  completed 2210 …  p50 410 ms p99 1.20 s``."""
    lag = "" if p.lag is None else f"  lag {p.lag}"
    return (
        f"{p.elapsed_s:6.1f}s {p.phase:<10} {p.sent_per_s:6.0f}/s  in flight {p.in_flight:<5} "
        f"completed {p.completed:<6} rejected {p.rejected:<4} failed {p.failed:<4} "
        f"p50 {_s(p.p50_s)}  p99 {_s(p.p99_s)}{lag}"
    )


def describe_plan(plan: Mapping[str, Any]) -> str:
    """One line: what was sent and how."""
    sending = f"batches of {plan['batch']}" if plan.get("batch") else "single POSTs"
    if plan["mode"] == "max":
        pace = f"as fast as possible, {plan['concurrency']} in flight"
    else:
        shape = "census-shaped day, mean " if plan["mode"] == "census" else ""
        ramp = f", ramp {plan['ramp_s']:g} s" if plan.get("ramp_s") else ""
        pace = f"{shape}{plan['rate']:g}/s ({plan['arrivals']}{ramp})"
    return f"{pace} for {plan['duration_s']:g} s, {sending}, seed {plan['seed']}"


def _latency(summary: Mapping[str, Any]) -> str:
    return (
        f"p50 {_s(summary['p50'])}  p90 {_s(summary['p90'])}  p99 {_s(summary['p99'])}  "
        f"max {_s(summary['max'])}  (n={summary['count']})"
    )


def _services(services: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = []
    for name, proc in services.items():
        lines.append(
            f"  {name:<15} peak RSS {_n(proc['peak_rss_mb'])} MB (since start {_n(proc['hwm_mb'])}"
            f" MB), CPU {_n(proc['cpu_s'], 2)} s = {_n(proc['cores'], 2)} cores"
        )
    return lines


def _tool(tool: Mapping[str, Any]) -> list[str]:
    lines = []
    for phase, per in (("prepare", "form built"), ("submit", "dossier"), ("drain", "dossier")):
        if phase in tool:
            cost = tool[phase]
            lines.append(
                f"  {phase:<8} {_n(cost['cpu_s'], 2)} s CPU in {_n(cost['wall_s'], 2)} s "
                f"= {_n(cost['cores'], 3)} cores, {_n(cost['cpu_ms_per_dossier'], 3)} ms per {per}"
            )
    late = tool["schedule_lag_s"]
    lines.append(
        f"  max RSS {_n(tool.get('max_rss_mb'))} MB; sends late p50 {_s(late['p50'])} p99 "
        f"{_s(late['p99'])} max {_s(late['max'])}; starved {tool['starved']}, dropped "
        f"{tool['dropped']}"
    )
    if tool["may_have_limited_the_rate"]:
        lines.append("  WARNING: the load tool may have set the pace (sends late, busy, starved)")
    if tool["dropped"]:
        lines.append(
            f"  {tool['dropped']} arrivals dropped: --max-in-flight requests were already waiting "
            "for the gateway's answers (the system fell behind the schedule)"
        )
    return lines


def render_text(data: Mapping[str, Any]) -> str:
    """The whole report, a section per line group."""
    counts, rates, latency = data["counts"], data["rates"], data["latency_s"]
    refused = sum(counts["refused"].values())
    refused_detail = ", ".join(f"{k} {v}" for k, v in counts["refused"].items())
    lines = [
        f"lienthong load {data['run_tag']}: {describe_plan(data['plan'])}",
        f"sent        {counts['sent']} (births {counts['births']}, deaths {counts['deaths']}), "
        f"dropped {counts['dropped']}, in {counts['requests']} requests",
        f"submitted   {counts['submitted']}, refused {refused}"
        + (f" ({refused_detail})" if refused else "")
        + f", errors {counts['errors']}",
        f"final       completed {counts['completed']}, rejected {counts['rejected']}, "
        f"failed {counts['failed']}, lost {counts['lost']}",
        f"rates       {_n(rates['completed_per_s'])} completed dossiers/s, "
        f"{_n(rates['submitted_per_s'])} submitted/s, {_n(rates['events_per_s'])} events/s "
        f"(window {data['elapsed_s']['window']:.1f} s)",
        f"latency     submit → completed  {_latency(latency['submit_to_completed'])}",
        f"            accept (POST → 202) {_latency(latency['accept'])}",
    ]
    for kind, hops in latency["hops"].items():
        for agency, summary in hops.items():
            lines.append(f"  {kind:<5} hop {agency:<15} {_latency(summary)}")
    gateway = data["gateway"]
    delta = gateway["delta"]
    verdict = "agree" if gateway["agrees"] else "DISAGREE: " + "; ".join(gateway["differences"])
    lines.append(
        f"gateway     delta total {delta.get('total')}, completed {delta.get('completed')}, "
        f"rejected {delta.get('rejected')}, failed {delta.get('failed')}, open "
        f"{delta.get('open')}: {verdict}"
    )
    lag = data["consumer_lag"]
    if lag["available"]:
        per = ", ".join(f"{k} {v}" for k, v in lag["peak"].items())
        lines.append(
            f"lag         peak {lag['peak_total']} messages at {lag['peak_at_s']} s ({per})"
        )
    else:
        lines.append(f"lag         not measured: {lag['error'] or 'no samples'}")
    if data["services"]:
        lines.append("processes")
        lines += _services(data["services"])
    lines.append("load tool")
    lines += _tool(data["load_tool"])
    for check in data.get("thresholds", []):
        mark = "ok" if check["ok"] else "FAILED"
        lines.append(
            f"threshold   {check['what']}: expected {check['expected']}, "
            f"actual {check['actual']}: {mark}"
        )
    if data["lost_ids"]:
        lines.append(f"lost ids    {' '.join(data['lost_ids'][:20])}")
    for error in data["errors"]:
        lines.append(f"error       {error}")
    for note in data["notes"]:
        lines.append(f"note        {note}")
    return "\n".join(lines)
