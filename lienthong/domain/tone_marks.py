"""Where the tone mark sits in "oa", "oe" and "uy": two spellings of one Vietnamese syllable.

Vietnamese writes the same syllable two ways in three vowel clusters, and both are in daily use
in the registers (the domain primer, "Edges"):

* on the first letter — "hòa", "khỏe", "thùy", "Thanh Hóa" — the long-standing habit (Unikey's
  "kiểu cũ"), still in many legal texts ("Luật Thủy sản 2017") and in our synthetic population;
* on the main vowel — "hoà", "khoẻ", "thuỳ", "Thanh Hoá" — what Bộ Giáo dục và Đào tạo
  prescribes: Quyết định 1989/QĐ-BGDĐT of 25/5/2018, art. 8 ("dấu thanh được đặt trên hoặc dưới
  chữ cái ghi âm chính ... hoà nhạc, quý hoá, thuỷ thủ, mạnh khoẻ"; Unikey's "kiểu mới").

The rule the two conventions disagree on, and the only place this module moves a mark: in "oa",
"oe" and "uy" the "o"/"u" is the medial glide (âm đệm) and the "a"/"e"/"y" the main vowel. When the
cluster *ends the syllable* — no final consonant, no vowel after it — the mark may sit on either
letter. Everywhere else both conventions agree and nothing moves:

* a final consonant or vowel puts the mark on the main vowel in both: "hoàng", "khoét",
  "huỳnh", "hoài", "xoáy", "ngoẹo", "khuỷu", "thuyền";
* "qu" and "gi" are consonants: "quý" is q-u + "y" (the mark on "y" in both conventions; "qúy"
  is no spelling of it), and in "gia", "giỏ" the "i" is part of the consonant (that is the
  "ia"/"ua" rule — "kìa", "của", "giá", "quà" — which has no second convention);
* clusters with a modified vowel ("oă", "uâ", "uê", "uô", "uơ") carry the mark on the modified
  vowel in both: "hoặc", "tuần", "thuế".

Names must compare equal whichever convention a clerk's keyboard used, so
:func:`first_letter_placement` rewrites every open "oa"/"oe"/"uy" to one convention. It picks the
first-letter one for a reason of data, not of taste: the keys already stored in it (e.g. the civil
registry's duplicate-birth key of a "Thùy") then stay the same. It is a *comparison* form: what a
user wrote is stored as written (in NFC).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["TONE_MARKS", "first_letter_placement"]

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
"""The five tone marks as combining characters: huyền, sắc, ngã, hỏi, nặng."""

_VOWELS = frozenset("aeiouy")
_OPEN_CLUSTERS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})
_SYLLABLE = re.compile(r"(?:[^\W\d_][\u0300-\u036f]*)+")
"""A run of letters, each with its combining marks (in NFD every Vietnamese mark is one)."""
_LETTER = re.compile(r"[^\W\d_][\u0300-\u036f]*")


def first_letter_placement(text: str) -> str:
    """``text`` in NFC, with the tone mark of every open "oa"/"oe"/"uy" on its first letter.

    "hoà" → "hòa", "THUỲ" → "THÙY", "Thanh Hoá" → "Thanh Hóa", "khoẻ" → "khỏe"; "hoàng",
    "quý" and "Hoa" are left alone. Case is kept.
    """
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _SYLLABLE.sub(_syllable, decomposed))


def _syllable(match: re.Match[str]) -> str:
    letters: list[str] = _LETTER.findall(match.group())
    vowels = [i for i, letter in enumerate(letters) if letter[0].casefold() in _VOWELS]
    if len(vowels) != 2 or vowels != [len(letters) - 2, len(letters) - 1]:
        return match.group()  # not exactly two vowels ending the syllable
    glide, main = letters[-2], letters[-1]
    if (glide[0].casefold(), main[0].casefold()) not in _OPEN_CLUSTERS:
        return match.group()
    if len(letters) > 2 and letters[-3][0].casefold() == "q":
        return match.group()  # "quy": the "u" belongs to "qu", "y" is the only vowel
    marks = glide[1:] + main[1:]
    if len(marks) != 1 or marks not in TONE_MARKS:
        return match.group()  # no tone, or marks that are not one tone: nothing to move
    return "".join(letters[:-2]) + glide[0] + marks + main[0]
