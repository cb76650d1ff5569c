"""POST /api/v1/dossiers in-process: every refusal is a field-level 4xx that creates nothing.

The gateway checks dates against the SIMULATED clock's date in Vietnam, never the machine's:
a birth dated yesterday (simulated) is accepted whatever the real date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlmodel import select

from lienthong.runtime.service import Service
from lienthong.runtime.tables import OutboxMessage
from services.gateway.models import Dossier
from tests.integration.conftest import NOW, frozen_clock
from tests.integration.helpers import DOSSIERS, count, load_example, standalone_gateway

VIETNAM = timezone(timedelta(hours=7))
_DELETE = object()


@pytest_asyncio.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    """A gateway alone, its clock frozen at NOW (Monday 16/11/2026 09:30 in Vietnam)."""
    async with standalone_gateway(tmp_path, frozen_clock(NOW)) as started:
        yield started


def changed(form: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``form`` with the field at dotted ``path`` set to ``value`` (or deleted)."""
    *parents, last = path.split(".")
    target = form
    for part in parents:
        target = target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return form


async def assert_refused(
    service: Service, client: httpx.AsyncClient, body: Any, loc: list[Any], words: str = ""
) -> list[dict[str, Any]]:
    """``body`` gets a 422 naming ``loc`` (with ``words`` in its message) and nothing is stored."""
    response = await client.post(DOSSIERS, json=body)
    assert response.status_code == 422, response.text
    errors: list[dict[str, Any]] = response.json()["detail"]
    matching = [e for e in errors if e["loc"] == loc]
    assert matching, errors
    assert any(words.lower() in e["msg"].lower() for e in matching), matching
    assert await count(service.db, Dossier) == 0
    assert await count(service.db, OutboxMessage) == 0
    return errors


# The example birth: mother 001301894721 born 2001-07-26 (female, 2000s → digit 3, year 01),
# father 001200842560 born 2000-11-12, child born 2026-11-02 in commune 09634 (Hà Nội).
BIRTH_CASES = [
    ("mother.personal_id", "00130189472", ["body", "mother", "personal_id"], "12 digits"),
    ("mother.personal_id", "0013018947a1", ["body", "mother", "personal_id"], "12 digits"),
    # Digit 4 = 2: a man born in the 2000s, but the mother is a woman.
    ("mother.personal_id", "001201894721", ["body", "mother", "personal_id"], "female"),
    # Digits 5-6 = 09: born 2009, but the declared date of birth is 2001.
    ("mother.personal_id", "001309894721", ["body", "mother", "personal_id"], "2001"),
    # Digit 4 = 1: a woman, but the father is a man.
    ("father.personal_id", "001195533216", ["body", "father", "personal_id"], "male"),
    ("requester.personal_id", "1234", ["body", "requester", "personal_id"], "12 digits"),
    # Born on the same day as the child, or after: impossible for a parent.
    ("mother.date_of_birth", "2026-11-03", ["body", "mother", "date_of_birth"], "before"),
    ("father.date_of_birth", "2026-11-02", ["body", "father", "date_of_birth"], "before"),
    ("child.date_of_birth", "2999-01-01", ["body", "child", "date_of_birth"], "future"),
    # Tomorrow on the simulated clock, though already past on the real one (written 12/2026).
    ("child.date_of_birth", "2026-11-17", ["body", "child", "date_of_birth"], "future"),
    ("residence.commune_code", "99999", ["body", "residence", "commune_code"], "commune"),
    # Phường Phúc Xá (00001) was merged whole into phường Hồng Hà (00097) on 1/7/2025
    # (Resolution 1656/NQ-UBTVQH15 art. 1 item 14): the answer names it.
    (
        "residence.commune_code",
        "00001",
        ["body", "residence", "commune_code"],
        "became 00097 Phường Hồng Hà",
    ),
    (
        "child.birthplace.commune_code",
        "99999",
        ["body", "child", "birthplace", "commune_code"],
        "commune",
    ),
    ("child.hometown_province_code", "99", ["body", "child", "hometown_province_code"], "province"),
    (
        "residence.household_head_consent",
        False,
        ["body", "residence", "household_head_consent"],
        "agree",
    ),
    ("child.sex", "unknown", ["body", "child", "sex"], "male"),
    ("mother", _DELETE, ["body", "mother"], "required"),
    ("child.date_of_birth", _DELETE, ["body", "child", "date_of_birth"], "required"),
    ("kind", "marriage", ["body"], "marriage"),
    ("surprise", "field", ["body", "surprise"], "extra"),
    ("child.eye_colour", "brown", ["body", "child", "eye_colour"], "extra"),
    # A name of combining marks only (U+0301, or spaces and marks): no letter to sit on.
    ("mother.full_name", "\u0301", ["body", "mother", "full_name"], "combining mark"),
    ("child.given_name", " \u0301\u0300 ", ["body", "child", "given_name"], "combining mark"),
    # 101 letters, however few code points NFC makes of them.
    ("child.given_name", "\u1ec5" * 101, ["body", "child", "given_name"], "at most 100"),
]


@pytest.mark.parametrize(("path", "value", "loc", "words"), BIRTH_CASES)
async def test_invalid_birth_dossier_gets_a_field_level_422(
    gateway: tuple[Service, httpx.AsyncClient], path: str, value: Any, loc: list[str], words: str
) -> None:
    service, client = gateway
    await assert_refused(service, client, changed(load_example(), path, value), loc, words)


# The insured example death: deceased 011175367300 (female, 1975-12-28), died 2026-11-15,
# death notice issued 2026-11-16.
DEATH_CASES = [
    ("date_of_death", "2026-11-17", ["body", "date_of_death"], "future"),
    ("death_notice.issued_on", "2026-11-17", ["body", "death_notice", "issued_on"], "future"),
    ("date_of_death", "1975-12-27", ["body", "date_of_death"], "before the date of birth"),
    ("death_notice.issued_on", "2026-11-14", ["body", "death_notice", "issued_on"], "predates"),
    ("place_of_death.commune_code", "99999", ["body", "place_of_death", "commune_code"], "commune"),
    # Digit 4 = 0 means a man born in the 1900s; the deceased is a woman.
    ("deceased.personal_id", "011075367300", ["body", "deceased", "personal_id"], "female"),
    ("deceased.personal_id", "01117536730", ["body", "deceased", "personal_id"], "12 digits"),
    ("deceased", _DELETE, ["body", "deceased"], "required"),
    ("deceased.full_name", "\u0301", ["body", "deceased", "full_name"], "combining mark"),
]


@pytest.mark.parametrize(("path", "value", "loc", "words"), DEATH_CASES)
async def test_invalid_death_dossier_gets_a_field_level_422(
    gateway: tuple[Service, httpx.AsyncClient], path: str, value: Any, loc: list[str], words: str
) -> None:
    service, client = gateway
    form = changed(load_example("death-insured"), path, value)
    await assert_refused(service, client, form, loc, words)


async def test_every_door_problem_is_listed_at_once(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    form = load_example()
    form["residence"]["commune_code"] = "99999"
    form["residence"]["household_head_consent"] = False
    form["child"]["date_of_birth"] = "2026-12-01"
    errors = await assert_refused(service, client, form, ["body", "residence", "commune_code"])
    assert {tuple(e["loc"]) for e in errors} >= {
        ("body", "residence", "commune_code"),
        ("body", "residence", "household_head_consent"),
        ("body", "child", "date_of_birth"),
    }


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (b"not json", ["body", 0]),
        (b"[]", ["body"]),
        (b'"text"', ["body"]),
        (b"null", ["body"]),
        (b"{}", ["body"]),
        (b'{"kind": 5}', ["body"]),
        (b'{"kind": "marriage"}', ["body"]),
        (b'{"kind": "birth"}', ["body", "mother"]),
    ],
)
async def test_garbage_bodies_are_422_never_5xx(
    gateway: tuple[Service, httpx.AsyncClient], body: bytes, loc: list[Any]
) -> None:
    service, client = gateway
    response = await client.post(
        DOSSIERS, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert loc in [e["loc"] for e in response.json()["detail"]]
    assert await count(service.db, Dossier) == 0


async def test_a_key_reused_for_another_form_is_409(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    first = await client.post(DOSSIERS, json=load_example(), headers={"Idempotency-Key": "k-1"})
    again = await client.post(DOSSIERS, json=load_example(), headers={"Idempotency-Key": "k-1"})
    other = changed(load_example(), "child.given_name", "Bình")
    conflict = await client.post(DOSSIERS, json=other, headers={"Idempotency-Key": "k-1"})

    assert first.status_code == again.status_code == 202
    assert again.json()["dossier_id"] == first.json()["dossier_id"]
    assert conflict.status_code == 409, conflict.text
    assert [e["loc"] for e in conflict.json()["detail"]] == [["header", "Idempotency-Key"]]
    assert first.json()["dossier_id"] in conflict.json()["detail"][0]["msg"]
    assert await count(service.db, Dossier) == 1


async def test_a_client_reference_reused_for_another_form_is_409(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    form = changed(load_example(), "reference", "HS-2026-000123")
    other = changed(load_example(), "reference", "HS-2026-000123")
    other["child"]["given_name"] = "Bình"

    assert (await client.post(DOSSIERS, json=form)).status_code == 202
    assert (await client.post(DOSSIERS, json=other)).status_code == 409
    assert await count(service.db, Dossier) == 1


async def test_an_nfd_name_at_the_length_limit_is_accepted_and_stored_in_nfc(
    gateway: tuple[Service, httpx.AsyncClient],
) -> None:
    service, client = gateway
    nfd = "e\u0302\u0303" * 100  # "ễ" × 100 decomposed: 300 code points, 100 letters
    response = await client.post(DOSSIERS, json=changed(load_example(), "child.given_name", nfd))
    assert response.status_code == 202, response.text
    async with service.db.read_session() as session:
        [dossier] = (await session.exec(select(Dossier))).all()
    assert dossier.form["child"]["given_name"] == "\u1ec5" * 100


def birth_on(born: str) -> dict[str, Any]:
    return changed(load_example(), "child.date_of_birth", born)


async def test_a_birth_dated_yesterday_is_accepted_whatever_the_real_date(
    tmp_path: Path,
) -> None:
    # Simulated Tuesday 12/01/2027 10:00 in Vietnam: after the real date this was written.
    at = datetime(2027, 1, 12, 10, 0, tzinfo=VIETNAM)
    async with standalone_gateway(tmp_path, frozen_clock(at)) as (service, client):
        yesterday = await client.post(DOSSIERS, json=birth_on("2027-01-11"))
        today = await client.post(DOSSIERS, json=birth_on("2027-01-12"))
        tomorrow = await client.post(DOSSIERS, json=birth_on("2027-01-13"))

        assert yesterday.status_code == 202, yesterday.text
        assert today.status_code == 202, today.text
        assert tomorrow.status_code == 422, tomorrow.text
        locs = [e["loc"] for e in tomorrow.json()["detail"]]
        assert locs == [["body", "child", "date_of_birth"]]
        assert "2027-01-12" in tomorrow.json()["detail"][0]["msg"]  # "today is …"
        assert await count(service.db, Dossier) == 2


async def test_today_is_the_date_in_vietnam_not_in_utc(tmp_path: Path) -> None:
    # 16/11 18:30 UTC is already Tuesday 17/11 01:30 in Vietnam (UTC+7).
    at = datetime(2026, 11, 16, 18, 30, tzinfo=UTC)
    async with standalone_gateway(tmp_path, frozen_clock(at)) as (_service, client):
        born_today = await client.post(DOSSIERS, json=birth_on("2026-11-17"))
        born_tomorrow = await client.post(DOSSIERS, json=birth_on("2026-11-18"))

    assert born_today.status_code == 202, born_today.text
    assert born_tomorrow.status_code == 422
    assert [e["loc"] for e in born_tomorrow.json()["detail"]] == [
        ["body", "child", "date_of_birth"]
    ]
