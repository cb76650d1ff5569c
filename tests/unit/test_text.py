"""Names arrive in NFC and NFD: they must compare equal and be stored NFC."""

import unicodedata

from lienthong.domain.text import nfc, same_name

# Written with explicit code points so the test does not rely on the normaliser under test.
NGUYEN_NFC = "Nguy\u1ec5n"  # precomposed "ễ"
NGUYEN_NFD = "Nguye\u0302\u0303n"  # "e" + combining circumflex + combining tilde


def test_nfd_name_normalises_to_precomposed_form() -> None:
    assert NGUYEN_NFC != NGUYEN_NFD
    assert nfc(NGUYEN_NFD) == NGUYEN_NFC
    assert len(nfc(NGUYEN_NFD)) == 6


def test_nfc_strips_and_collapses_whitespace() -> None:
    assert nfc("  Nguy\u1ec5n   V\u0103n\tAn \n") == "Nguy\u1ec5n V\u0103n An"


def test_nfc_is_idempotent_and_keeps_clean_text() -> None:
    value = "Tr\u1ea7n Th\u1ecb Lan"
    assert nfc(value) == value
    assert nfc(nfc(value)) == value


def test_nfc_of_blank_is_empty() -> None:
    assert nfc("   ") == ""


def test_same_name_ignores_normal_form() -> None:
    assert same_name(NGUYEN_NFD, NGUYEN_NFC)
    assert same_name("Nguye\u0302\u0303n Th\u1ecb Lan", "Nguy\u1ec5n Thi\u0323 Lan")


def test_same_name_ignores_case_and_spacing() -> None:
    assert same_name("NGUY\u1ec4N  TH\u1eca LAN", " nguy\u1ec5n th\u1ecb lan ")


def test_same_name_distinguishes_diacritics() -> None:
    assert not same_name("Nguy\u1ec5n", "Nguy\u00ean")  # ễ vs ê
    assert not same_name("L\u00ea", "Le")
    assert not same_name("\u0110\u1ed7", "Do")  # Đỗ vs Do


def test_nfc_output_is_normalized() -> None:
    assert unicodedata.is_normalized("NFC", nfc("Ho\u0300ng Th\u1ecb Thu\u0309y"))
