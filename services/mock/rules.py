"""How a simulated agency answers: rules a tester configures (``lienthong up --mock RULE``).

A rule is written so it fits a command line and an environment variable::

    AGENCY[.EVENT]=accept
    AGENCY[.EVENT]=refuse:REASON_CODE[@SHARE]
    AGENCY[.EVENT]=silent[@SHARE]
    AGENCY=delay:SPEC            (a bare duration is a fixed delay: delay:2h)

``EVENT`` is the name of an event the agency consumes (``insurance.citizen_registered``), so a
rule can be silent on the cards and still decide the funeral benefits; ``REASON_CODE`` is one of
the agency's codes in the reason catalogue (``GET /api/v1/reasons``), and a refusal answers only
the events of its reason's flow (``not_under_six`` refuses cards, not funeral benefits);
``SHARE`` is the part of the dossiers it applies to (``0.25`` or ``25%``), drawn from the run's
seed and the dossier, so a rerun refuses the same dossiers. The first rule that matches and
draws its dossier decides; an agency with no matching rule accepts. ``delay:SPEC`` is the
agency's processing delay (the spec of ``--delay``, which it replaces), on every answer.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from lienthong.contracts import reasons
from lienthong.contracts.catalogue import consumed_by
from lienthong.contracts.envelope import event_name
from lienthong.contracts.services import AGENCIES
from lienthong.contracts.steps import flow_of
from lienthong.runtime.delays import parse_delay, parse_duration
from lienthong.runtime.randomness import RandomSource

RULES_ENV: Final = "MOCK_RULES"
"""The environment variable a simulated agency reads its rules from (``;``-separated)."""

_RULE = re.compile(
    r"^(?P<agency>[a-z_]+)(?:\.(?P<event>[a-z_]+))?="
    r"(?P<answer>[a-z]+)(?::(?P<argument>[^@]+))?(?:@(?P<share>[0-9.]+%?))?$"
)


class Answer(StrEnum):
    """What a simulated agency does with an event it consumes."""

    ACCEPT = "accept"
    """Decide in the requester's favour, with a schema-valid answer built from the event."""
    REFUSE = "refuse"
    """Send the agency's refusal event with the rule's reason code."""
    SILENT = "silent"
    """Consume and answer nothing: the step stays pending and goes overdue."""
    DELAY = "delay"
    """Answer as usual, that much later in simulated time (the agency's processing delay)."""


@dataclass(frozen=True)
class MockRule:
    """One configured answer of one simulated agency."""

    agency: str
    answer: Answer
    event: str | None = None
    """The consumed event's name (``citizen_registered``); None for every event."""
    argument: str | None = None
    """The reason code of a refusal, the delay spec of a delay."""
    share: float = 1.0

    def __str__(self) -> str:
        """The rule as it is written (what :func:`parse_rule` reads back)."""
        where = f"{self.agency}.{self.event}" if self.event else self.agency
        argument = f":{self.argument}" if self.argument else ""
        share = f"@{self.share!r}" if self.share < 1 else ""
        return f"{where}={self.answer}{argument}{share}"

    def matches(self, agency: str, event_type: str) -> bool:
        """Whether this rule is about *agency* answering an event of *event_type*: a refusal
        only answers the events of its reason's flow (``not_under_six`` refuses cards, never a
        funeral benefit)."""
        if self.agency != agency:
            return False
        if self.event is not None and event_name(event_type) != self.event:
            return False
        return _flow_of_reason(self) in (None, flow_of(event_type))


def _flow_of_reason(rule: MockRule) -> str | None:
    """The flow a refusal's reason belongs to (None: any, or not a refusal)."""
    entry = reasons.CATALOGUE.get(rule.argument or "") if rule.answer is Answer.REFUSE else None
    return entry.flow if entry is not None else None


def parse_rule(text: str) -> MockRule:
    """Read one rule; ValueError says what is wrong and what would be right."""
    match = _RULE.match(text.strip())
    if match is None:
        raise ValueError(
            f"bad rule {text!r}: use AGENCY[.EVENT]=accept|silent|refuse:REASON|delay:SPEC"
            "[@SHARE], e.g. insurance=refuse:not_under_six@25%"
        )
    agency, event, argument = match["agency"], match["event"], match["argument"]
    if agency not in AGENCIES:
        raise ValueError(f"bad rule {text!r}: {agency!r} is not one of {', '.join(AGENCIES)}")
    try:
        answer = Answer(match["answer"])
    except ValueError:
        raise ValueError(f"bad rule {text!r}: the answer is one of {', '.join(Answer)}") from None
    consumed = {event_name(spec.type): spec.type for spec in consumed_by(agency)}
    if event is not None and event not in consumed:
        raise ValueError(f"bad rule {text!r}: {agency} consumes {', '.join(sorted(consumed))}")
    share = _share(text, match["share"])
    if answer is Answer.DELAY and (event is not None or share < 1):
        raise ValueError(f"bad rule {text!r}: a delay applies to every answer of the agency")
    argument = _checked_argument(text, agency, answer, argument)
    rule = MockRule(agency, answer, event, argument, share)
    flow = _flow_of_reason(rule)
    if event is not None and flow not in (None, flow_of(consumed[event])):
        raise ValueError(
            f"bad rule {text!r}: {argument} refuses a {flow} step, and {event} is not one"
        )
    return rule


def _checked_argument(text: str, agency: str, answer: Answer, argument: str | None) -> str | None:
    """A refusal's reason code (one of the agency's), a delay's spec (a bare duration is a
    fixed delay: ``delay:2h``); no other answer takes one."""
    if answer is Answer.REFUSE:
        codes = [entry.code for entry in reasons.by_agency(agency)]
        if argument not in codes:
            raise ValueError(f"bad rule {text!r}: refuse:REASON, one of {', '.join(codes)}")
    elif answer is Answer.DELAY:
        with contextlib.suppress(ValueError):
            parse_duration(argument or "")
            argument = f"fixed:{argument}"
        try:
            parse_delay(argument or "")
        except ValueError as error:
            raise ValueError(f"bad rule {text!r}: {error}") from None
    elif argument is not None:
        raise ValueError(f"bad rule {text!r}: {answer} takes no argument")
    return argument


def _share(text: str, written: str | None) -> float:
    """``0.25`` or ``25%`` → 0.25; the whole when not written."""
    if written is None:
        return 1.0
    try:
        share = float(written[:-1]) / 100 if written.endswith("%") else float(written)
    except ValueError:
        share = -1.0
    if not 0 < share <= 1:
        raise ValueError(f"bad rule {text!r}: the share is in (0, 1] or (0%, 100%]")
    return share


def parse_rules(texts: Iterable[str]) -> list[MockRule]:
    """Read several rules (the ``;``-separated environment form splits into these)."""
    return [parse_rule(text) for text in texts if text.strip()]


def rules_env(rules: Sequence[MockRule]) -> str:
    """The rules as one environment variable's value."""
    return ";".join(str(rule) for rule in rules)


def rules_from_env(value: str) -> list[MockRule]:
    """The rules of :data:`RULES_ENV`; an empty value means "accept everything"."""
    return parse_rules(value.split(";"))


def delay_of(agency: str, rules: Sequence[MockRule]) -> str | None:
    """The processing delay a rule gives *agency*, or None to keep its configured one."""
    delays = [r.argument for r in rules if r.agency == agency and r.answer is Answer.DELAY]
    return delays[-1] if delays else None


def choose(
    rules: Sequence[MockRule],
    agency: str,
    event_type: str,
    dossier_id: str,
    randomness: RandomSource,
) -> MockRule | None:
    """The rule that decides this event, or None to accept it.

    Each rule draws for the dossier with a generator of its own (derived from the seed, the
    rule and the dossier), so adding a rule never changes which dossiers another one picks.
    """
    for rule in rules:
        if rule.answer is Answer.DELAY or not rule.matches(agency, event_type):
            continue
        if (
            rule.share >= 1
            or randomness.derive("mock", str(rule), dossier_id).random() < rule.share
        ):
            return rule
    return None
