"""The steps table agrees with the event catalogue: every decision is its agency's, every event
of a flow has that flow."""

from __future__ import annotations

from lienthong.contracts.catalogue import CATALOGUE, spec_for_type
from lienthong.contracts.dead_letters import DEAD_LETTERED
from lienthong.contracts.steps import STEPS, flow_of


def test_each_steps_decisions_are_sent_by_its_agency() -> None:
    for step in STEPS:
        for type_ in (*step.done_types, *step.refused_types):
            spec = spec_for_type(type_)
            assert spec is not None and spec.producer == step.agency, type_


def test_every_event_but_a_dead_letter_belongs_to_a_flow() -> None:
    flows = {spec.type: flow_of(spec.type) for spec in CATALOGUE}
    assert [t for t, flow in flows.items() if flow is None] == [DEAD_LETTERED]
    assert flows["vn.lienthong.insurance.health_card_issued.v2"] == "birth"
    assert flows["vn.lienthong.population.death_recorded.v1"] == "death"
    assert flow_of("vn.lienthong.tax.unknown.v1") is None
