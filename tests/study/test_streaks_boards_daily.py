"""Streaks with a weekly freeze, leaderboard periods in a time zone, and the daily drill's week."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.content.loader import Content
from engine.study.boards import Period, bounds, parse_period
from engine.study.daily import (
    RAMP,
    WEEKDAY_LEVELS,
    daily_pick,
    next_run_skipping,
    skip_text,
    skip_tomorrow,
)
from engine.study.streaks import FREEZE_RULE, streak, streak_text

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SANTIAGO = ZoneInfo("America/Santiago")


def days(*spans: tuple[date, date]) -> set[date]:
    found = set()
    for first, last in spans:
        day = first
        while day <= last:
            found.add(day)
            day += timedelta(days=1)
    return found


# --- streaks -------------------------------------------------------------------------------
# March 2026: Monday the 2nd, 9th, 16th, 23rd.


def test_an_unbroken_run_and_today_still_open() -> None:
    run = days((date(2026, 3, 2), date(2026, 3, 6)))
    assert streak(run, date(2026, 3, 6)).days == 5
    still_open = streak(run, date(2026, 3, 7))  # Saturday: nothing yet today
    assert (still_open.days, still_open.done_today, still_open.forgiven) == (5, False, ())
    assert streak_text(still_open) == "5 days of study in a row; a drill today keeps it going."


def test_one_missed_day_a_week_is_forgiven() -> None:
    run = days((date(2026, 3, 2), date(2026, 3, 3)), (date(2026, 3, 5), date(2026, 3, 8)))
    current = streak(run, date(2026, 3, 8))
    assert (current.days, current.forgiven) == (6, (date(2026, 3, 4),))
    assert current.freeze_left is False  # this week's forgiven day is used
    assert streak_text(current) == "6 days of study in a row (Wednesday 4 March forgiven)."
    next_week = streak(run | {date(2026, 3, 9)}, date(2026, 3, 9))
    assert (next_week.days, next_week.freeze_left) == (7, True)


def test_a_second_missed_day_in_the_same_week_ends_the_streak() -> None:
    run = days((date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 3, 4), date(2026, 3, 4)))
    run |= days((date(2026, 3, 6), date(2026, 3, 8)))  # missed Tuesday and Thursday
    current = streak(run, date(2026, 3, 8))
    # Thursday is forgiven; Tuesday, the week's second miss, is where the streak begins.
    assert (current.days, current.forgiven) == (4, (date(2026, 3, 5),))
    assert "second missed day in the same week ends the streak" in FREEZE_RULE


def test_a_missed_yesterday_is_forgiven_while_today_is_still_open() -> None:
    run = days((date(2026, 3, 2), date(2026, 3, 4)))
    current = streak(run, date(2026, 3, 6))  # Thursday missed, Friday not done yet
    assert (current.days, current.forgiven, current.done_today) == (3, (date(2026, 3, 5),), False)
    gone = streak(run, date(2026, 3, 7))  # Thursday and Friday missed: the same week
    assert gone.days == 0
    assert streak_text(gone) == "No streak running: a drill today starts one."


def test_misses_either_side_of_a_monday_fall_in_two_weeks() -> None:
    run = days((date(2026, 3, 2), date(2026, 3, 7)), (date(2026, 3, 10), date(2026, 3, 11)))
    current = streak(run, date(2026, 3, 11))  # Sunday 8th and Monday 9th missed
    assert current.forgiven == (date(2026, 3, 9), date(2026, 3, 8))
    assert current.days == 8


def test_a_freeze_never_reaches_past_the_first_day_of_study() -> None:
    current = streak({date(2026, 3, 4)}, date(2026, 3, 4))
    assert (current.days, current.forgiven, current.freeze_left) == (1, (), True)
    assert streak(set(), date(2026, 3, 4)).days == 0


# --- leaderboard periods -----------------------------------------------------------------------


def test_periods_in_berlin_around_a_week_boundary() -> None:
    sunday_night = datetime(2026, 3, 8, 22, 30, tzinfo=UTC)  # Sunday 23:30 CET
    week = bounds(Period.WEEK, sunday_night, BERLIN)
    assert week.start == datetime(2026, 3, 1, 23, 0, tzinfo=UTC)  # Monday 2 March, 00:00 CET
    assert week.end == datetime(2026, 3, 8, 23, 0, tzinfo=UTC)
    assert week.label == "this week (since Monday 2 March)"
    monday = bounds(Period.WEEK, sunday_night + timedelta(hours=1), BERLIN)
    assert monday.start == week.end  # half past midnight in Berlin: a new week
    assert bounds(Period.WEEK, sunday_night, ZoneInfo("UTC")).start == datetime(
        2026, 3, 2, tzinfo=UTC
    )


def test_day_and_month_across_daylight_saving_changes() -> None:
    spring = bounds(Period.DAY, datetime(2026, 3, 29, 12, tzinfo=UTC), BERLIN)
    assert (spring.start, spring.end) == (
        datetime(2026, 3, 28, 23, tzinfo=UTC),
        datetime(2026, 3, 29, 22, tzinfo=UTC),  # a 23-hour day
    )
    assert spring.label == "today (Sunday 29 March)"
    month = bounds(Period.MONTH, datetime(2026, 11, 15, tzinfo=UTC), NEW_YORK)
    assert month.start == datetime(2026, 11, 1, 4, tzinfo=UTC)  # still EDT at midnight
    assert month.end == datetime(2026, 12, 1, 5, tzinfo=UTC)  # EST
    assert month.label == "this month (November 2026)"
    december = bounds(Period.MONTH, datetime(2026, 12, 31, 12, tzinfo=UTC), NEW_YORK)
    assert december.end == datetime(2027, 1, 1, 5, tzinfo=UTC)


def test_a_midnight_the_clocks_skip_starts_the_day_at_one() -> None:
    # Chile moves its clocks from 00:00 to 01:00 on 6 September 2026: that day starts at 01:00.
    day = bounds(Period.DAY, datetime(2026, 9, 6, 15, tzinfo=UTC), SANTIAGO)
    assert day.start == datetime(2026, 9, 6, 4, tzinfo=UTC)
    assert day.start is not None
    assert day.start.astimezone(SANTIAGO).hour == 1


def test_all_time_and_the_period_names() -> None:
    everything = bounds(Period.ALL, datetime(2026, 3, 4, tzinfo=UTC), BERLIN)
    assert (everything.start, everything.end, everything.label) == (None, None, "all time")
    assert [parse_period(t) for t in (None, "today", "Week", "month", "all", "all-time")] == [
        Period.WEEK,
        Period.DAY,
        Period.WEEK,
        Period.MONTH,
        Period.ALL,
        Period.ALL,
    ]
    with pytest.raises(ValueError, match="use day, week, month or all"):
        parse_period("year")


# --- the daily drill -----------------------------------------------------------------------


def test_the_difficulty_climbs_from_monday_to_friday(content: Content) -> None:
    week = [daily_pick(content, date(2026, 3, 2) + timedelta(days=n)) for n in range(7)]
    assert [p.difficulty for p in week] == list(WEEKDAY_LEVELS)
    assert WEEKDAY_LEVELS[0] == "easy"
    assert WEEKDAY_LEVELS[4] == "hard"
    assert all(content.study.rungs[p.drill_id].difficulty == p.difficulty for p in week)
    assert week[0].sentence == f"Monday's drill is easy. {RAMP}"
    assert week[4].sentence.startswith("Friday's drill is hard. The daily drill climbs")
    assert len({p.drill_id for p in week}) == 7


def test_every_drill_of_a_difficulty_comes_before_any_repeats(content: Content) -> None:
    fridays = [daily_pick(content, date(2026, 3, 6) + timedelta(weeks=n)) for n in range(12)]
    hard = [d for d, r in content.study.rungs.items() if r.difficulty == "hard"]
    assert sorted(p.drill_id for p in fridays[: len(hard)]) == sorted(hard)
    assert [p.drill_id for p in fridays[len(hard) :]] == [
        p.drill_id for p in fridays[: 12 - len(hard)]
    ]
    again = daily_pick(content, date(2026, 3, 6))
    assert again == fridays[0]


def test_a_topic_without_that_difficulty_says_so(content: Content) -> None:
    pick = daily_pick(content, date(2026, 3, 6), "caching")  # a Friday; the caching stage
    assert content.study.rungs[pick.drill_id].stage_id == "caching"
    assert pick.difficulty == "hard"
    assert pick.drill_id == "e03-hot-keys"
    lone = daily_pick(content, date(2026, 3, 6), "sessions")  # one easy drill only
    assert (lone.drill_id, lone.difficulty) == ("e05-sessions", "easy")
    assert lone.sentence.startswith(
        "Friday asks for a hard drill, but this channel's topic has none, so here is an easy one."
    )
    assert daily_pick(content, date(2026, 3, 2), "e07-cdn").drill_id == "e07-cdn"
    with pytest.raises(ValueError, match="no drill, topic or stage 'bloom-filters'"):
        daily_pick(content, date(2026, 3, 2), "bloom-filters")


def test_skip_tomorrow_in_berlin_across_the_spring_change() -> None:
    now = datetime(2026, 3, 28, 12, tzinfo=UTC)  # Saturday
    skipped = skip_tomorrow(now, BERLIN, {date(2026, 3, 1)})
    assert skipped == frozenset({date(2026, 3, 29)})  # the past skip is dropped
    run = next_run_skipping(now, time(9, 0), BERLIN, skipped)
    assert run == datetime(2026, 3, 30, 7, tzinfo=UTC)  # Monday 09:00 CEST
    assert skip_text(date(2026, 3, 29), run, BERLIN) == (
        "Tomorrow's daily drill (Sunday 29 March) is skipped. The next one is posted on "
        "Monday 30 March at 09:00 Europe/Berlin."
    )


def test_skip_tomorrow_late_in_the_evening_in_new_york() -> None:
    now = datetime(2026, 3, 3, 3, 30, tzinfo=UTC)  # Monday 22:30 in New York, Tuesday in UTC
    skipped = skip_tomorrow(now, NEW_YORK, ())
    assert skipped == frozenset({date(2026, 3, 3)})  # New York's tomorrow: Tuesday
    run = next_run_skipping(now, time(9, 0), NEW_YORK, skipped | {date(2026, 3, 4)})
    assert run == datetime(2026, 3, 5, 14, tzinfo=UTC)  # Thursday 09:00 EST
    assert next_run_skipping(now, time(9, 0), NEW_YORK, ()) == datetime(2026, 3, 3, 14, tzinfo=UTC)
