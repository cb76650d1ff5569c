"""Several processes of one agency (``up --instances``): options, names, ports, refusals."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lienthong.cli.children import ServiceSpec
from lienthong.cli.data_dir import LOCK_FILE_NAME, database_url
from lienthong.cli.fleet import Fleet, FleetError
from lienthong.cli.fleet_options import fleet_of
from lienthong.cli.instances import instance_names, parse_instances, service_of
from lienthong.cli.main import build_parser, main
from lienthong.cli.run_lock import RunLock
from lienthong.cli.store_options import postgres_summary
from lienthong.contracts.services import SERVICE_NAMES

SPECS = [
    ServiceSpec(name, 8000 + n)
    for n, name in enumerate(("gateway", "civil_registry", "population", "insurance"))
]
POSTGRES = {
    "POPULATION_DATABASE_URL": "postgresql+asyncpg://u:p@db/population",
    "INSURANCE_DATABASE_URL": "postgresql+asyncpg://u:p@db/insurance",
}


def test_the_option_reads_agency_counts() -> None:
    assert parse_instances("population=3, insurance=2") == {"population": 3, "insurance": 2}
    assert parse_instances("") == {}


@pytest.mark.parametrize(
    "text",
    [
        "gateway=2",
        "tax_office=2",
        "population",
        "population=0",
        "population=9",
        "population=x",
        "population=2,population=3",
    ],
)
def test_a_bad_count_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_instances(text)


def test_instances_are_named_after_their_agency() -> None:
    assert instance_names("population", 3) == ["population", "population-2", "population-3"]
    assert [service_of(n) for n in ["population-3", "population", "civil_registry"]] == [
        "population",
        "population",
        "civil_registry",
    ]
    assert service_of("population-1") == "population-1"  # the first one has no number
    assert service_of("nobody-2") == "nobody-2"


def test_the_first_instance_keeps_the_port_and_the_others_get_their_own() -> None:
    fleet = Fleet.of(None, instances={"population": 3, "insurance": 2})
    launched = {spec.name: spec for spec in fleet.launched(SPECS)}
    assert list(launched) == [
        "gateway",
        "civil_registry",
        "population",
        "population-2",
        "population-3",
        "insurance",
        "insurance-2",
    ]
    assert (launched["population"].port, launched["insurance"].port) == (8002, 8003)
    assert len({spec.port for spec in launched.values()}) == 7
    assert launched["population-3"].service == "population"
    assert fleet.command(launched["population-3"].service)[-2:] == ["serve", "population"]
    assert fleet.record()["instances"] == {"insurance": 2, "population": 3}


@pytest.mark.parametrize(
    ("only", "external", "says"),
    [(["civil_registry"], [], "population is simulated"), (None, ["population"], "external")],
)
def test_instances_of_an_agency_not_run_for_real_are_refused(
    only: list[str] | None, external: list[str], says: str
) -> None:
    with pytest.raises(FleetError, match=says):
        Fleet.of(only, external, instances={"population": 2})


def _options(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["up", *argv])


def test_instances_need_the_agency_on_postgresql() -> None:
    with pytest.raises(FleetError, match="POPULATION_DATABASE_URL=postgresql"):
        fleet_of(_options("--instances", "population=2"), {})
    sqlite = {"POPULATION_DATABASE_URL": "sqlite+aiosqlite:///p.db"}
    with pytest.raises(FleetError, match="PostgreSQL"):
        fleet_of(_options("--instances", "population=2"), sqlite)
    assert fleet_of(_options("--instances", "population=1"), {}).count("population") == 1
    fleet = fleet_of(
        _options("--instances", "population=3", "--instances", "insurance=2"), POSTGRES
    )
    assert (fleet.count("population"), fleet.count("insurance")) == (3, 2)


def test_the_environment_gives_the_default_and_the_option_wins() -> None:
    env = {**POSTGRES, "LIENTHONG_INSTANCES": "insurance=2"}
    assert fleet_of(_options(), env).count("insurance") == 2
    assert fleet_of(_options("--instances", "population=2"), env).count("insurance") == 1
    with pytest.raises(FleetError, match="LIENTHONG_INSTANCES"):
        fleet_of(_options(), {"LIENTHONG_INSTANCES": "gateway=2"})


def test_up_answers_bad_instances_with_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["up", "--instances", "gateway=2"])
    assert stopped.value.code == 2
    assert "the gateway runs once" in capsys.readouterr().err


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Path]:
    """A held lock naming a run with three population instances."""
    lock = RunLock(tmp_path / LOCK_FILE_NAME)
    lock.acquire()
    urls = {name: f"http://{name}.test" for name in SERVICE_NAMES}
    processes = {**urls, "population-2": "http://p2.test", "population-3": "http://p3.test"}
    children = {name: 2**22 + n for n, name in enumerate(processes)}
    lock.write({"pid": os.getpid(), "urls": urls, "children": children, "processes": processes})
    try:
        yield tmp_path
    finally:
        lock.release()


def test_kill_names_an_instance_and_refuses_one_the_run_does_not_have(
    running: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # population-3's recorded pid is beyond any pid the kernel hands out: found, but gone.
    assert main(["kill", "population-3", "--data-dir", str(running)]) == 1
    assert "population-3 (pid 4194309) is gone already" in capsys.readouterr().err
    assert main(["kill", "population-4", "--data-dir", str(running)]) == 2
    assert "population-4 is not a process of this run" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["kill", "tax_office-2", "--data-dir", str(running)])
    assert stopped.value.code == 2


def test_a_postgres_server_gives_each_service_a_database_named_after_it() -> None:
    env = {"LIENTHONG_POSTGRES_URL": "postgresql://lt:s3cret@db.example:6543/anything"}
    assert database_url("population", Path("/d"), env) == (
        "postgresql+asyncpg://lt:s3cret@db.example:6543/population"
    )
    moved = {**env, "INSURANCE_DATABASE_URL": "postgresql+asyncpg://o@elsewhere/ins"}
    assert database_url("insurance", Path("/d"), moved) == "postgresql+asyncpg://o@elsewhere/ins"
    assert database_url("insurance", Path("/d"), {}) == "sqlite+aiosqlite:////d/insurance.db"
    fleet = fleet_of(_options("--instances", "population=3"), env)  # the server is enough
    assert fleet.count("population") == 3
    urls = {s: database_url(s, Path("/d"), env) for s in ("population", "insurance")}
    assert postgres_summary(urls) == "db.example:6543 (population, insurance)"  # no password
    assert postgres_summary({"gateway": "sqlite+aiosqlite:////d/gateway.db"}) is None


@pytest.mark.parametrize("url", ["sqlite:///x.db", "not a url", "postgresql:///nohost"])
def test_up_refuses_a_postgres_url_that_is_no_server(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["up", "--postgres", url])
    assert stopped.value.code == 2
    assert "not a PostgreSQL server URL" in capsys.readouterr().err
