"""``lienthong failures`` and ``lienthong redrive``: parsing, checks, output; no process runs,
the gateway is a fake client answering from a dict."""

from __future__ import annotations

import argparse
from typing import Any, ClassVar, get_args

import pytest

from lienthong.cli import usage
from lienthong.cli.commands import failures, redrive
from lienthong.cli.http import ApiError, Unreachable
from lienthong.cli.target import NothingRunning, Target
from services.gateway.failure_models import AgencyName, FlowName, KindName, StatusFilter

GATEWAY = "http://gateway.test"
ID = "0d9e6c1a-5b0e-5d8e-9c57-3f2b8f5e1a77"


def parse(module: Any, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"lienthong {module.__name__.rsplit('.', 1)[-1]}")
    module.add_arguments(parser)
    return parser.parse_args(list(argv))


def item(**fields: Any) -> dict[str, Any]:
    return {
        "id": ID,
        "agency": "civil_registry",
        "flow": "birth",
        "error_kind": "transient",
        "status": "open",
        "dossier_id": "d-1",
        "event_type": "vn.lienthong.gateway.birth_dossier_submitted.v1",
        "last_failed_at": "2026-11-16T02:30:00Z",
        "error": "gave up after 1 attempts: population down (stub)",
        **fields,
    }


class FakeClient:
    """Answers each (method, path) from ``answers``; an exception instance is raised."""

    answers: ClassVar[dict[tuple[str, str], Any]] = {}
    calls: ClassVar[list[tuple[str, str, Any, Any]]] = []

    def __init__(self, timeout_s: float = 30.0, *, api_key: str | None = None) -> None:
        pass

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", url, params=params)

    def request(
        self, method: str, url: str, *, params: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        path = url.removeprefix(GATEWAY)
        FakeClient.calls.append((method, path, params, json))
        answer = FakeClient.answers[(method, path)]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> type[FakeClient]:
    FakeClient.answers, FakeClient.calls = {}, []
    target = Target(urls={"gateway": GATEWAY})
    for module in (failures, redrive):
        monkeypatch.setattr(module, "ApiClient", FakeClient)
    monkeypatch.setattr(usage, "find_target", lambda args: target)
    return FakeClient


def test_the_cli_offers_exactly_the_gateways_choices() -> None:
    args = parse(failures)
    assert set(failures.KINDS) == set(get_args(KindName))
    assert set(failures.FLOWS) == set(get_args(FlowName))
    assert set(failures.STATUSES) == set(get_args(StatusFilter))
    assert args.limit == 100 and args.offset == 0
    for agency in get_args(AgencyName):
        assert parse(failures, "--agency", agency).agency == agency


@pytest.mark.parametrize(
    "argv",
    [
        ("--agency", "tax_office"),
        ("--flow", "marriage"),
        ("--kind", "oops"),
        ("--status", "closed"),
        ("--since", "yesterday"),
        ("--limit", "0"),
        ("--limit", "1001"),
        ("--offset", "-1"),
    ],
)
def test_a_bad_filter_is_a_usage_error(argv: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(failures, *argv)
    assert exit_.value.code == 2


def test_filters_take_the_api_names_and_times_without_offset_are_vietnam_time() -> None:
    args = parse(
        failures,
        *("--agency", "population", "--kind", "transient", "--dossier", "d-1"),
        *("--since", "2026-11-16T08:00", "--until", "2026-11-16T10:00:00+00:00"),
    )

    assert failures.filters_of(args) == {
        "agency": "population",
        "kind": "transient",
        "dossier_id": "d-1",
        "since": "2026-11-16T08:00:00+07:00",
        "until": "2026-11-16T10:00:00+00:00",
    }
    assert failures.filters_of(parse(failures)) == {}


def test_the_table_shows_one_line_per_failure_and_says_when_more_match() -> None:
    long_error = "RuntimeError('" + "x" * 100 + "')"
    page = {"total": 3, "items": [item(), item(id="other", flow=None, error=long_error)]}

    lines = failures.failure_table(page).splitlines()

    assert lines[0].split() == [
        "ID",
        "AGENCY",
        "FLOW",
        "KIND",
        "STATUS",
        "DOSSIER",
        "EVENT",
        "TYPE",
        "LAST",
        "FAILED",
        "(VN)",
        "ERROR",
    ]
    first = lines[1]
    assert first.startswith(ID)
    assert "gateway.birth_dossier_submitted.v1" in first and "vn.lienthong." not in first
    assert "2026-11-16 09:30:00" in first  # 02:30 UTC is 09:30 in Vietnam
    second = lines[2]
    assert " - " in second  # no flow
    assert second.endswith("…") and len(second.split("RuntimeError")[1]) < 60
    assert lines[3] == "(2 of 3; see --limit and --offset)"
    assert failures.failure_table({"total": 0, "items": []}) == "no failures match"


def test_failures_prints_the_table_or_the_json(
    gateway: type[FakeClient], capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.answers[("GET", "/api/v1/failures")] = {"total": 1, "items": [item()]}

    code = failures.run(parse(failures, "--agency", "civil_registry", "--limit", "5"))
    table = capsys.readouterr().out
    as_json = failures.run(parse(failures, "--json"))

    assert (code, as_json) == (0, 0)
    assert ID in table and "civil_registry" in table
    assert '"total": 1' in capsys.readouterr().out
    params = gateway.calls[0][2]
    assert params == {"agency": "civil_registry", "limit": 5, "offset": 0}


def test_failures_reports_refusals_and_silence_with_their_exit_codes(
    gateway: type[FakeClient], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    refusal = {"detail": [{"loc": ["query", "until"], "msg": "must not be before since"}]}
    gateway.answers[("GET", "/api/v1/failures")] = ApiError(422, refusal)
    refused = failures.run(parse(failures))
    assert "--until: must not be before since" in capsys.readouterr().err

    gateway.answers[("GET", "/api/v1/failures")] = Unreachable("connection refused")
    silent = failures.run(parse(failures))

    def nothing(args: argparse.Namespace) -> Target:
        raise NothingRunning("nothing runs at .lienthong")

    monkeypatch.setattr(usage, "find_target", nothing)
    nobody = failures.run(parse(failures))

    assert (refused, silent, nobody) == (2, 3, 3)
    assert "nothing runs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "give failure IDs, --all-matching with filters, or --all"),
        (("--all-matching",), "--all-matching needs at least one filter"),
        ((ID, "--all"), "not both"),
        ((ID, "--agency", "population"), "IDs need none"),
        (("--all", "--kind", "transient"), "--all takes no filter"),
    ],
)
def test_redrive_misuse_is_a_usage_error_and_sends_nothing(
    gateway: type[FakeClient],
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    code = redrive.run(parse(redrive, *argv))

    assert code == 2
    assert message in capsys.readouterr().err
    assert gateway.calls == []


def test_redrive_all_and_all_matching_exclude_each_other() -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(redrive, "--all", "--all-matching", "--kind", "transient")
    assert exit_.value.code == 2


def test_redrive_plans() -> None:
    assert redrive.plan_of(parse(redrive, ID, "b", ID)).ids == [ID, "b"]
    assert redrive.plan_of(parse(redrive, "--all")).selection == {"all": True}
    matching = redrive.plan_of(parse(redrive, "--all-matching", "--flow", "death"))
    assert matching.selection == {"flow": "death"}


def test_redrive_by_id_says_what_was_sent_and_what_was_resolved(
    gateway: type[FakeClient], capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "already resolved by vn.lienthong.civil_registry.birth_registered.v1 at 2026-11-16"
    gateway.answers[("POST", f"/api/v1/failures/{ID}/redrive")] = {
        "id": ID,
        "redriven": True,
        "redrive": 2,
    }
    gateway.answers[("POST", "/api/v1/failures/done/redrive")] = {
        "id": "done",
        "redriven": False,
        "redrive": 1,
        "reason": reason,
    }
    gateway.answers[("POST", "/api/v1/failures/nope/redrive")] = ApiError(
        404, {"detail": "no failure nope"}
    )

    both = redrive.run(parse(redrive, ID, "done"))
    out = capsys.readouterr().out
    with_unknown = redrive.run(parse(redrive, "nope", ID))

    assert both == 0
    assert f"redriven          {ID}  (redrive 2)" in out
    assert f"not sent          done: {reason}" in out
    assert with_unknown == 2
    captured = capsys.readouterr()
    assert "nope: no failure nope" in captured.err and ID in captured.out


def test_redrive_all_matching_sends_the_filters_and_prints_the_counts(
    gateway: type[FakeClient], capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.answers[("POST", "/api/v1/failures/redrive")] = {
        "matched": 3,
        "redriven": 2,
        "already_resolved": 1,
        "ids": [ID, "b"],
    }

    code = redrive.run(parse(redrive, "--all-matching", "--agency", "population"))

    assert code == 0
    assert gateway.calls[0][3] == {"agency": "population"}
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "matched 3: redriven 2, already resolved 1 (not sent)"
    assert lines[1:] == [f"redriven          {ID}", "redriven          b"]
