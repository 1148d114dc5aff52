"""The streak freeze in /progress and the leaderboards per period, through the Tutor on a real
SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from study_helpers import text
from team_helpers import member

from engine.ports import FixedClock
from engine.tutor import Actor, Tutor

ALICE = Actor("console", "local", "alice", "alice")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def drill_on(tutor: Tutor, clock: FixedClock, day: datetime) -> None:
    clock.set(day)
    await tutor.handle_text(ALICE, "/drill e07-cdn")
    await tutor.handle_text(ALICE, "/reveal")


async def test_one_missed_day_a_week_is_forgiven_a_second_ends_the_streak(
    tutor: Tutor, clock: FixedClock
) -> None:
    for offset in (0, 1, 3):  # Monday, Tuesday, (Wednesday missed), Thursday
        await drill_on(tutor, clock, MONDAY + timedelta(days=offset))
    progress = text(await tutor.handle_text(ALICE, "/progress"))
    assert "Streak: 3 days of study in a row (Wednesday 2 December forgiven)." in progress
    assert "Streak freeze: One missed day a week (Monday to Sunday) is forgiven" in progress
    # Friday and Saturday missed too: Friday is the week's second missed day.
    clock.set(MONDAY + timedelta(days=6))
    later = text(await tutor.handle_text(ALICE, "/progress"))
    assert "Streak: No streak running: a drill today starts one." in later


async def test_boards_for_the_day_week_month_and_all_time(tutor: Tutor, clock: FixedClock) -> None:
    clock.set(MONDAY)
    alice, bob = member("alice", admin=True), member("bob")
    await tutor.handle_text(alice, "/challenge start e07-cdn 1m")
    await tutor.handle_text(bob, "/answer serve static assets from a cdn with long ttls")
    await tutor.handle_text(alice, "/challenge end")
    clock.set(MONDAY + timedelta(days=1))
    day = text(await tutor.handle_text(alice, "/leaderboard day"))
    week = text(await tutor.handle_text(alice, "/leaderboard week"))
    month = text(await tutor.handle_text(alice, "/leaderboard month"))
    every = text(await tutor.handle_text(alice, "/leaderboard all"))
    assert day.startswith("Leaderboard: today (Tuesday 1 December)")
    assert "bob" not in day
    assert week.startswith("Leaderboard: this week (since Monday 30 November)")
    assert "bob" in week
    assert month.startswith("Leaderboard: this month (December 2026)")
    assert "bob" not in month  # Monday was in November
    assert every.startswith("Leaderboard: all time")
    assert "bob" in every
    bad = text(await tutor.handle_text(alice, "/leaderboard year"))
    assert bad.startswith("'year' is not one of day, week, month, all.")


async def test_a_review_a_day_away_reads_1_day_in_progress_as_in_the_rating(
    tutor: Tutor, clock: FixedClock
) -> None:
    await drill_on(tutor, clock, MONDAY)
    rated = text(await tutor.handle_text(ALICE, "/rate again"))
    assert "in 1 day" in rated, rated
    clock.set(MONDAY + timedelta(minutes=10))  # a moment later: 23 h 50 min to go
    progress = text(await tutor.handle_text(ALICE, "/progress"))
    assert "Next review in 1 day." in progress, progress
    clock.set(MONDAY + timedelta(hours=3))
    assert "Next review in 21 h." in text(await tutor.handle_text(ALICE, "/progress"))
