"""``contracts check`` on changed copies of the real documents: the findings under each mode.

Every expectation here was worked out by hand from the documents (which message carries which
model, who consumes it, whether the model is ``Strict``), never by running the code under test:
BirthRegistered is an open model consumed by gateway and population; ChildInfo is ``Strict`` and
sits in birth_dossier_submitted (civil_registry) and birth_registered; DossierLookup is an open
request model of ``POST /api/v1/dossiers/lookup`` only; Relationship sits in the requester of
both forms, which ``POST /api/v1/dossiers`` and ``POST /api/v1/dossiers/batch`` take.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import pytest

from lienthong.cli.contract_change import Kind
from lienthong.cli.contract_compat import ASYNCAPI, OPENAPI_PREFIX, Documents, Mode, Verdict, check
from lienthong.cli.contract_documents import ASYNCAPI_FILE, OPENAPI_DIR, contract_documents

BIRTH_REGISTERED = "vn.lienthong.civil_registry.birth_registered.v1"
BIRTH_SUBMITTED = "vn.lienthong.gateway.birth_dossier_submitted.v1"
GATEWAY = "openapi/gateway.json"
Finding = tuple[tuple[str, ...], Kind, str, tuple[str, ...]]


@cache
def _documents() -> Documents:
    return contract_documents()


def current() -> Documents:
    """A copy of this tree's documents, to change."""
    return copy.deepcopy(_documents())


def schemas(documents: Documents, name: str = "asyncapi.json") -> dict[str, Any]:
    schemas: dict[str, Any] = documents[name]["components"]["schemas"]
    return schemas


def rename(schema: dict[str, Any], old: str, new: str) -> None:
    """Rename a field of an object schema, keeping its place in ``required``."""
    schema["properties"][new] = schema["properties"].pop(old)
    schema["required"] = [new if name == old else name for name in schema["required"]]


def findings(old: Documents, new: Documents, mode: Mode) -> list[Finding]:
    """(directions, kind, where, who) per incompatibility, in report order."""
    verdict = check([("baseline", old)], new, mode)
    return [
        (tuple(item.why), item.located.change.kind, item.located.where, item.who)
        for item in verdict.incompatibilities
    ]


def verdict(old: Documents, new: Documents, mode: Mode) -> Verdict:
    return check([("baseline", old)], new, mode)


def test_the_check_reads_the_paths_the_export_writes() -> None:
    assert f"{OPENAPI_DIR}/" == OPENAPI_PREFIX
    assert sorted(_documents()) == [
        ASYNCAPI,
        "openapi/civil_registry.json",
        "openapi/gateway.json",
        "openapi/insurance.json",
        "openapi/population.json",
    ]
    assert ASYNCAPI_FILE == ASYNCAPI


def test_the_tree_is_compatible_with_itself_under_every_mode() -> None:
    for mode in Mode:
        result = verdict(current(), current(), mode)
        assert result.incompatibilities == [] and result.compatible == [], mode


def renamed_registration_number() -> Documents:
    new = current()
    rename(schemas(new)["BirthRegistered"], "registration_number", "registration_no")
    return new


def test_renaming_a_required_payload_field_breaks_each_direction_for_its_own_reason() -> None:
    old, new = current(), renamed_registration_number()
    readers = ("gateway", "population")
    added = (
        ("BACKWARD",),
        Kind.FIELD_ADDED,
        f"message {BIRTH_REGISTERED}, payload, field data.registration_no",
        readers,
    )
    removed = (
        ("FORWARD",),
        Kind.FIELD_REMOVED,
        f"message {BIRTH_REGISTERED}, payload, field data.registration_number",
        readers,
    )

    # BirthRegistered is open: the old field left in old messages is ignored by new readers.
    assert findings(old, new, Mode.BACKWARD) == [added]
    assert findings(old, new, Mode.FORWARD) == [removed]
    assert sorted(findings(old, new, Mode.FULL)) == sorted([added, removed])


def test_the_rename_explains_what_why_and_who() -> None:
    result = verdict(current(), renamed_registration_number(), Mode.FULL)
    by_kind = {item.located.change.kind: item for item in result.incompatibilities}

    added = by_kind[Kind.FIELD_ADDED]
    assert added.located.change.what == (
        "`data.registration_no` added (required, string); `data.registration_number` was "
        "removed beside it: a rename `registration_number` → `registration_no`?"
    )
    why = added.why[next(iter(added.why))]
    assert why.startswith(
        "the new contract requires `data.registration_no`, and what was written under the old "
        "contract lacks it, so gateway and population, consuming it on the new contract, reject "
        "the messages already on the topic"
    )
    gone = by_kind[Kind.FIELD_REMOVED]
    assert gone.why[next(iter(gone.why))] == (
        "the old contract requires `data.registration_number`, and what is written under the new "
        "contract lacks it, so gateway and population, consuming it on the old contract, reject "
        "every new message (dead letter: invalid_payload)"
    )


def test_renaming_a_field_of_a_strict_model_breaks_both_directions_in_every_message() -> None:
    old, new = current(), current()
    rename(schemas(new)["ChildInfo"], "date_of_birth", "birth_date")
    expected = []
    for message, readers in (
        (BIRTH_SUBMITTED, ("civil_registry",)),
        (BIRTH_REGISTERED, ("gateway", "population")),
    ):
        at = f"message {message}, payload, field data.child."
        expected += [
            (Kind.FIELD_REMOVED, f"{at}date_of_birth", readers),
            (Kind.FIELD_ADDED, f"{at}birth_date", readers),
        ]

    for mode in (Mode.BACKWARD, Mode.FORWARD):
        found = findings(old, new, mode)
        assert sorted((kind, where, who) for _, kind, where, who in found) == sorted(expected)


def test_an_optional_field_breaks_only_old_readers_of_a_strict_model() -> None:
    old, new = current(), current()
    schemas(new)["BirthRegistered"]["properties"]["note"] = {"type": "string"}
    schemas(new)["ChildInfo"]["properties"]["nickname"] = {"type": "string"}

    assert findings(old, new, Mode.BACKWARD) == []
    assert findings(old, new, Mode.FORWARD) == [
        (
            ("FORWARD",),
            Kind.FIELD_ADDED,
            f"message {message}, payload, field data.child.nickname",
            readers,
        )
        for message, readers in (
            (BIRTH_SUBMITTED, ("civil_registry",)),
            (BIRTH_REGISTERED, ("gateway", "population")),
        )
    ]
    assert len(verdict(old, new, Mode.BACKWARD).compatible) == 3  # note once, nickname twice


def test_a_widened_event_enum_breaks_only_consumers_on_the_old_contract() -> None:
    old, new = current(), current()
    schemas(new)["Benefit"]["enum"].append("cremation_grant")
    where = "message vn.lienthong.insurance.funeral_benefit_decided.v1, payload, field data.benefit"

    assert findings(old, new, Mode.BACKWARD) == []
    assert findings(old, new, Mode.FULL) == [
        (("FORWARD",), Kind.ENUM_VALUES_ADDED, where, ("gateway",))
    ]


def test_a_widened_request_enum_breaks_an_old_server_in_each_form_of_each_operation() -> None:
    old, new = current(), current()
    schemas(new, GATEWAY)["Relationship"]["enum"].append("neighbour")
    field = "requester.relationship"
    expected = [
        (
            ("FORWARD",),
            Kind.ENUM_VALUES_ADDED,
            f"gateway {operation}, request body, field {prefix}(kind={form}).{field}",
            ("clients of gateway",),
        )
        for operation, prefix in (
            ("POST /api/v1/dossiers/batch", "dossiers[].form"),
            ("POST /api/v1/dossiers", ""),
        )
        for form in ("birth", "death")
    ]

    assert findings(old, new, Mode.BACKWARD) == []
    assert sorted(findings(old, new, Mode.FORWARD)) == sorted(expected)


def test_a_new_required_request_field_breaks_old_clients_only() -> None:
    old, new = current(), current()
    lookup = schemas(new, GATEWAY)["DossierLookup"]
    lookup["properties"]["province"] = {"type": "string"}
    lookup["required"].append("province")

    assert findings(old, new, Mode.BACKWARD) == [
        (
            ("BACKWARD",),
            Kind.FIELD_ADDED,
            "gateway POST /api/v1/dossiers/lookup, request body, field province",
            ("clients of gateway",),
        )
    ]
    assert findings(old, new, Mode.FORWARD) == []  # DossierLookup is open: an old server ignores it


def test_a_removed_response_field_breaks_old_clients() -> None:
    old, new = current(), current()
    result = schemas(new, GATEWAY)["DossierLookupResult"]
    del result["properties"]["missing"]
    result["required"].remove("missing")

    assert findings(old, new, Mode.FULL) == [
        (
            ("BACKWARD",),
            Kind.FIELD_REMOVED,
            "gateway POST /api/v1/dossiers/lookup, response 200, field missing",
            ("clients of gateway",),
        )
    ]


def test_a_removed_operation_breaks_old_clients_and_an_added_one_new_clients() -> None:
    old, new = current(), current()
    new[GATEWAY]["paths"]["/api/v1/stats/v2"] = new[GATEWAY]["paths"].pop(
        "/api/v1/stats/throughput"
    )
    clients = ("clients of gateway",)

    assert findings(old, new, Mode.FULL) == [
        (
            ("BACKWARD",),
            Kind.OPERATION_REMOVED,
            "gateway GET /api/v1/stats/throughput",
            clients,
        ),
        (("FORWARD",), Kind.OPERATION_ADDED, "gateway GET /api/v1/stats/v2", clients),
    ]


def test_a_renamed_path_parameter_is_named_as_such() -> None:
    old, new = current(), current()
    paths = new[GATEWAY]["paths"]
    item = paths.pop("/api/v1/dossiers/{dossier_id}")
    item["get"]["parameters"][0]["name"] = "id"
    paths["/api/v1/dossiers/{id}"] = item

    ((directions, kind, where, who),) = findings(old, new, Mode.FULL)
    assert (directions, kind, who) == (
        ("BACKWARD",),
        Kind.PATH_PARAMETER_RENAMED,
        ("clients of gateway",),
    )
    assert where == "gateway GET /api/v1/dossiers/{id}, path parameter {id}"


def test_a_removed_message_breaks_its_consumers_and_the_readers_of_its_topic() -> None:
    old, new = current(), current()
    document = new["asyncapi.json"]
    del document["components"]["messages"]["population.death_record_rejected.v1"]
    del document["channels"]["lienthong.population.events"]["messages"][
        "population.death_record_rejected.v1"
    ]
    where = "message vn.lienthong.population.death_record_rejected.v1"

    assert findings(old, new, Mode.FULL) == [
        (("BACKWARD", "FORWARD"), Kind.MESSAGE_REMOVED, where, ("gateway", "insurance"))
    ]  # BACKWARD: who replays population's topic (gateway, insurance); FORWARD: gateway waits


def test_a_new_message_on_a_topic_breaks_the_old_readers_of_that_topic() -> None:
    """health_card_issued.v2 (issue 10) against a baseline from before it: taken out of a copy."""
    old, new = current(), current()
    document = old["asyncapi.json"]
    del document["components"]["messages"]["insurance.health_card_issued.v2"]
    del document["channels"]["lienthong.insurance.events"]["messages"][
        "insurance.health_card_issued.v2"
    ]

    assert findings(old, new, Mode.BACKWARD) == []
    assert findings(old, new, Mode.FORWARD) == [
        (
            ("FORWARD",),
            Kind.MESSAGE_ADDED,
            "message vn.lienthong.insurance.health_card_issued.v2",
            ("gateway",),
        )
    ]


def test_transitive_modes_check_every_version_and_the_others_only_the_latest() -> None:
    older, latest = renamed_registration_number(), current()
    baselines = [("v1", older), ("v2", latest)]

    assert check(baselines, current(), Mode.BACKWARD).incompatibilities == []
    (broken,) = check(baselines, current(), Mode.BACKWARD_TRANSITIVE).incompatibilities
    assert (broken.baseline, broken.located.change.field) == ("v1", "data.registration_number")
    assert check(baselines, current(), Mode.FULL_TRANSITIVE).baselines == ("v1", "v2")


@pytest.mark.parametrize("mode", list(Mode))
def test_every_mode_checks_the_directions_it_names(mode: Mode) -> None:
    expected = {
        Mode.BACKWARD: ("BACKWARD",),
        Mode.FORWARD: ("FORWARD",),
        Mode.FULL: ("BACKWARD", "FORWARD"),
    }
    base = Mode(mode.value.removesuffix("_TRANSITIVE"))

    assert tuple(mode.directions) == expected[base]
    assert mode.transitive == mode.value.endswith("_TRANSITIVE")
