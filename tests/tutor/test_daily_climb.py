"""The daily drill's climb through the week and "skip tomorrow", through the Tutor, its
sweeper and a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from study_helpers import text
from team_helpers import Collector, member, sweeper

from engine.ports import FixedClock
from engine.tutor import Tutor

BOSS = member("boss", admin=True)
MONDAY_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def test_skipping_tomorrow_before_todays_post_says_today_still_comes(
    tutor: Tutor, clock: FixedClock
) -> None:
    clock.set(MONDAY_0800 - timedelta(hours=1))
    await tutor.handle_text(BOSS, "/schedule daily 08:00 UTC")
    skipped = text(await tutor.handle_text(BOSS, "/schedule skip"))
    assert skipped == (
        "Tomorrow's daily drill (Tuesday 1 December) is skipped. Today's is still posted "
        "(Monday 30 November at 08:00 UTC); then Wednesday 2 December's."
    ), skipped


async def test_easy_on_monday_hard_on_friday_and_skip_tomorrow(
    tutor: Tutor, clock: FixedClock
) -> None:
    clock.set(MONDAY_0800 - timedelta(hours=1))
    await tutor.handle_text(BOSS, "/schedule daily 08:00 UTC")
    got = Collector()
    sweep = sweeper(tutor, got)
    clock.set(MONDAY_0800)
    assert await sweep.sweep_once() == 1
    monday = text(got.delivered[-1].reply)
    assert "Monday's drill is easy. The daily drill climbs through the week" in monday
    # Skip Tuesday: the next post is Wednesday's.
    skipped = text(await tutor.handle_text(BOSS, "/schedule skip"))
    assert skipped.startswith("Tomorrow's daily drill (Tuesday 1 December) is skipped.")
    assert "The next one is posted on Wednesday 2 December at 08:00" in skipped
    shown = text(await tutor.handle_text(BOSS, "/schedule show"))
    assert "Daily drill here: every day at 08:00 UTC. Skipped: Tuesday 1 December." in shown
    clock.set(MONDAY_0800 + timedelta(days=1))
    assert await sweep.sweep_once() == 0
    clock.set(MONDAY_0800 + timedelta(days=2))
    assert await sweep.sweep_once() == 1
    assert "Wednesday's drill is medium." in text(got.delivered[-1].reply)
    for day in (3, 4):
        clock.set(MONDAY_0800 + timedelta(days=day))
        assert await sweep.sweep_once() == 1
    assert "Friday's drill is hard." in text(got.delivered[-1].reply)
    assert "Skipped" not in text(await tutor.handle_text(BOSS, "/schedule show"))  # past
    refused = text(await tutor.handle_text(member("pat"), "/schedule skip"))
    assert refused.startswith("Only a channel admin can change the daily drill")
