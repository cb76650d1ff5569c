"""A real dead letter says so in the log: one masked line per message a consumer gave up on."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from lienthong.contracts.catalogue import spec_for_payload
from lienthong.contracts.civil_registry import BirthRegistered
from lienthong.contracts.envelope import CloudEvent
from lienthong.runtime.logs import MaskingFilter, TextFormatter
from tests.integration.conftest import NOW, InProcessSystem
from tests.integration.helpers import process, record_of
from tests.integration.test_poison import births, poison_registry

DOSSIER = "d0551e40-0000-4000-8000-000000000001"
LINE = re.compile(
    r"^\S+ (?P<level>\w+)\s+lienthong\.runtime\.dead_letters: dossier (?P<dossier>\S+) "
    r"(?P<consumer>\w+) (?P<type>\S+) → dead_lettered \((?P<kind>\w+), attempt 1\): "
)


@pytest.fixture
def failure_lines() -> Iterator[io.StringIO]:
    """What the dead-letter logger writes, through the masking filter every service uses."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(TextFormatter())
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("lienthong.runtime.dead_letters")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield output
    logger.setLevel(level)
    logger.removeHandler(handler)


def _matches(output: io.StringIO) -> list[re.Match[str]]:
    lines = output.getvalue().splitlines()
    found = [LINE.match(line) for line in lines]
    assert all(found), lines
    return [match for match in found if match is not None]


async def test_a_poisoned_event_gives_one_line_per_consumer(
    system: InProcessSystem, failure_lines: io.StringIO
) -> None:
    await poison_registry(system, {"poison": "not_json"})

    (dossier_id,) = await births(system, 1)

    found = _matches(failure_lines)
    assert sorted(match["consumer"] for match in found) == ["gateway", "insurance", "population"]
    assert {(m["dossier"], m["type"], m["kind"], m["level"]) for m in found} == {
        (dossier_id, "?", "malformed", "WARNING")  # the type is unknown: the bytes did not parse
    }


async def test_the_input_pydantic_echoes_into_the_error_is_masked(
    system: InProcessSystem, failure_lines: io.StringIO
) -> None:
    # A birth_registered whose payload lacks fields: pydantic's error echoes the whole input,
    # the mother's name and ID number included, and the dead letter keeps that error.
    mother = {"personal_id": "001090012345", "full_name": "Nguyễn Thị Lan"}
    event = CloudEvent(
        id="e0551e40-0000-4000-8000-000000000002",
        source="civil_registry",
        type=spec_for_payload(BirthRegistered).type,
        subject=DOSSIER,
        time=NOW,
        correlationid=DOSSIER,
        data={"mother": mother, "child": {"full_name": "Nguyễn Bảo An"}},
    )

    outcome = await process(system.services["population"], [record_of(event)])

    (letter,) = outcome.dead_letters
    assert "Nguyễn Bảo An" in letter.error  # the dead letter itself keeps what failed
    (line,) = failure_lines.getvalue().splitlines()
    match = LINE.match(line)
    assert match is not None, line
    assert (match["dossier"], match["consumer"], match["type"], match["kind"]) == (
        DOSSIER,
        "population",
        "birth_registered",
        "invalid_payload",
    )
    assert "input_value=***" in line
    assert "001090012345" not in line and "Nguyễn" not in line
