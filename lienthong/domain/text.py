"""Vietnamese text normalisation shared by every agency.

Names reach the linkage from several systems (the portal, VNeID, hospital software for the
giấy chứng sinh / giấy báo tử, the civil-status software of Bộ Tư pháp). Some send Unicode NFC
(precomposed "ễ"), others NFD ("e" + combining marks), and hand-typed forms carry stray
spaces. Comparing raw strings would make the same person look like two people, so every
comparison and every stored value goes through :func:`nfc`. A name is never rejected for its
normal form.
"""

from __future__ import annotations

import unicodedata

__all__ = ["nfc", "same_name"]


def nfc(value: str) -> str:
    """Return ``value`` in NFC with outer whitespace stripped and inner runs collapsed.

    Why: the population database (CSDL quốc gia về dân cư) stores NFC, and two spaces typed
    between "Nguyễn" and "Văn" must not make a different name.
    """
    return " ".join(unicodedata.normalize("NFC", value).split())


def same_name(a: str, b: str) -> bool:
    """Tell whether two names denote the same text, ignoring normal form, spacing and case.

    Why: cross-checking the parents on Form 01 (tờ khai liên thông) against the population
    database must accept "NGUYỄN THỊ LAN" typed in capitals or sent as NFD.
    """
    # Case folding can decompose a few characters, so normalise again afterwards.
    return _folded(a) == _folded(b)


def _folded(value: str) -> str:
    return unicodedata.normalize("NFC", nfc(value).casefold())
