"""Old and new tone-mark placement are one name; different tones are not.

Expected values are written with explicit code points, by hand, so the test does not lean on the
normaliser under test: "\u00f9" is "ù" (precomposed), "u\u0300" is "u" + combining grave.
"""

from __future__ import annotations

import pytest

from lienthong.domain.text import name_key, same_name
from lienthong.domain.tone_marks import first_letter_placement

# (mark on the main vowel, mark on the first letter), both NFC.
PAIRS = [
    ("Thu\u1ef3", "Th\u00f9y"),  # Thuỳ / Thùy
    ("Ho\u00e0", "H\u00f2a"),  # Hoà / Hòa
    ("Thanh Ho\u00e1", "Thanh H\u00f3a"),  # Thanh Hoá / Thanh Hóa
    ("Kho\u1ebb", "Kh\u1ecfe"),  # Khoẻ / Khỏe
    ("U\u1ef7 ban", "\u1ee6y ban"),  # Uỷ ban / Ủy ban: no consonant before the cluster
    ("THU\u1ef2", "TH\u00d9Y"),  # THUỲ / THÙY
]


@pytest.mark.parametrize(("main_vowel", "first_letter"), PAIRS)
def test_both_placements_are_the_same_name(main_vowel: str, first_letter: str) -> None:
    assert main_vowel != first_letter
    assert same_name(main_vowel, first_letter)
    assert name_key(main_vowel) == name_key(first_letter)


@pytest.mark.parametrize(("main_vowel", "first_letter"), PAIRS)
def test_the_placement_moves_the_mark_to_the_first_letter(
    main_vowel: str, first_letter: str
) -> None:
    assert first_letter_placement(main_vowel) == first_letter
    assert first_letter_placement(first_letter) == first_letter


def test_nfd_of_either_placement_is_the_same_name() -> None:
    thuy_main_nfd = "Thuy\u0300"  # Thuỳ, the grave after "y"
    thuy_first_nfd = "Thu\u0300y"  # Thùy, the grave after "u"
    assert same_name(thuy_main_nfd, "Th\u00f9y")
    assert same_name(thuy_first_nfd, "Thu\u1ef3")
    assert same_name(thuy_main_nfd, thuy_first_nfd)
    assert first_letter_placement(thuy_main_nfd) == "Th\u00f9y"


def test_the_key_of_a_full_name() -> None:
    assert name_key("  NGUY\u1ec4N   THU\u1ef2 Linh ") == "nguy\u1ec5n th\u00f9y linh"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoa", "H\u00f2a"),  # level tone vs huyền
        ("H\u00f2a", "H\u00f3a"),  # huyền vs sắc
        ("Ho\u00e0", "Ho\u00e1"),  # the same, new placement
        ("Thu\u1ef3", "Thu\u1ef7"),  # Thuỳ vs Thuỷ
        ("Kh\u1ecfe", "Kh\u1ecde"),  # Khỏe vs Khọe
    ],
)
def test_different_tones_are_different_names(a: str, b: str) -> None:
    assert not same_name(a, b)


@pytest.mark.parametrize(
    "word",
    [
        "Ho\u00e0ng",  # Hoàng: a final consonant, the mark on "a" in both conventions
        "Hu\u1ef3nh",  # Huỳnh
        "ho\u00e0i",  # hoài: a vowel after the cluster
        "xo\u00e1y",  # xoáy
        "khu\u1ef7u",  # khuỷu
        "qu\u00fd",  # quý: "qu" is the consonant, "y" the only vowel
        "qu\u00e0",  # quà: the "ua" rule, not ours
        "gi\u00e1",  # giá: "gi" is the consonant
        "c\u1ee7a",  # của
        "thu\u1ebf",  # thuế: "uê", the mark on ê in both conventions
        "Hoa",  # no tone at all
        "Nguy\u1ec5n",
    ],
)
def test_syllables_where_both_conventions_agree_are_left_alone(word: str) -> None:
    assert first_letter_placement(word) == word


def test_quy_is_not_taken_for_the_uy_cluster() -> None:
    assert not same_name("Qu\u00fd", "Q\u00fay")  # qúy is no spelling of quý
    assert same_name("Qu\u00fd", "QU\u00dd")
