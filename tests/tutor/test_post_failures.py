"""Scheduled posts the platform refuses, through the Tutor, its sweeper and a real SQLite file:
never a silent skip. The refusal is kept with the schedule; /schedule show (or the learner's
/settings) says what failed, why and how to fix it; the next post that goes out says so too,
and clears it; a post that keeps failing for now is given up after its attempts, recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from team_helpers import member, text_of

from engine.ports import FailureReason, FixedClock
from engine.scheduling import Delivery, PostRefused, Refusal
from engine.scheduling.sweeper import GIVE_UP_AFTER, MAX_ATTEMPTS
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

ADMIN = member("alice", admin=True)
BOB = member("bob")
MISSING_ACCESS = Refusal(FailureReason.NO_ACCESS, "Discord 403 50001: Missing Access")


@dataclass
class Platform:
    """A deliverer that refuses while `refusal` is set (or fails for now while `down`)."""

    refusal: Refusal | None = None
    down: bool = False
    delivered: list[Delivery] = field(default_factory=list)

    async def __call__(self, delivery: Delivery) -> None:
        if self.refusal is not None:
            raise PostRefused(self.refusal)
        if self.down:
            raise ConnectionError("the platform is down")
        self.delivered.append(delivery)


async def test_a_refused_daily_post_is_shown_and_told_in_the_next_post(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    clock.set(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))  # a Monday
    await tutor.handle_text(ADMIN, "/schedule daily 09:00 UTC")
    platform = Platform(refusal=MISSING_ACCESS)
    sweeper = tutor.sweeper("console", "node-a", platform)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    assert await sweeper.sweep_once() == 1  # finished, not left to loop
    assert platform.delivered == []

    shown = text_of(await tutor.handle_text(BOB, "/schedule show"))
    assert "The daily drill of Mon 23 Nov at 09:00 UTC could not be posted" in shown
    assert "Rungs has no access to the channel" in shown
    assert "Discord 403 50001: Missing Access" in shown
    assert "invite Rungs to the channel again" in shown
    assert "Next post at 2026-11-24T09:00:00+00:00" in shown  # tomorrow's is planned
    stored = await sqlite_store.load_schedule(ADMIN.cluster_scope)
    assert stored is not None
    assert stored.failure is not None
    assert (stored.failure.reason, stored.failure.count) == (FailureReason.NO_ACCESS, 1)

    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # still refused: counted in a row
    await sweeper.sweep_once()
    assert "(2 posts in a row)" in text_of(await tutor.handle_text(BOB, "/schedule show"))

    platform.refusal = None  # an admin invited the bot back
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert await sweeper.sweep_once() == 1
    [post] = platform.delivered
    said = text_of(post.reply)
    assert said.startswith("Posting works again. The daily drill of Tue 24 Nov had failed")
    assert "Daily drill:" in said
    assert "could not be posted" not in text_of(await tutor.handle_text(BOB, "/schedule show"))
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    await sweeper.sweep_once()
    assert "Posting works again" not in text_of(platform.delivered[-1].reply)  # said once


async def test_a_post_failing_through_an_outage_is_retried_then_recorded(
    tutor: Tutor, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    await tutor.handle_text(ADMIN, "/schedule daily 09:00 UTC")
    platform = Platform(down=True)
    lease = timedelta(seconds=30)
    sweeper = tutor.sweeper("console", "node-a", platform, lease=lease)
    at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    finished = []
    for attempt in range(MAX_ATTEMPTS + 1):  # minutes of outage: tried again after each lease
        clock.set(at + attempt * (lease + timedelta(seconds=1)))
        finished.append(await sweeper.sweep_once())
    assert finished == [0] * (MAX_ATTEMPTS + 1)
    assert "could not be posted" not in text_of(await tutor.handle_text(BOB, "/schedule show"))
    clock.set(at + GIVE_UP_AFTER)  # hours of it: given up, recorded, tomorrow's planned
    assert await sweeper.sweep_once() == 1
    shown = text_of(await tutor.handle_text(BOB, "/schedule show"))
    assert "the platform kept failing (every attempt failed for 6 hours, 7 attempts)" in shown
    assert "Rungs tries the daily drill again at its next time." in shown
    assert "Next post at 2026-11-24T09:00:00+00:00" in shown
    platform.down = False
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert await sweeper.sweep_once() == 1
    assert text_of(platform.delivered[0].reply).startswith("Posting works again.")


async def test_a_reminder_that_cannot_reach_its_learner_is_recorded_for_them(
    tutor: Tutor, clock: FixedClock
) -> None:
    alice = Actor("console", "local", "alice", "alice")
    clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    await tutor.handle_text(alice, "/drill e07-cdn")
    await tutor.handle_text(alice, "/reveal")
    await tutor.handle_text(alice, "/rate again")  # due again on Sunday
    clock.set(datetime(2026, 11, 28, 10, 0, tzinfo=UTC))  # past Saturday's check: Sunday's first
    await tutor.handle_text(alice, "/settings reminders=daily 09:30")
    closed = Refusal(
        FailureReason.DM_CLOSED, "Discord 403 50007: Cannot send messages to this user"
    )
    platform = Platform(refusal=closed)
    sweeper = tutor.sweeper("console", "node-a", platform)
    clock.set(datetime(2026, 11, 29, 9, 30, tzinfo=UTC))
    assert await sweeper.sweep_once() == 1
    settings = text_of(await tutor.handle_text(alice, "/settings"))
    assert "Your review reminder of Sun 29 Nov at 09:30 UTC could not be posted" in settings
    assert "allow direct messages from Rungs" in settings
    assert "could not be posted" not in text_of(
        await tutor.handle_text(Actor("console", "local", "bob", "bob"), "/settings")
    )
    platform.refusal = None
    clock.set(datetime(2026, 11, 30, 9, 30, tzinfo=UTC))
    assert await sweeper.sweep_once() == 1
    [dm] = platform.delivered
    assert text_of(dm.reply).startswith("Posting works again. Your review reminder of Sun 29 Nov")
    assert "could not be posted" not in text_of(await tutor.handle_text(alice, "/settings"))


async def test_a_refused_one_off_post_is_finished_not_retried(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    await tutor.handle_text(BOB, "/drill a-cpu-at-80")  # its time's-up nudge, a one-off
    platform = Platform(refusal=MISSING_ACCESS)
    sweeper = tutor.sweeper("console", "node-a", platform)
    clock.set(clock.now() + timedelta(minutes=8))
    assert await sweeper.sweep_once() == 1
    clock.set(clock.now() + timedelta(minutes=5))  # well past any lease
    assert await sweeper.sweep_once() == 0
    assert await sqlite_store.next_job_due("console") is None
    assert platform.delivered == []
