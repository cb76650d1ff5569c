"""Vietnamese text normalisation shared by every agency.

Names reach the linkage from several systems (the portal, VNeID, hospital software for the
giấy chứng sinh / giấy báo tử, the civil-status software of Bộ Tư pháp). Some send Unicode NFC
(precomposed "ễ"), others NFD ("e" + combining marks), and hand-typed forms carry stray
spaces. Comparing raw strings would make the same person look like two people, so every
stored value goes through :func:`nfc` and every comparison of names through :func:`name_key`,
which also ignores case and where the tone mark of "oa"/"oe"/"uy" sits ("Thuỳ" = "Thùy",
``tone_marks.py``). A name is never rejected for its normal form nor rewritten to another
spelling: the key is for comparing, what the user wrote is what is stored.
"""

from __future__ import annotations

import unicodedata

from lienthong.domain.tone_marks import first_letter_placement

__all__ = ["bare_combining_mark", "name_key", "nfc", "same_name"]


def nfc(value: str) -> str:
    """Return ``value`` in NFC with outer whitespace stripped and inner runs collapsed.

    Why: the population database (CSDL quốc gia về dân cư) stores NFC, and two spaces typed
    between "Nguyễn" and "Văn" must not make a different name.
    """
    return " ".join(unicodedata.normalize("NFC", value).split())


def name_key(value: str) -> str:
    """The form of a name two registers compare: NFC, one space between words, case folded, and
    the tone mark of every open "oa"/"oe"/"uy" on its first letter ("Thuỳ" and "Thùy" → "thùy").

    Why: the same person is "Nguyễn Thuỳ Linh" on one system and "NGUYỄN THÙY LINH" on another;
    tones still count ("Hoa" and "Hòa" are two names). Never store it in place of the name.
    """
    # Case folding can decompose a few characters, so normalise again afterwards.
    folded = unicodedata.normalize("NFC", nfc(value).casefold())
    return first_letter_placement(folded)


def same_name(a: str, b: str) -> bool:
    """Tell whether two names denote the same name (their :func:`name_key` agree).

    Why: cross-checking the parents on Form 01 (tờ khai liên thông) or the deceased on Form 02
    against the population database must accept "NGUYỄN THỊ LAN" typed in capitals, sent as
    NFD, or "Hoà" where the database says "Hòa".
    """
    return name_key(a) == name_key(b)


def bare_combining_mark(value: str) -> bool:
    """Whether a word of ``value`` starts with a combining mark, which then sits on no letter.

    Why: a "name" of only U+0301 (or spaces and marks) is no name; NFC cannot attach the mark to
    anything, and it would be stored and shown as an empty-looking string.
    """
    return any(unicodedata.category(word[0]).startswith("M") for word in nfc(value).split())
