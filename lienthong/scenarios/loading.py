"""Reading scenario files: YAML in, a :class:`Scenario` out, or every mistake with its line.

PyYAML's composed node tree knows where each key and item sits in the file; pydantic's errors
name the path that failed. Joining the two gives ``birth.yaml:14:7: dossiers[2].defects[0]:
Input should be 'mother_unknown', …`` — the line a tester has to fix, not a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from lienthong.scenarios.model import Scenario

__all__ = ["ScenarioInvalid", "load_scenario", "load_scenario_text"]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One mistake: where (file, line, column, field path) and what."""

    source: str
    line: int
    column: int
    where: str
    message: str

    def __str__(self) -> str:
        field = f" {self.where}:" if self.where else ""
        return f"{self.source}:{self.line}:{self.column}:{field} {self.message}"


class ScenarioInvalid(ValueError):
    """The file is not a valid scenario; ``problems`` lists every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _marks(node: yaml.Node, path: Path_, into: dict[Path_, tuple[int, int]]) -> None:
    """Record the 1-based line and column of every key and item under ``node``."""
    into.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            into[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _marks(value, child, into)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _marks(item, (*path, index), into)


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _where(loc: tuple[str | int, ...], marks: dict[Path_, tuple[int, int]]) -> Path_:
    """The deepest prefix of pydantic's ``loc`` that exists in the file (tags like
    ``birth``/``function-after`` that pydantic inserts are skipped)."""
    path: Path_ = ()
    for part in loc:
        candidate = (*path, part)
        if candidate in marks:
            path = candidate
    return path


def load_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and validate one scenario; :class:`ScenarioInvalid` lists what is wrong."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioInvalid([Problem(source, line, column, "", f"not YAML: {problem}")]) from None
    if node is None or not isinstance(data, dict):
        raise ScenarioInvalid([Problem(source, 1, 1, "", "a scenario is a YAML mapping")])
    marks: dict[Path_, tuple[int, int]] = {}
    _marks(node, (), marks)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            path = _where(tuple(detail["loc"]), marks)
            line, column = marks.get(path, (1, 1))
            message = detail["msg"].removeprefix("Value error, ")
            missing = [p for p in detail["loc"] if p not in path and isinstance(p, str | int)]
            if detail["type"] == "missing" and missing:
                message = f"{missing[-1]!s} is required"
            problems.append(Problem(source, line, column, _dotted(path), message))
        raise ScenarioInvalid(problems) from None


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioInvalid([Problem(str(path), 1, 1, "", f"cannot read: {error}")]) from None
    return load_scenario_text(text, str(path))
