"""Free text and names on the forms: NFC on input, lengths counted on the NFC text.

One piece of metadata, :class:`NfcText`, makes every free-text field of Form 01 and Form 02 (and
the declarations they carry onwards) behave the same:

* the value is put in NFC *before* any other check, so "Nguyễn" sent as NFD (9 code points)
  counts as the 6 letters it is, and a 100-letter name in NFD is not refused as 150 code
  points long — the domain primer: "never reject a name for its normal form";
* the value stored is the NFC of what the user wrote, outer whitespace stripped: no other
  rewriting (the tone-mark placement of "Thuỳ" is kept; comparisons use ``name_key``);
* names (``name=True``) also get one space between words, and a word that begins with a
  combining mark — a "name" of only U+0301, or of spaces and marks — is refused: the mark sits
  on no letter.

Pydantic's own ``max_length`` counts the raw input, before any ``AfterValidator``; this builds the
schema the other way round (normalise, then the string's limits), keeping the JSON schema a plain
``{"type": "string", "minLength": …, "maxLength": …}``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, GetCoreSchemaHandler
from pydantic_core import core_schema

from lienthong.domain.text import bare_combining_mark, nfc

__all__ = ["MiddleName", "Name", "NfcText"]


@dataclass(frozen=True, slots=True)
class NfcText:
    """``Annotated[str, NfcText(max_length=…)]``: NFC first, then the limits on the NFC text."""

    max_length: int
    min_length: int | None = None
    name: bool = False
    """A person's or place's name: inner whitespace collapsed, bare combining marks refused."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """The string schema with its limits, behind the normalisation (and the name check)."""
        limited: core_schema.CoreSchema = core_schema.str_schema(
            min_length=self.min_length, max_length=self.max_length
        )
        if self.name:
            limited = core_schema.no_info_after_validator_function(_letter_first, limited)
        normalise = _name_input if self.name else _text_input
        return core_schema.no_info_before_validator_function(normalise, limited)


def _text_input(value: Any) -> Any:
    """Free text: NFC, outer whitespace stripped; anything not a string is left to be refused."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def _name_input(value: Any) -> Any:
    """A name: NFC with one space between words (:func:`~lienthong.domain.text.nfc`)."""
    return nfc(value) if isinstance(value, str) else value


def _letter_first(value: str) -> str:
    if bare_combining_mark(value):
        raise ValueError("a name must be made of letters: a combining mark here sits on no letter")
    return value


Name = Annotated[
    str,
    NfcText(max_length=100, min_length=1, name=True),
    Field(description="Name, NFC or NFD; stored in NFC."),
]
"""A required name of at most 100 letters, counted in NFC."""

MiddleName = Annotated[str, NfcText(max_length=100, name=True)]
"""A name part that may be empty (chữ đệm)."""
