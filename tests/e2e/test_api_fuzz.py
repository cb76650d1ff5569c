"""Black-box fuzzing of every service's OpenAPI contract: malformed input is never a 5xx, and
every answer matches the contract.

Schemathesis generates requests from each service's own ``/openapi.json`` (valid and invalid
bodies, paths and queries) against a dedicated running system, so the dossiers it creates
cannot disturb the counts other tests assert. Each response must not be a 5xx, must have the
content type, and its body must validate against the schema its status code documents.

Schemathesis writes its cache and crash reports under ``./.schemathesis`` of its working
directory, so it runs in a temporary one: a test run writes nothing into the checkout, and no
run replays cases remembered from an earlier one. (``--generation-deterministic`` already keeps
Hypothesis's example database off.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lienthong.contracts.services import SERVICE_NAMES
from tests.e2e.helpers import RunningSystem, running_system

pytestmark = pytest.mark.e2e

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def fuzzed_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    with running_system(tmp_path_factory.mktemp("fuzz"), SEED_CITIZENS="500") as running:
        yield running


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_no_input_makes_a_service_answer_5xx_or_off_contract(
    fuzzed_system: RunningSystem, service: str, tmp_path: Path
) -> None:
    command = str(SCHEMATHESIS) if SCHEMATHESIS.exists() else shutil.which("schemathesis")
    assert command, "schemathesis is a dev dependency: run `make test`"

    run = subprocess.run(
        [
            command,
            "run",
            f"{fuzzed_system.urls[service]}/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance",
            "--max-examples",
            "30",
            "--seed",
            "20261122",
            "--generation-deterministic",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
