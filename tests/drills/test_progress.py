"""Progress is computed in the learner's own time zone, and the study list ranks what is missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.progress.summary import Attempt, summarise

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 22, 30, tzinfo=UTC)  # 23:30 in Berlin


def attempt(hours_ago: float, covered: int = 5, missed: tuple[str, ...] = ()) -> Attempt:
    return Attempt("a-cpu-at-80", NOW - timedelta(hours=hours_ago), covered, 10, missed)


def test_streak_counts_local_days() -> None:
    # In Berlin: 28 Nov 23:30, 27 Nov 22:00 and 27 Nov 00:30 -> two local days.
    # In UTC the last one is 26 Nov 23:30 -> three days in a row.
    attempts = [attempt(0), attempt(25.5), attempt(47)]
    assert summarise(attempts, [], NOW, BERLIN).streak_days == 2
    assert summarise(attempts, [], NOW, ZoneInfo("UTC")).streak_days == 3


def test_streak_survives_until_the_day_is_over_and_breaks_after_a_gap() -> None:
    assert summarise([attempt(20)], [], NOW, BERLIN).streak_days == 1  # yesterday counts today
    assert summarise([attempt(60)], [], NOW, BERLIN).streak_days == 0


def test_trend_compares_the_last_three_with_the_three_before() -> None:
    rising = [attempt(h, covered=c) for h, c in ((1, 9), (2, 8), (3, 9), (4, 4), (5, 5), (6, 3))]
    assert summarise(rising, [], NOW, BERLIN).trend == "up"
    falling = list(reversed([attempt(h, covered=c) for h, c in ((6, 9), (5, 8), (4, 9))]))
    falling = [attempt(1, 3), attempt(2, 2), attempt(3, 4), *falling]
    assert summarise(falling, [], NOW, BERLIN).trend == "down"
    assert summarise(rising[:3], [], NOW, BERLIN).trend == ""


def test_study_list_ranks_most_missed_then_latest() -> None:
    attempts = [
        attempt(1, missed=("a3", "a9")),
        attempt(2, missed=("a9", "a5")),
        attempt(3, missed=("a5",)),
    ]
    assert summarise(attempts, [], NOW, BERLIN).study_list == (("a9", 2), ("a5", 2), ("a3", 1))


def test_reviews_due_now_and_next() -> None:
    due = [
        ("a", NOW - timedelta(days=2)),
        ("b", NOW - timedelta(hours=1)),
        ("c", NOW + timedelta(days=3)),
    ]
    progress = summarise([], due, NOW, BERLIN)
    assert progress.due_now == ("a", "b")
    assert progress.next_due == NOW + timedelta(days=3)
