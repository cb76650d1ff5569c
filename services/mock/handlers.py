"""A simulated agency's handlers: every event the agency consumes, answered by the rules.

The real agencies declare one handler per event; a simulated one takes its events from the
catalogue (whatever the agency consumes there, a new version included) and answers each with
its reaction (``answers.py``) as the first matching rule (``rules.py``) says: its decision, its
refusal with the rule's reason, or nothing. It runs on the same runtime as the real agencies —
inbox, outbox, batches, faults, delays — so it delivers the same way they do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from lienthong.contracts import reasons
from lienthong.contracts.catalogue import consumed_by
from lienthong.runtime.handlers import (
    Decisions,
    HandlerContext,
    Message,
    Route,
    ServiceHandlers,
)
from lienthong.runtime.randomness import RandomSource
from lienthong.runtime.settings import ServiceSettings
from services.mock.allocations import StoredAllocator, TakenElsewhere
from services.mock.answers import REACTIONS, AnswerContext, Reaction
from services.mock.rules import Answer, MockRule, choose


class MockHandlers(ServiceHandlers):
    """Answers every event *agency* consumes, from its contract and the configured rules."""

    def __init__(
        self,
        agency: str,
        settings: ServiceSettings,
        rules: Sequence[MockRule],
        randomness: RandomSource,
        taken_elsewhere: TakenElsewhere | None = None,
    ) -> None:
        """*taken_elsewhere* says which identifiers the agency's seeded world already holds."""
        self.service = agency
        self._settings = settings
        self._rules = [rule for rule in rules if rule.agency == agency]
        self._randomness = randomness
        self._taken_elsewhere = taken_elsewhere

    def routes(self) -> dict[str, Route]:
        """One route per event type the agency consumes in the catalogue."""
        return {spec.type: Route(spec, self._answer) for spec in consumed_by(self.service)}

    def reaction(self, payload: type[BaseModel]) -> Reaction:
        """How this agency answers an event of *payload*'s model."""
        return REACTIONS[(self.service, payload)]

    async def _answer(
        self, session: AsyncSession, message: Message[Any], context: HandlerContext
    ) -> Decisions:
        """The decision, the refusal or nothing, as the first rule that picks this dossier says."""
        event, payload = message.event, message.payload
        reaction = self.reaction(type(payload))
        rule = choose(self._rules, self.service, event.type, message.dossier_id, self._randomness)
        if rule is not None and rule.answer is Answer.SILENT:
            return []
        if rule is not None and rule.answer is Answer.REFUSE:
            code = reasons.CATALOGUE[rule.argument or ""]
            reason = code.reason("simulated agency, rule " + str(rule))
            return [reaction.refusal(dossier_id=message.dossier_id, reason=reason)]
        answer = AnswerContext(
            today=context.today,
            rng=self._randomness.derive("mock", self.service, event.id),
            settings=self._settings,
            allocate=StoredAllocator(session, self._taken_elsewhere),
        )
        return [await reaction.accept(payload, answer)]
