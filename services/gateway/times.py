"""Stored times are UTC; SQLite hands them back naive. One place puts them back in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC: a naive time is a stored UTC time, an aware one is converted."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    """:func:`utc` of a time that may be missing."""
    return utc(moment) if moment is not None else None
