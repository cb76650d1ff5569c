"""Masking personal data out of log lines: each rule, and what must stay readable."""

from __future__ import annotations

import json

import pytest

from lienthong.runtime.masking import initials, is_name_key, mask, mask_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("citizen 001090012345 not found", "citizen 001********* not found"),
        ("GET /api/v1/citizens/001193671493 200", "GET /api/v1/citizens/001********* 200"),
        ("card TE1790123456789 issued", "card TE179********** issued"),
        ("old card 012345678, new 079301234567", "old card 01*******, new 079*********"),
    ],
)
def test_identifiers_keep_only_their_province_or_group(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_an_id_inside_json_stays_valid_json() -> None:
    line = json.dumps({"personal_id": "001090012345", "card": "TE1790123456789", "n": 3})
    assert json.loads(mask(line)) == {
        "personal_id": "001*********",
        "card": "TE179**********",
        "n": 3,
    }


def test_uuids_and_longer_numbers_are_not_ids() -> None:
    text = "dossier 3f2a1b4c-1234-4abc-8def-001090012345 at 1719800000123 took 0.123456789 s"
    assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("full_name=Châu Văn Minh rejected", "full_name=C. V. M. rejected"),
        ("mother_name='Châu Thị Mai', age=30", "mother_name='C. T. M.', age=30"),
        (
            "{'full_name': 'Châu Thị Mai', 'sex': 'female'}",
            "{'full_name': 'C. T. M.', 'sex': 'female'}",
        ),
        ('{"childFullName": "Châu Bảo An"}', '{"childFullName": "C. B. A."}'),
        ("name=None service_name=gateway", "name=None service_name=gateway"),
    ],
)
def test_name_fields_become_initials_whatever_the_family_name(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_pydantic_echoes_of_the_input_are_masked_entirely() -> None:
    error = (
        "1 validation error for Person\nfull_name\n  String should have at most 5 characters "
        "[type=string_too_long, input_value='Châu Văn Minh 12 Lê Lợi', input_type=str]"
    )
    assert "input_value=***, input_type=str]" in mask(error)
    assert "Châu" not in mask(error)
    listed = "[{'type': 'missing', 'loc': ('id',), 'input': {'x': 'Châu Minh'}, 'url': 'u'}]"
    assert mask(listed) == "[{'type': 'missing', 'loc': ('id',), 'input': ***, 'url': 'u'}]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mẹ là Nguyễn Thị Lan, cha Trần Văn Hùng", "mẹ là N. T. L., cha T. V. H."),
        ("Đặng Thu Hà đã mất", "Đ. T. H. đã mất"),
        ("NGUYỄN VĂN AN", "N. V. A."),
        ("Nguyen Van An (no diacritics)", "N. V. A. (no diacritics)"),
        ("Lê do Phạm Minh Anh", "Lê do P. M. A."),
    ],
)
def test_names_led_by_a_family_name_become_initials(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "sinh tại Thanh Hóa",
        "Thành phố Hồ Chí Minh và Tỉnh Cao Bằng, Lâm Đồng, Hà Nội",
        "12 Lê Lợi, Phường Hoàng Mai",
        "thường trú tại phường Hoàng Liệt, đường Lê Duẩn",
        "Thanh Hoá",
    ],
)
def test_place_names_are_left_alone(text: str) -> None:
    assert mask(text) == text


def test_a_traceback_is_masked_like_a_message() -> None:
    try:
        raise LookupError("no citizen 001090012345 named Nguyễn Thị Lan")
    except LookupError:
        import traceback

        text = traceback.format_exc()
    assert "LookupError: no citizen 001********* named N. T. L." in mask(text)


def test_structured_values_are_masked_by_key_and_by_content() -> None:
    assert mask_value("full_name", "Châu Văn Minh") == "C. V. M."
    assert mask_value("error", "pid 001090012345") == "pid 001*********"
    assert mask_value("citizen", 1090012345) == 1090012345  # ten digits: not an ID rule
    assert mask_value("ids", [1234567890123, 123456789]) == [1234567890123, "12*******"]
    assert mask_value("nested", {"mother_name": "Châu Thị Mai"}) == {"mother_name": "C. T. M."}
    assert mask_value("latency_s", 0.42) == 0.42


def test_what_counts_as_a_name() -> None:
    assert initials("Nguyễn Thị Lan") == "N. T. L."
    assert is_name_key("father_full_name") and is_name_key("familyName")
    assert not is_name_key("service_name") and not is_name_key("hostname")
