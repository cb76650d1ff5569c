"""Which agencies a run starts for real, simulates or leaves to the user; and `up`'s usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lienthong.cli.children import ServiceSpec
from lienthong.cli.errors import SupervisorError
from lienthong.cli.fleet import Fleet, FleetError
from lienthong.cli.fleet_options import fleet_of
from lienthong.cli.main import build_parser, main
from services.mock.rules import parse_rule

SPECS = [
    ServiceSpec(name, 8000 + n)
    for n, name in enumerate(("gateway", "civil_registry", "population", "insurance"))
]


def test_by_default_every_agency_is_real() -> None:
    fleet = Fleet.of(None)
    assert [fleet.mode(spec.name) for spec in SPECS] == ["real"] * 4
    assert fleet.command("insurance")[-2:] == ["serve", "insurance"]
    assert fleet.environment() == {"MOCK_RULES": ""}  # a rule left in the shell is cleared


def test_only_simulates_every_other_agency_in_its_own_database() -> None:
    fleet = Fleet.of(["population"], rules=[parse_rule("insurance=silent")])
    assert {s.name: fleet.mode(s.name) for s in SPECS} == {
        "gateway": "real",
        "civil_registry": "simulated",
        "population": "real",
        "insurance": "simulated",
    }
    assert fleet.command("insurance")[-3:] == ["serve", "insurance", "--mock"]
    assert fleet.command("population")[-2:] == ["serve", "population"]
    assert (fleet.database("insurance"), fleet.database("population")) == (
        "insurance_mock",
        "population",
    )
    assert fleet.environment() == {"MOCK_RULES": "insurance=silent"}


def test_an_external_agency_is_not_started() -> None:
    fleet = Fleet.of(["civil_registry"], external=["insurance"])
    assert [s.name for s in fleet.launched(SPECS)] == ["gateway", "civil_registry", "population"]
    assert fleet.mode("population") == "simulated"


@pytest.mark.parametrize(
    ("only", "external", "rules", "says"),
    [
        (["insurance"], ["insurance"], [], "both --only and --external"),
        (None, ["gateway"], [], "the gateway cannot be external"),
        (["insurance"], [], ["insurance=silent"], "insurance is not simulated"),
        (None, [], ["population=silent"], "population is not simulated"),
        (["civil_registry"], ["population"], ["population=silent"], "not simulated"),
    ],
)
def test_contradicting_options_are_refused(
    only: list[str] | None, external: list[str], rules: list[str], says: str
) -> None:
    with pytest.raises(FleetError) as error:
        Fleet.of(only, external, [parse_rule(rule) for rule in rules])
    assert says in str(error.value)


@pytest.mark.parametrize(
    "argv",
    [
        ["up", "--only", "tax_office"],
        ["up", "--only", ""],
        ["up", "--external", "civil_registry,nobody"],
        ["up", "--mock", "insurance=refuse:nothing"],
        ["up", "--only", "insurance", "--mock", "insurance=silent"],
        ["up", "--only", "population", "--external", "population"],
    ],
)
def test_up_answers_misuse_with_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "usage: lienthong up" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "simulated", "external"),
    [
        (["--external", "insurance", "--external", "population"], [], ["insurance", "population"]),
        (["--only", "civil_registry", "--only", "population"], ["insurance"], []),
    ],
)
def test_repeated_fleet_options_add_up(
    argv: list[str], simulated: list[str], external: list[str]
) -> None:
    fleet = fleet_of(build_parser().parse_args(["up", *argv]))
    assert (fleet.record()["simulated"], fleet.record()["external"]) == (simulated, external)


def test_a_data_dir_kept_from_another_fleet_is_refused(tmp_path: Path) -> None:
    (tmp_path / "population.db").write_bytes(b"")  # a run with every agency real kept this
    with pytest.raises(SupervisorError, match="--fresh"):
        Fleet.of(["civil_registry"]).claim(tmp_path)
    Fleet.of(None).claim(tmp_path)  # the same fleet again: taken, and recorded
    assert json.loads((tmp_path / "fleet.json").read_text())["simulated"] == []


def test_the_gateway_cannot_be_simulated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "gateway", "--mock"])
    assert stopped.value.code == 2
    assert "cannot be simulated" in capsys.readouterr().err
