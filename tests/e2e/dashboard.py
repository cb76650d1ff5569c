"""What the dashboard's browser tests share: Debian's Chromium, the page, and its figures.

The page keeps every figure in an element with a stable ``data-testid`` and its raw value in
``data-value`` (empty when the API did not report it); these helpers read them all at once and
compute, from the API's own answers, what each figure must say.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass, field
from typing import Any

import httpx
from playwright.async_api import ConsoleMessage, Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STATUSES = ("submitted", "in_progress", "completed", "rejected", "failed", "total")
FUNNEL = (
    *("sent", "synced", "rejected", "failed", "pending"),
    *("waiting", "skipped", "redriven", "dead_lettered"),
)
PANELS = (
    *("flows", "throughput", "funnel", "deadlines", "reasons"),
    *("latency", "health", "failures", "provinces"),
)

_FIGURES = """() => Object.fromEntries(
    [...document.querySelectorAll('[data-testid][data-value]')]
        .map((node) => [node.dataset.testid, node.dataset.value]))"""
_POLLS = "() => Number(document.querySelector('[data-testid=last-updated]').dataset.polls)"
_VALUE_IS = """([testid, expected]) => {
    const node = document.querySelector(`[data-testid="${testid}"]`);
    return node !== null && node.dataset.value === expected;
}"""


@dataclass
class Dashboard:
    """The open page, and every error its console or its script reported."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def listen(self) -> None:
        """Collect console errors and uncaught exceptions from now on."""
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    async def polls(self) -> int:
        """How many poll cycles the page has completed."""
        count: int = await self.page.evaluate(_POLLS)
        return count

    async def next_polls(self, cycles: int = 2, timeout_s: float = 20) -> None:
        """Wait for ``cycles`` more complete polls: what they show was fetched after now."""
        target = await self.polls() + cycles
        await self.page.wait_for_function(
            f"() => ({_POLLS})() >= {target}", timeout=timeout_s * 1000
        )

    async def figures(self) -> dict[str, str]:
        """Every figure on the page: data-testid → data-value."""
        found: dict[str, str] = await self.page.evaluate(_FIGURES)
        return found

    async def wait_for_value(self, testid: str, expected: object, timeout_s: float = 20) -> None:
        """Wait until a figure's raw value is ``expected`` (a reload would break the wait)."""
        await self.page.wait_for_function(
            _VALUE_IS, arg=[testid, str(expected)], timeout=timeout_s * 1000
        )


async def stable_json(gateway: httpx.AsyncClient, path: str, *, tries: int = 50) -> Any:
    """The answer of ``path`` once two reads half a second apart agree (``generated_at`` aside)."""
    previous: Any = None
    for _ in range(tries):
        response = await gateway.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        body = response.json()
        body.pop("generated_at", None)
        if body == previous:
            return body
        previous = body
        await asyncio.sleep(0.5)
    raise AssertionError(f"{path} did not settle: {previous}")


def shown(value: object) -> str:
    """How the page keeps an API value in ``data-value``: empty when not reported."""
    return "" if value is None else str(value)


def expected_stats_figures(stats: dict[str, Any]) -> dict[str, str]:
    """The flow and funnel figures the page must show for this ``/api/v1/stats`` answer."""
    expected: dict[str, str] = {}
    for flow, flow_stats in stats["flows"].items():
        for status in STATUSES:
            expected[f"flow-{flow}-{status}"] = shown(flow_stats["dossiers"].get(status))
        for key in ("on_time", "overdue"):
            expected[f"flow-{flow}-{key}"] = shown(flow_stats.get(key))
        for agency, counts in flow_stats["agencies"].items():
            for key in (*FUNNEL, "on_time", "overdue"):
                expected[f"agency-{flow}-{agency}-{key}"] = shown(counts.get(key))
    return expected


def expected_reasons(stats: dict[str, Any]) -> dict[str, str]:
    """The top-10 refusal reasons: ``reason-<agency>-<code>`` → count over both flows."""
    totals: dict[tuple[str, str], int] = {}
    for flow_stats in stats["flows"].values():
        for agency, counts in flow_stats["agencies"].items():
            for code, count in (counts.get("rejected_by_reason") or {}).items():
                totals[agency, code] = totals.get((agency, code), 0) + count
    top = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:10]
    return {f"reason-{agency}-{code}": str(count) for (agency, code), count in top if count > 0}


def expected_provinces(grouped: dict[str, Any]) -> dict[str, str]:
    """``province-<code>-<status>`` for every province the API grouped by (flows summed)."""
    expected: dict[str, str] = {}
    for group in grouped["groups"]:
        for status in STATUSES:
            total = sum(f["dossiers"].get(status, 0) for f in group["flows"].values())
            expected[f"province-{group['key']}-{status}"] = str(total)
    return expected
