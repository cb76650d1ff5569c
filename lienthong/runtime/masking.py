"""Masking personal data out of log lines (che dữ liệu cá nhân trong nhật ký).

Logs leave the system: they are copied into terminals, tickets and chat. Decree 13/2023/NĐ-CP
counts a personal ID number or a name as personal data, so no log line may carry one in clear.
:func:`mask` is applied to every formatted message, exception text and structured field by
:class:`MaskingFilter` (see :mod:`lienthong.runtime.logs`), and by ``lienthong up`` to whatever a
child prints outside logging. The rules keep what an operator needs to tell records apart (the
province, the card's group) and drop what identifies the person:

===============================  ===================================  =========================
what                             recognised as                        becomes
===============================  ===================================  =========================
personal ID number (định danh)   12 digits, no digit either side      ``001*********`` (the
                                                                      province-of-birth code)
BHYT card code                   2 letters + 13 digits                ``TE179**********`` (group,
                                                                      level, province)
old ID card number (CMND)        9 digits, no digit either side       ``01*******`` (province)
name field                       ``key=value``, ``'key': 'value'``,   initials ``N. V. A.``
                                 ``"key": "value"``, any key ending
                                 in ``name`` but a few technical ones
pydantic's echo of the input     ``input_value=…`` / ``'input': …``   ``***`` (whole value)
a person's name in prose         2–5 capitalised words starting with  initials ``N. T. L.``
                                 a family name of
                                 :data:`~lienthong.synthetic.names.FAMILY_NAMES`
===============================  ===================================  =========================

UUIDs (dossier and event ids) are skipped as a whole, so a digit-only last group is not taken
for an ID number. A surname-led run that is a place — a province, commune or street of the
project's own lists ("Hà Nội", "Hồ Chí Minh", "Lê Lợi"), or one following a place word
("phường Hoàng Mai", "đường Lê Duẩn") — is left alone. The rules err on the side of masking: a
9-digit amount or offset is masked too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Final

from lienthong.synthetic.names import FAMILY_NAME_VALUES, STREETS

__all__ = ["initials", "is_name_key", "mask", "mask_value", "plain"]

_UPPER: Final = "".join(
    c for c in map(chr, [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]) if c.isupper()
)
_WORD: Final = r"[^\W\d_]+"
_CAP_WORD: Final = rf"[{_UPPER}][^\W\d_]*"

_MASKED: Final = "***"

NOT_PERSON_NAMES: Final = frozenset(
    {
        "service_name", "servicename", "facility_name", "hostname", "host_name", "filename",
        "file_name", "topic_name", "logger_name", "event_name", "field_name", "module_name",
        "table_name", "type_name", "province_name", "commune_name", "ward_name", "place_name",
        "street_name", "unit_name", "funcname", "threadname", "processname", "taskname",
        "consumer_name", "group_name", "queue_name", "column_name", "class_name",
    }
)  # fmt: skip
"""Keys that end in ``name`` but never hold a person's name: their values stay readable."""

_IDENTIFIERS: Final = re.compile(
    r"(?P<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"
    r"|(?<![A-Za-z])(?P<bhyt>[A-Za-z]{2}\d{3})\d{10}(?!\d)"
    r"|(?<![\d.])(?P<pid>\d{3})\d{9}(?!\d)"
    r"|(?<![\d.])(?P<cmnd>\d{2})\d{7}(?!\d)"
)
_NINE_DIGITS: Final = re.compile(r"\d{9}")
_PYDANTIC_INPUT: Final = re.compile(
    r"(?P<key>input_value=).*?(?=, input_type=|$)"
    r"|(?P<dkey>['\"]input['\"]\s*:\s*).*?(?=,\s*['\"](?:ctx|url)['\"]\s*:|$)",
    re.MULTILINE,
)
_NAME_FIELD: Final = re.compile(
    r"(?<![\w])(?P<key>(?i:[a-z_]*name))(?P<sep>['\"]?\s*[:=]\s*)"
    r"(?:(?P<q>['\"])(?P<quoted>(?:\\.|(?!(?P=q)).)*)(?P=q)"
    rf"|(?P<bare>[^\s,;)\]}}'\"&]+(?:[ ]{_CAP_WORD})*))"
)
_PLACE_WORDS: Final = frozenset(
    {
        "phường", "xã", "tỉnh", "phố", "đường", "quận", "huyện", "trấn", "tp", "tp.", "thôn",
        "xóm", "ấp", "khu", "làng", "bản", "street", "ward", "province", "commune", "city",
        "road",
    }
)  # fmt: skip
"""A capitalised run right after one of these words is a place, not a person."""
_PLACE_PREFIXES: Final = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")
_BARE_LITERALS: Final = frozenset({"None", "null", "true", "false", "True", "False"})


def plain(text: str) -> str:
    """*text* without diacritics (``Nguyễn`` → ``Nguyen``), as names are typed on some systems."""
    stripped = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in stripped if not unicodedata.combining(c))


def _surname_run() -> re.Pattern[str]:
    """2–5 capitalised words whose first is a family name: title case or capitals, with or
    without diacritics."""
    spellings = {*FAMILY_NAME_VALUES, *(plain(name) for name in FAMILY_NAME_VALUES)}
    surnames = sorted({*spellings, *(name.upper() for name in spellings)}, key=len)
    alternatives = "|".join(re.escape(s) for s in reversed(surnames))
    # The letter-before check is in _mask_run: a pattern that starts with the literals lets
    # the regex engine skip ahead to their first letters, five times faster on a busy log.
    return re.compile(rf"(?:{alternatives})(?:[ ]{_CAP_WORD}){{1,4}}(?![^\W\d_])")


_SURNAME_RUN: Final = _surname_run()
_PREVIOUS_WORD: Final = re.compile(rf"({_WORD}\.?)\s+$")


def initials(value: str) -> str:
    """``Nguyễn Thị Lan`` → ``N. T. L.``: enough to follow one person through a log, no more."""
    return " ".join(f"{word[0]}." for word in re.findall(_WORD, value)) or _MASKED


def is_name_key(key: str) -> bool:
    """Whether a field called *key* holds a person's name (``full_name``, ``motherName``…)."""
    lowered = key.lower()
    return lowered.endswith("name") and lowered not in NOT_PERSON_NAMES


def mask(text: str) -> str:
    """*text* with every personal ID, card code, name field, input echo and name masked."""
    if not text:
        return text
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # Each rule runs only when a cheap test says it may apply: most lines match none.
    if "input" in text:
        text = _PYDANTIC_INPUT.sub(_mask_input, text)
    if "name" in text or "Name" in text or "NAME" in text:
        text = _NAME_FIELD.sub(_mask_field, text)
    if _NINE_DIGITS.search(text):
        text = _IDENTIFIERS.sub(_mask_identifier, text)
    return _SURNAME_RUN.sub(_mask_run, text)


def mask_value(key: str, value: object) -> object:
    """A structured field's value, masked: names by key, strings by :func:`mask`, recursively.

    Numbers that look like an ID number become masked strings rather than leak as numbers.
    """
    if isinstance(value, str):
        return initials(value) if is_name_key(key) and value else mask(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        text = str(value)
        masked = mask(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {str(k): mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [mask_value(key, item) for item in value]
    return mask(str(value))


def _mask_input(match: re.Match[str]) -> str:
    return (match.group("key") or match.group("dkey")) + _MASKED


def _mask_field(match: re.Match[str]) -> str:
    if not is_name_key(match.group("key")):
        return match.group(0)
    head = match.group("key") + match.group("sep")
    quote = match.group("q")
    if quote is not None:
        value = match.group("quoted")
        return f"{head}{quote}{initials(value) if value else ''}{quote}"
    bare = match.group("bare")
    if bare in _BARE_LITERALS or bare.replace(".", "").isdigit():
        return match.group(0)
    return head + initials(bare)


def _mask_identifier(match: re.Match[str]) -> str:
    if match.group("uuid"):
        return match.group(0)
    for group in ("bhyt", "pid", "cmnd"):
        kept = match.group(group)
        if kept is not None:
            return kept + "*" * (len(match.group(0)) - len(kept))
    return match.group(0)  # pragma: no cover - one of the groups always matched


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    start = match.start()
    if start and match.string[start - 1].isalpha():  # inside a word: not a family name
        return run
    before = _PREVIOUS_WORD.search(match.string[max(0, start - 24) : start])
    if before is not None and before.group(1).lower() in _PLACE_WORDS:
        return run
    words = run.split(" ")
    for length in range(len(words), 1, -1):
        if " ".join(words[:length]) in _places():
            rest = " ".join(words[length:])
            return " ".join(part for part in (" ".join(words[:length]), mask(rest)) if part)
    return initials(run)


@cache
def _places() -> frozenset[str]:
    """Province, commune and street names (without "Tỉnh", "Phường"…), loaded on first need."""
    from lienthong.domain.admin_units import load_admin_units

    units = load_admin_units()
    names: Iterable[str] = (
        *(unit.name for unit in units.provinces()),
        *(unit.name for unit in units.communes()),
    )
    places = set(STREETS)
    for name in names:
        for prefix in _PLACE_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        places.add(unicodedata.normalize("NFC", name))
    places |= {_other_tone_style(place) for place in places}
    places |= {plain(place) for place in places}
    return frozenset(places)


def _other_tone_style(place: str) -> str:
    """``Thanh Hoá`` ↔ ``Thanh Hóa``: both placements of the tone mark are in use."""
    swaps = {"oá": "óa", "óa": "oá", "oà": "òa", "òa": "oà", "uỷ": "ủy", "ủy": "uỷ"}
    for old, new in swaps.items():
        if old in place:
            return place.replace(old, new)
    return place
