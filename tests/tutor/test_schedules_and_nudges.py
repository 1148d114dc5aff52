"""The daily drill and the drill's time's-up nudge, delivered by the sweeper with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from team_helpers import Collector, button_ids, is_warning, member, sweeper, text_of

from engine.commands.buttons import parse_button
from engine.commands.types import ChallengeStartCommand, DrillCommand
from engine.ports import FixedClock
from engine.replies import Visibility
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor

ADMIN = member("alice", admin=True)
BOB = member("bob")


async def test_time_is_up_nudges_privately(tutor: Tutor, clock: FixedClock) -> None:
    await tutor.handle_text(BOB, "/drill a-cpu-at-80")  # 7 minutes
    collector = Collector()
    clock.set(clock.now() + timedelta(minutes=6))
    await sweeper(tutor, collector).sweep_once()
    assert collector.delivered == []
    clock.set(clock.now() + timedelta(minutes=1))
    await sweeper(tutor, collector).sweep_once()
    [nudge] = collector.delivered
    assert (nudge.user_id, nudge.channel_id, nudge.private) == ("bob", "study", True)
    assert nudge.reply.visibility is Visibility.PRIVATE
    assert "Time's up for One app server at 80% CPU. /reveal" in text_of(nudge.reply)
    revealed = await tutor.handle_button(BOB, button_ids(nudge.reply)["Reveal"])
    assert "covered 0/10" in text_of(revealed)


async def test_no_nudge_for_a_revealed_or_dropped_drill(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    await tutor.handle_text(BOB, "/drill a-cpu-at-80")
    await tutor.handle_text(BOB, "/reveal")
    await tutor.handle_text(member("carol"), "/drill c-lb-ha")
    await tutor.handle_text(member("carol"), "/drill e07-cdn confirm")  # drops the first
    clock.set(clock.now() + timedelta(minutes=30))
    collector = Collector()
    await sweeper(tutor, collector).sweep_once()
    [nudge] = collector.delivered
    assert "Time's up for Putting a CDN in front" in text_of(nudge.reply)
    assert await sqlite_store.next_job_due("console") is None


async def test_only_an_admin_sets_the_daily_drill_and_only_in_a_channel(tutor: Tutor) -> None:
    refused = await tutor.handle_text(BOB, "/schedule daily 09:00 Europe/Berlin")
    assert is_warning(refused)
    assert "Only a channel admin" in text_of(refused)
    in_dm = await tutor.handle_text(member("alice", None, admin=True), "/schedule")
    assert "posted to a channel" in text_of(in_dm)
    for line, why in (
        ("/schedule daily 9am Europe/Berlin", "HH:MM"),
        ("/schedule daily 09:00 Berlin", "not a time zone"),
        ("/schedule daily 09:00 UTC no-such-topic", "no drill or topic"),
        ("/schedule daily 09:00", "Missing <tz>"),
    ):
        assert why in text_of(await tutor.handle_text(ADMIN, line)), line
    assert "No daily drill here" in text_of(await tutor.handle_text(BOB, "/schedule"))


async def test_the_daily_drill_posts_at_local_time_across_dst(
    tutor: Tutor, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    done = await tutor.handle_text(ADMIN, "/schedule daily 09:00 Europe/Berlin caching")
    assert "every day at 09:00 Europe/Berlin on caching" in text_of(done)
    assert "Next post at 2026-03-28T08:00:00+00:00" in text_of(
        await tutor.handle_text(BOB, "/schedule show")
    )
    collector = Collector()
    posts = []
    # 09:00 Berlin: 08:00 UTC before the change on 29 March, 07:00 UTC after it.
    for when in (
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
    ):
        clock.set(when - timedelta(seconds=1))
        assert await sweeper(tutor, collector).sweep_once() == 0
        clock.set(when)
        assert await sweeper(tutor, collector).sweep_once() == 1
        posts.append(collector.delivered[-1])
    assert all(p.channel_id == "study" and not p.private and not p.late for p in posts)
    post = posts[0].reply
    assert text_of(post).startswith("Daily drill: ")
    assert "Putting" not in text_of(post)  # a caching drill, not the CDN one
    ids = button_ids(post)
    assert isinstance(parse_button(ids["Start"]), DrillCommand)
    assert isinstance(parse_button(ids["Team challenge"]), ChallengeStartCommand)
    started = await tutor.handle_button(BOB, ids["Team challenge"])
    assert "Team challenge: " in text_of(started)

    stopped = await tutor.handle_text(ADMIN, "/schedule off")
    assert "Daily drill stopped" in text_of(stopped)
    clock.set(datetime(2026, 4, 2, 12, 0, tzinfo=UTC))
    before = len(collector.delivered)
    await sweeper(tutor, collector).sweep_once()
    # What is left is the team challenge's reveal, not another daily post.
    assert [d.job_key.split(":")[0] for d in collector.delivered[before:]] == ["challenge"]
    assert "No daily drill is set here" in text_of(await tutor.handle_text(ADMIN, "/schedule off"))


async def test_days_missed_are_posted_once_late_then_back_on_time(
    tutor: Tutor, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    await tutor.handle_text(ADMIN, "/schedule daily 09:00 Europe/Berlin")
    clock.set(datetime(2026, 10, 24, 18, 0, tzinfo=UTC))  # nothing ran for four days
    collector = Collector()
    await sweeper(tutor, collector).sweep_once()
    [late] = collector.delivered
    assert late.late
    assert "Late by 3d 11h" in text_of(late.reply)
    # The next post is 09:00 Berlin on the 25th, the day the clocks go back: 08:00 UTC.
    assert "Next post at 2026-10-25T08:00:00+00:00" in text_of(
        await tutor.handle_text(BOB, "/schedule")
    )
    clock.set(datetime(2026, 10, 25, 8, 0, tzinfo=UTC))
    assert await sweeper(tutor, collector).sweep_once() == 1


async def test_setting_a_schedule_again_replaces_it(tutor: Tutor, clock: FixedClock) -> None:
    await tutor.handle_text(ADMIN, "/schedule daily 09:00 UTC")
    await tutor.handle_text(ADMIN, "/schedule daily 10:00 UTC")
    await tutor.handle_text(ADMIN, "/schedule daily 10:00 UTC")
    clock.set(clock.now() + timedelta(days=1, hours=2))
    collector = Collector()
    assert await sweeper(tutor, collector).sweep_once() == 1  # one post, at 10:00
    assert collector.delivered[0].job_key.endswith(
        str(int(datetime(2026, 11, 28, 10, 0, tzinfo=UTC).timestamp()))
    )
