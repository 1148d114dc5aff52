"""Review reminders through the Tutor, its job sweeper and a real SQLite file: opt-in, a direct
message only when reviews are due, at most one a day, buttons only for their learner, snooze
and stop; nothing sent after downtime hours late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from study_helpers import button_ids, text
from team_helpers import Collector, sweeper

from engine.commands import buttons
from engine.ports import FixedClock, Target
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

ALICE = Actor("console", "local", "alice", "alice")
BOB = Actor("console", "local", "bob", "bob")
SUNDAY_0930 = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)  # the clock starts Saturday 09:00
SATURDAY_1000 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # past Saturday's 09:30


async def a_review_due_soon(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill e07-cdn")
    await tutor.handle_text(ALICE, "/reveal")
    await tutor.handle_text(ALICE, "/rate again")  # due again tomorrow at 09:00


async def test_a_reminder_comes_once_a_day_when_reviews_are_due(
    tutor: Tutor, clock: FixedClock
) -> None:
    shown = text(await tutor.handle_text(ALICE, "/settings reminders=daily 09:30"))
    assert "reminders: daily at 09:30 UTC, only when a review is due" in shown
    await a_review_due_soon(tutor)
    got = Collector()
    sweep = sweeper(tutor, got)
    clock.set(SUNDAY_0930 - timedelta(minutes=1))
    assert await sweep.sweep_once() == 1  # Saturday's 09:30 check, a day late: sends nothing
    assert got.delivered == []
    clock.set(SUNDAY_0930)
    assert await sweep.sweep_once() == 1
    [dm] = got.delivered
    assert (dm.channel_id, dm.user_id) == (None, "alice")  # a direct message, for her only
    assert text(dm.reply).startswith("1 review is due: Putting a CDN in front.")
    assert "/settings reminders=off" in text(dm.reply)
    assert "@" not in text(dm.reply)
    assert button_ids(dm.reply) == {
        "Review now": buttons.reminder("review", "local", "alice"),
        "Snooze a day": buttons.reminder("snooze", "local", "alice"),
        "Stop reminders": buttons.reminder("stop", "local", "alice"),
    }
    clock.set(SUNDAY_0930 + timedelta(hours=3))
    assert await sweep.sweep_once() == 0  # the next check is tomorrow
    # Only she can use its buttons; "review now" starts the due review.
    refused = await tutor.handle_button(BOB, buttons.reminder("review", "local", "alice") or "")
    assert text(refused) == "That reminder was sent to someone else; its buttons are theirs."
    started = text(
        await tutor.handle_button(ALICE, buttons.reminder("review", "local", "alice") or "")
    )
    assert "Drill: Putting a CDN in front" in started


async def test_snooze_skips_the_next_day_and_stop_turns_them_off(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    clock.set(SATURDAY_1000)
    await tutor.handle_text(ALICE, "/settings reminders=09:30")
    await a_review_due_soon(tutor)
    snoozed = text(
        await tutor.handle_button(ALICE, buttons.reminder("snooze", "local", "alice") or "")
    )
    assert snoozed.startswith("Snoozed: no reminder on Sunday 29 November.")
    assert "The next one comes on Monday 30 November at 09:30" in snoozed
    got = Collector()
    sweep = sweeper(tutor, got)
    clock.set(SUNDAY_0930 + timedelta(minutes=5))
    assert await sweep.sweep_once() == 0
    clock.set(SUNDAY_0930 + timedelta(days=1))
    assert await sweep.sweep_once() == 1
    assert len(got.delivered) == 1
    stopped = text(
        await tutor.handle_button(ALICE, buttons.reminder("stop", "local", "alice") or "")
    )
    assert stopped.startswith("Reminders are off.")
    assert await sqlite_store.next_job_due("console") is None
    again = text(await tutor.handle_button(ALICE, buttons.reminder("stop", "local", "alice") or ""))
    assert again.startswith("Reminders are already off.")


async def test_no_message_when_nothing_is_due_or_the_bot_was_down(
    tutor: Tutor, clock: FixedClock
) -> None:
    await tutor.handle_text(ALICE, "/settings reminders=daily 09:30")
    got = Collector()
    sweep = sweeper(tutor, got)
    clock.set(SUNDAY_0930)
    assert await sweep.sweep_once() == 1  # checked, nothing due: no message, next one planned
    assert got.delivered == []
    await a_review_due_soon(tutor)
    # Down from before Monday's check until Tuesday: the stale check sends nothing.
    clock.set(SUNDAY_0930 + timedelta(days=2, hours=-1))
    assert await sweep.sweep_once() == 1
    assert got.delivered == []
    clock.set(SUNDAY_0930 + timedelta(days=2))
    assert await sweep.sweep_once() == 1
    assert [d.user_id for d in got.delivered] == ["alice"]


async def test_bad_reminder_settings_say_why_and_change_nothing(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    clock.set(SATURDAY_1000)
    for typed in ("reminders=weekly", "reminders=daily 25:00", "reminders=daily 09:30 extra"):
        reply = text(await tutor.handle_text(ALICE, f"/settings {typed}"))
        assert "not a" in reply or "Write settings as key=value" in reply, typed
        assert await sqlite_store.load_settings(ALICE.user_key) is None
        assert await sqlite_store.next_job_due("console") is None
    await tutor.handle_text(ALICE, "/settings reminders=daily 09:30")
    assert await sqlite_store.next_job_due("console") == SUNDAY_0930
    await tutor.handle_text(ALICE, "/settings tz=Europe/Berlin")  # follows the zone: 08:30 UTC
    assert await sqlite_store.next_job_due("console") == SUNDAY_0930 - timedelta(hours=1)
    off = text(await tutor.handle_text(ALICE, "/settings reminders=off"))
    assert "reminders: off" in off
    assert await sqlite_store.next_job_due("console") is None


async def test_forgetting_a_user_drops_their_reminder(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    await tutor.handle_text(ALICE, "/settings reminders=daily 09:30")
    await tutor.handle_text(ALICE, "/forget-me confirm")
    assert await sqlite_store.next_job_due("console") is None
    assert Target("local", None, "alice")  # where it would have gone
