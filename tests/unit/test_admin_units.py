"""Administrative units after Decision 19/2025/QĐ-TTg: 34 provinces, 3,321 communes."""

import unicodedata

import pytest

from lienthong.domain.admin_units import (
    AdminUnits,
    Commune,
    Province,
    _parse,
    load_admin_units,
)
from lienthong.domain.personal_id import OLD_PROVINCE_CODES


def test_counts() -> None:
    units = load_admin_units()
    assert len(units.provinces()) == 34
    assert len(units.communes()) == 3321
    assert sum(len(units.communes_of(p.code)) for p in units.provinces()) == 3321


def test_known_provinces() -> None:
    units = load_admin_units()
    assert units.province("01") == Province(code="01", name="Thành phố Hà Nội")
    assert units.province("79") == Province(code="79", name="Thành phố Hồ Chí Minh")
    assert units.province("08") == Province(code="08", name="Tỉnh Tuyên Quang")
    # Hà Giang (02) and Bình Dương (74) were merged away in 2025.
    assert units.province("02") is None
    assert units.province("74") is None


def test_known_commune() -> None:
    units = load_admin_units()
    assert units.commune("00004") == Commune(
        code="00004", name="Phường Ba Đình", province_code="01"
    )
    assert units.commune("99999") is None
    assert units.commune("4") is None


def test_communes_of() -> None:
    units = load_admin_units()
    hanoi = units.communes_of("01")
    assert len(hanoi) == 126
    assert all(c.province_code == "01" for c in hanoi)
    assert [c.code for c in hanoi] == sorted(c.code for c in hanoi)
    assert len(units.communes_of("79")) == 168
    assert units.communes_of("99") == []


def test_codes_and_names_are_well_formed() -> None:
    units = load_admin_units()
    codes = [p.code for p in units.provinces()]
    assert codes == sorted(codes)
    assert set(codes) <= OLD_PROVINCE_CODES
    for commune in units.communes():
        assert len(commune.code) == 5 and commune.code.isdigit()
        assert units.province(commune.province_code) is not None
        assert unicodedata.is_normalized("NFC", commune.name)
    for province in units.provinces():
        assert unicodedata.is_normalized("NFC", province.name)


def test_load_is_cached_and_lists_are_copies() -> None:
    units = load_admin_units()
    assert load_admin_units() is units
    units.provinces().clear()
    units.communes_of("01").clear()
    assert len(units.provinces()) == 34
    assert len(units.communes_of("01")) == 126


def test_commune_of_unknown_province_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown province"):
        AdminUnits([], [Commune(code="00004", name="Phường Ba Đình", province_code="01")])


def test_names_are_stored_nfc_from_nfd_input() -> None:
    raw = [
        {
            "Code": "01",
            "FullName": "Tha\u0300nh pho\u0302\u0301  Ha\u0300 No\u0323\u0302i",
            "Wards": [
                {
                    "Code": "00004",
                    "FullName": "Phu\u031bo\u031b\u0300ng Ba \u0110i\u0300nh",
                    "ProvinceCode": "01",
                }
            ],
        }
    ]
    units = _parse(raw)
    assert units.province("01") == Province(code="01", name="Th\u00e0nh ph\u1ed1 H\u00e0 N\u1ed9i")
    assert units.commune("00004") == Commune(
        code="00004", name="Ph\u01b0\u1eddng Ba \u0110\u00ecnh", province_code="01"
    )


def test_malformed_data_is_rejected() -> None:
    with pytest.raises(ValueError):
        _parse({"Code": "01"})
    with pytest.raises(ValueError):
        _parse([{"Code": "01"}])
