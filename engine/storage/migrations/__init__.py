"""Numbered SQL migrations, one folder per dialect, applied in order at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True, order=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations(dialect: str) -> list[Migration]:
    """The migrations of one dialect (`sqlite`, `postgres`), in order: `0001_name.sql` …"""
    folder = resources.files(__name__) / dialect
    found = [
        Migration(int(entry.name.split("_", 1)[0]), entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found)
