"""Counts with the right form of their noun ("1 day", "2 days") and lists read aloud."""

from __future__ import annotations

from collections.abc import Sequence

# Nouns whose plural is not the singular plus "s"; everything else Rungs counts is regular.
_IRREGULAR = {
    "reply": "replies",
    "entry": "entries",
    "query": "queries",
    "copy": "copies",
    "match": "matches",
    "box": "boxes",
    "person": "people",
}


def plural(noun: str, count: int) -> str:
    """The form of `noun` that goes with `count`: plural("day", 1) is "day", 2 gives "days"."""
    if count == 1:
        return noun
    return _IRREGULAR.get(noun, noun + "s")


def count(number: int, noun: str, plural_form: str | None = None) -> str:
    """ "1 day", "0 days", "2 days", "1,200 drills"; `plural_form` for a noun not known here."""
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {plural_form or plural(noun, number)}"


def join_words(words: Sequence[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c" (no serial comma, as in the rest of Rungs' text)."""
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def some_of(names: Sequence[str], shown: int, noun: str) -> str:
    """The first `shown` names and how many more: "A, B and 3 more drills"."""
    if len(names) <= shown:
        return join_words(names)
    rest = len(names) - shown
    return f"{', '.join(names[:shown])} and {rest:,} more {plural(noun, rest)}"
