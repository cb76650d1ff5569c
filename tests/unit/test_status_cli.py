"""``lienthong status``: the tables drawn from hand-written answers, the watch, the exit codes."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import pytest

from lienthong.cli import usage
from lienthong.cli.commands import status
from lienthong.cli.http import ApiError, Unreachable
from lienthong.cli.main import main
from lienthong.cli.status_view import render
from lienthong.cli.target import Target

GATEWAY = "http://gw"
URLS = {name: f"http://{name}" for name in ("gateway", "civil_registry", "population", "insurance")}
URLS["gateway"] = GATEWAY
AT = "2026-11-16T02:30:00Z"  # 09:30 in Vietnam


def step(sent: int, synced: int, **more: Any) -> dict[str, Any]:
    counts = {"sent": sent, "synced": synced, "rejected": 0, "failed": 0, "pending": 0}
    return {**counts, "skipped": 0, "rejected_by_reason": {}, **more}


STATS: dict[str, Any] = {
    "generated_at": AT,
    "flows": {
        "birth": {
            "dossiers": {
                "submitted": 1,
                "in_progress": 3,
                "returned": 2,
                "completed": 110,
                "rejected": 8,
                "failed": 1,
                "total": 125,
            },
            "on_time": 117,
            "overdue": 3,
            "agencies": {
                "civil_registry": step(
                    123,
                    110,
                    rejected=8,
                    rejected_by_reason={"mother_not_found": 6, "duplicate_birth_registration": 2},
                ),
                "population": step(110, 109, pending=1, skipped=8),
            },
        },
        "death": {"dossiers": {"total": 0}, "on_time": 0, "overdue": 0, "agencies": {}},
    },
    "groups": None,
}
SUMMARY = {"count": 480, "p50": 0.41, "p95": 0.93, "p99": 1.2, "max": 1.87}
LATENCY: dict[str, Any] = {
    "generated_at": AT,
    "window_seconds": 300,
    "flows": {
        "birth": {
            "hops": [
                {"hop": "registered", "agency": "civil_registry", "window": SUMMARY,
                 "overall": {**SUMMARY, "count": 900, "max": 29_000.0}},
                {"hop": "end_to_end", "agency": None,
                 "window": {"count": 0, "p50": None, "p95": None, "p99": None, "max": None},
                 "overall": SUMMARY},
            ]
        }
    },
}  # fmt: skip
HEALTH: dict[str, Any] = {
    "generated_at": AT,
    "agencies": {
        "civil_registry": {
            "status": "ok",
            "lag": {"lienthong.gateway.events": 12},
            "lag_total": 12,
            "last_success_at": "2026-11-16T02:29:59Z",
            "last_failure_at": "2026-11-14T01:00:00Z",
            "last_failure_reason": "transient: population lookup timed out after 3 attempts",
            "faults": [{"kind": "poison"}, {"kind": "slow"}],
            "dead_letters": {"open": 1, "total": 3},
        },
        "insurance": {"status": "unreachable", "lag": {}, "lag_total": None,
                      "last_success_at": None, "faults": [], "dead_letters": {}},
    },
}  # fmt: skip


def snapshot(**overrides: Any) -> dict[str, Any]:
    return {"gateway": GATEWAY, "missing": {}, "stats": STATS, "latency": LATENCY,
            "health": HEALTH, **overrides}  # fmt: skip


def rows(text: str, title: str) -> list[list[str]]:
    """The cells of the table under *title* (split on runs of two spaces or more)."""
    block = text.split(f"\n{title}")[1].split("\n\n")[0]
    return [[cell for cell in line.strip().split("  ") if cell] for line in block.splitlines()[1:]]


def test_dossiers_per_flow_with_the_on_time_rate() -> None:
    table = rows(render(snapshot()), "Dossiers per flow")
    assert [c.strip() for c in table[1]] == [
        "birth", "1", "3", "2", "110", "8", "1", "125", "117", "3", "97.5 %",
    ]  # fmt: skip
    assert [c.strip() for c in table[2]] == [
        "death", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "0", "0", "0", "—",
    ]  # fmt: skip


def test_steps_per_agency_with_the_top_refusals() -> None:
    table = rows(render(snapshot()), "Steps per agency and flow")
    assert [c.strip() for c in table[0]][:3] == ["flow", "agency", "sent"]
    assert [c.strip() for c in table[1]] == [
        "birth", "civil_registry", "123", "110", "8", "0", "0", "0",
        "mother_not_found 6, duplicate_birth_registration 2",
    ]  # fmt: skip
    assert [c.strip() for c in table[2]][-3:] == ["1", "8", "—"]


def test_latency_per_hop_over_the_window_and_overall() -> None:
    text = render(snapshot())
    assert "Latency per hop, simulated seconds — last 300 s | since start" in text
    table = rows(text, "Latency per hop, simulated seconds — last 300 s | since start")
    assert [c.strip() for c in table[1]] == [
        "birth", "registered", "civil_registry", "480", "0.41s", "0.93s", "1.20s", "1.87s",
        "900", "0.41s", "0.93s", "1.20s", "8.1h",
    ]  # fmt: skip
    assert [c.strip() for c in table[2]][:8] == [
        "birth", "end_to_end", "—", "0", "—", "—", "—", "—",
    ]  # fmt: skip


def test_agency_health() -> None:
    table = rows(render(snapshot()), "Agency health")
    assert [c.strip() for c in table[1]] == [
        "civil_registry", "ok", "12", "09:29:59", "11-14 08:00",
        "transient: population lookup ti…", "poison, slow", "1/3",
    ]  # fmt: skip
    assert [c.strip() for c in table[2]] == [
        "insurance", "unreachable", "n/a", "never", "n/a", "n/a", "—", "n/a",
    ]  # fmt: skip


def test_missing_endpoints_and_odd_answers_are_n_a_never_a_traceback() -> None:
    missing = {"latency": "/api/v1/stats/latency: HTTP 404"}
    text = render(snapshot(latency=None, health="<html>", stats={"flows": []}, missing=missing))
    assert "Latency per hop, simulated seconds — window | since start\n  n/a (/api/v1/stats" in text
    assert "Agency health\n  n/a" in text
    assert "Dossiers per flow\n  n/a" in text
    assert "— gateway http://gw — n/a" in text
    odd = {"flows": {"birth": {"dossiers": "x", "on_time": "7", "agencies": {"population": 1}}}}
    text = render(snapshot(stats=odd, latency={"flows": {"birth": {"hops": [None, 3]}}}))
    assert [c.strip() for c in rows(text, "Dossiers per flow")[1]] == ["birth"] + ["n/a"] * 10
    steps = rows(text, "Steps per agency and flow")[1]
    assert [c.strip() for c in steps] == ["birth", "population"] + ["n/a"] * 6 + ["—"]
    hops = rows(text, "Latency per hop, simulated seconds — window | since start")
    assert [c.strip() for c in hops[1]] == ["birth"] + ["n/a"] * 12
    assert render({}).startswith("lienthong status — gateway n/a — n/a")


class FakeApi:
    """Answers GETs from a dict: a body, or an exception to raise."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        answer = self.answers[url]
        if isinstance(answer, Exception):
            raise answer
        return answer


def answers(**overrides: Any) -> dict[str, Any]:
    return {
        f"{GATEWAY}/api/v1/stats": STATS,
        f"{GATEWAY}/api/v1/stats/latency": LATENCY,
        f"{GATEWAY}/api/v1/health/agencies": HEALTH,
        **overrides,
    }


def run(monkeypatch: pytest.MonkeyPatch, bodies: dict[str, Any], *argv: str) -> int:
    monkeypatch.setattr(usage, "find_target", lambda args: Target(urls=URLS))
    monkeypatch.setattr(status, "ApiClient", lambda timeout_s, api_key=None: FakeApi(bodies))
    parser = argparse.ArgumentParser()
    status.add_arguments(parser)
    return status.run(parser.parse_args(list(argv)))


def test_once_prints_the_tables(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    assert run(monkeypatch, answers()) == 0
    assert capsys.readouterr().out == render(snapshot())


def test_json_prints_the_combined_answers_and_what_was_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    bodies = answers(**{f"{GATEWAY}/api/v1/health/agencies": ApiError(404, "Not Found")})
    assert run(monkeypatch, bodies, "--json") == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["stats"] == STATS and printed["latency"] == LATENCY
    assert printed["health"] is None
    assert printed["missing"] == {"health": "/api/v1/health/agencies: HTTP 404"}


def test_an_unreachable_gateway_exits_3(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    bodies = answers(**{f"{GATEWAY}/api/v1/stats": Unreachable("GET http://gw: refused")})
    assert run(monkeypatch, bodies) == 3
    assert "the gateway is unreachable: GET http://gw: refused" in capsys.readouterr().err


def test_nothing_running_exits_3(tmp_path: Path, capsys: Any) -> None:
    assert main(["status", "--data-dir", str(tmp_path)]) == 3
    assert "nothing runs at" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--json", "--watch"], "not allowed with argument"),
        (["--watch", "0"], "must be between 0.1 and 3600.0"),
        (["--watch", "soon"], "'soon' is not a number"),
    ],
)
def test_bad_options_are_usage_errors(argv: list[str], message: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["status", *argv])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_watch_redraws_in_place_on_a_terminal_and_appends_elsewhere() -> None:
    frames = iter(["one\n", "two\n", "three\n"])
    naps: list[float] = []
    piped = io.StringIO()
    assert status.watch(lambda: next(frames), 2.0, piped, sleep=naps.append, ticks=2) == 0
    assert piped.getvalue() == "one\n" + "-" * 72 + "\ntwo\n"
    assert naps == [2.0]
    tty = Terminal()
    assert status.watch(lambda: "a\nb\n", 1.0, tty, sleep=naps.append, ticks=2) == 0
    frame = "\x1b[Ha\x1b[K\nb\x1b[K\n\x1b[J"
    assert tty.getvalue() == "\x1b[2J" + frame + frame


def test_ctrl_c_ends_the_watch_with_0() -> None:
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    assert status.watch(lambda: "x\n", 2.0, io.StringIO(), sleep=interrupted) == 0


def test_the_watch_keeps_going_when_the_gateway_goes_away(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    bodies = answers()
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:
            bodies[f"{GATEWAY}/api/v1/stats"] = Unreachable("GET http://gw: refused")
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(status, "watch", _watch_with(nap))
    assert run(monkeypatch, bodies, "--watch", "0.5") == 0
    out = capsys.readouterr().out
    assert out.startswith(render(snapshot()))
    assert "lienthong status — gateway http://gw — unreachable: GET http://gw: refused" in out
    assert naps == [0.5, 0.5]


def _watch_with(nap: Any) -> Any:
    original = status.watch

    def watch(read: Any, interval_s: float, out: Any) -> int:
        return original(read, interval_s, out, sleep=nap)

    return watch
