"""Counts with the right noun, lists read aloud, and dates that do not depend on the locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from engine.text.counts import count, join_words, plural, some_of
from engine.text.dates import day_label, local_label, month_label


def test_singular_and_plural() -> None:
    assert [count(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert count(1, "reply") == "1 reply"
    assert count(3, "reply") == "3 replies"
    assert count(2, "person") == "2 people"
    assert count(1_200, "drill") == "1,200 drills"
    assert count(-1, "point") == "-1 points"
    assert count(2, "datum", "data") == "2 data"
    assert count(1, "datum", "data") == "1 datum"
    assert plural("hint", 1) == "hint"
    assert plural("hint", 3) == "hints"


def test_lists() -> None:
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"], "or") == "a, b or c"
    assert some_of(["A", "B", "C", "D"], 2, "drill") == "A, B and 2 more drills"
    assert some_of(["A", "B", "C"], 2, "drill") == "A, B and 1 more drill"
    assert some_of(["A", "B"], 2, "drill") == "A and B"


def test_dates_in_plain_english() -> None:
    assert day_label(date(2026, 3, 3)) == "Tuesday 3 March"
    assert month_label(date(2026, 12, 31)) == "December 2026"
    berlin = ZoneInfo("Europe/Berlin")
    assert local_label(datetime(2026, 3, 29, 6, 0, tzinfo=UTC), berlin) == (
        "Sunday 29 March at 08:00 Europe/Berlin"
    )
