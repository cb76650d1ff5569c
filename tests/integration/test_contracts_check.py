"""``lienthong contracts check`` as a command: exit 0 compatible, 1 incompatible, 2 usage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.integration.test_contracts_export import lienthong

BIRTH_REGISTERED = "vn.lienthong.civil_registry.birth_registered.v1"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh baseline of this tree."""
    root = tmp_path_factory.mktemp("contracts")
    done = lienthong("contracts", "export", "baseline", cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "baseline"


def test_the_tree_is_compatible_with_a_fresh_export(exported: Path, tmp_path: Path) -> None:
    done = lienthong(
        "contracts", "check", "--against", str(exported), "--mode", "FULL", cwd=tmp_path
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == f"compatible under FULL with {exported}: no changes"


def test_a_baseline_with_a_renamed_required_field_fails_naming_field_message_and_consumers(
    exported: Path, tmp_path: Path
) -> None:
    baseline = tmp_path / "renamed"
    shutil.copytree(exported, baseline)
    path = baseline / "asyncapi.json"
    document = json.loads(path.read_text("utf-8"))
    model = document["components"]["schemas"]["BirthRegistered"]
    model["properties"]["registration_no"] = model["properties"].pop("registration_number")
    model["required"] = [
        "registration_no" if name == "registration_number" else name for name in model["required"]
    ]
    path.write_text(json.dumps(document), "utf-8")

    done = lienthong("contracts", "check", "--against", str(baseline), cwd=tmp_path)
    as_json = lienthong("contracts", "check", "--against", str(baseline), "--json", cwd=tmp_path)

    assert done.returncode == 1, done.stderr
    text = " ".join(done.stdout.split())  # undo the wrapping
    assert "field data.registration_number" in text
    assert "a rename `registration_no` → `registration_number`?" in text
    assert f"message {BIRTH_REGISTERED}" in text
    assert "who: gateway, population" in text
    assert "gateway and population, consuming it on the new contract" in text
    assert text.endswith(
        "1 breaking change (1 in events, 0 in REST APIs); 1 other change breaks nobody"
    )  # the old name left in old messages: BirthRegistered is open, new readers ignore it
    assert as_json.returncode == 1
    (found,) = json.loads(as_json.stdout)["incompatibilities"]
    assert (found["message"], found["field"], found["who"]) == (
        BIRTH_REGISTERED,
        "data.registration_number",
        ["gateway", "population"],
    )


def test_misuse_is_a_usage_error(exported: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    runs = {
        "no baseline": lienthong("contracts", "check", cwd=tmp_path),
        "missing": lienthong("contracts", "check", "--against", "nowhere", cwd=tmp_path),
        "empty": lienthong("contracts", "check", "--against", "empty", cwd=tmp_path),
        "mode": lienthong(
            "contracts", "check", "--against", str(exported), "--mode", "SIDEWAYS", cwd=tmp_path
        ),
    }

    assert {name: done.returncode for name, done in runs.items()} == dict.fromkeys(runs, 2)
    assert "--against DIR" in runs["no baseline"].stderr
    assert "nowhere does not exist" in runs["missing"].stderr
    assert "holds no contracts" in runs["empty"].stderr
    assert "unknown mode 'SIDEWAYS'" in runs["mode"].stderr
