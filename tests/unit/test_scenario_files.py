"""Scenario files: the shipped library is valid, the schema is published and current, and a
bad file is answered with every mistake and its line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from lienthong.scenarios.loading import ScenarioInvalid, load_scenario, load_scenario_text
from lienthong.scenarios.schema import schema_text

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("**/*.yaml"))


def test_the_library_covers_what_testers_need() -> None:
    names = {path.stem for path in SHIPPED}
    assert {
        "birth-happy",
        "death-happy",
        "birth-refusals",
        "death-refusals",
        "funeral-outcomes",
        "agency-down",
        "broker-pause",
        "duplicate-resubmission",
        "poison-messages",
        "signature-and-sync-errors",
        "overdue-fast-clock",
        "office-hours-overload",
        "national-2024-02",
    } <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_loads_and_is_named_after_its_file(path: Path) -> None:
    assert load_scenario(path).name == path.stem


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_fits_the_published_schema(path: Path) -> None:
    schema = json.loads((SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema_rs.validator_for(schema)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [str(error) for error in validator.iter_errors(data)]
    assert errors == []


def test_the_published_schema_is_current() -> None:
    published = (SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8")
    assert published == schema_text(), (
        "regenerate: .venv/bin/python -m lienthong.scenarios.schema "
        "> scenarios/scenario.schema.json"
    )


BAD = """\
name: Bad Name
dossiers:
  - kind: birth
    defects: [mother_unknwn]
  - kind: death
    at: soon
expect:
  dossiers:
    nobody: {status: done}
"""


def test_every_mistake_is_reported_with_its_line_and_field() -> None:
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario_text(BAD, "bad.yaml")
    found = {(p.line, p.where) for p in caught.value.problems}
    assert (1, "name") in found
    assert (4, "dossiers[0].defects[0]") in found
    assert (6, "dossiers[1].at") in found
    assert (9, "expect.dossiers.nobody.status") in found
    text = str(caught.value)
    assert "bad.yaml:4:" in text and "mother_unknown" in text  # says what would be accepted


def test_a_file_that_is_not_yaml_names_the_line() -> None:
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario_text("name: x\ndossiers: [\n  - kind: birth\n", "broken.yaml")
    assert caught.value.problems[0].line >= 2
    assert "not YAML" in caught.value.problems[0].message


def test_cross_references_are_checked() -> None:
    text = "name: x\ndossiers:\n  - {name: a, kind: birth}\nexpect:\n  dossiers:\n    b: {}\n"
    with pytest.raises(ScenarioInvalid, match="names 'b', which no dossier is called"):
        load_scenario_text(text)


def test_generated_defect_shares_must_be_known_and_add_up() -> None:
    text = (
        "name: x\ngenerate:\n  - kind: death\n    count: 10\n    defects: {mother_unknown: 0.5}\n"
    )
    with pytest.raises(ScenarioInvalid, match="unknown death defect 'mother_unknown'"):
        load_scenario_text(text)


def test_a_fault_must_end_after_it_starts() -> None:
    text = (
        "name: x\ndossiers: [{kind: birth}]\n"
        "faults: [{service: population, kind: down, at: 10s, until: 5s}]\n"
    )
    with pytest.raises(ScenarioInvalid, match="`until` must be after `at`"):
        load_scenario_text(text)


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ScenarioInvalid, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")
