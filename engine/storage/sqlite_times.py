"""Instants as SQLite keeps them: ISO 8601 text in UTC, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(when: datetime) -> str:
    """An aware instant as UTC text (`2026-11-28T09:00:00+00:00`, microseconds when there are
    any); the same text as sqlite.py writes, so instants of all tables compare alike."""
    return when.astimezone(UTC).isoformat()


def instant(text: object) -> datetime:
    """A stored instant back as an aware UTC datetime."""
    return datetime.fromisoformat(str(text))
