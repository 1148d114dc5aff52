"""Team study on Discord, with the real bot and its sweeper against the fake Discord: a timed
challenge answered privately through the form and revealed in the channel at its deadline, the
Manage Server rule for daily drills, and the personal time's-up nudge by DM."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import EPHEMERAL, JSON, Bot, buttons_of, press, start_bot, text_of
from fakes.fake_discord import Callback, FakeDiscord
from shifted_clock import ShiftedClock

from engine.content.loader import Content

MANAGE_GUILD = str(1 << 5)
STRONG = (
    "Put a load balancer in front of several stateless app servers, move sessions to Redis, "
    "health checks pull dead servers out, autoscale on CPU, and scale the database with read "
    "replicas and a cache."
)


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def team_bot(
    fake: FakeDiscord, tmp_path: Path, content: Content, clock: ShiftedClock
) -> AsyncIterator[Bot]:
    bot = await start_bot(fake, tmp_path / "team.db", content, clock)
    yield bot
    await bot.stop()


async def command(
    fake: FakeDiscord, name: str, options: dict[str, Any], user: JSON, permissions: str = "0"
) -> Callback:
    """A slash command in the first server's channel, by a member with these permissions."""
    payload = fake.slash(name, options, user, fake.guilds[0].id)
    payload["member"]["permissions"] = permissions
    return await fake.wait_for_callback(await fake.dispatch_interaction(payload))


async def answer(fake: FakeDiscord, message: JSON, user: JSON, text: str) -> Callback:
    guild = fake.guilds[0].id
    opened = await press(fake, "Answer", message, user=user, guild_id=guild)
    assert opened.type == 9  # the answer form
    modal = fake.modal_for(opened.interaction_id)
    assert modal["custom_id"].startswith("r1:ca:")  # it remembers which challenge
    submitted = await fake.dispatch_interaction(
        fake.modal_submit(modal, {"sketch": text}, user=user, guild_id=guild)
    )
    return await fake.wait_for_callback(submitted)


def posted_in(channel_id: str) -> Any:
    def match(call: Any) -> bool:
        return call.method == "POST" and call.path == f"/channels/{channel_id}/messages"

    return match


async def test_a_challenge_is_answered_privately_and_revealed_at_its_deadline(
    fake: FakeDiscord, team_bot: Bot, clock: ShiftedClock
) -> None:
    ana, ben = fake.new_user("ana"), fake.new_user("ben")
    started = await command(
        fake, "challenge start", {"drill": "a-cpu-at-80", "duration": "2m"}, ana
    )
    assert not started.data.get("flags", 0) & EPHEMERAL  # the channel sees the prompt
    assert "<t:" in text_of(started.data)  # Discord's own countdown
    assert {"Join", "Answer"} <= set(buttons_of(started.data))
    assert started.message is not None

    noted = await answer(fake, started.message, ana, STRONG)
    assert noted.data["flags"] & EPHEMERAL  # nobody else sees it
    await answer(fake, started.message, ben, "a bigger server")

    clock.advance(121)
    channel = fake.guilds[0].channel_id
    reveal = await fake.wait_for(posted_in(channel), timeout=5)
    assert reveal.status == 200, reveal.response
    shown = text_of(reveal.body).lower()
    assert "together you covered" in shown
    assert re.search(r"ana covered \d+/10", shown)  # each participant's coverage
    assert re.search(r"ben covered \d+/10", shown)
    assert reveal.body["allowed_mentions"] == {"parse": []}

    board = await command(fake, "leaderboard", {"period": "week"}, ben)
    lines = text_of(board.data).lower()
    assert lines.index("ana") < lines.index("ben")


async def test_a_daily_drill_needs_manage_server(fake: FakeDiscord, team_bot: Bot) -> None:
    member, boss = fake.new_user("member"), fake.new_user("boss")
    options = {"time": "09:00", "tz": "Europe/Berlin"}
    refused = await command(fake, "schedule daily", options, member)
    assert "admin" in text_of(refused.data).lower()
    allowed = await command(fake, "schedule daily", options, boss, permissions=MANAGE_GUILD)
    assert "09:00" in text_of(allowed.data)
    shown = await command(fake, "schedule show", {}, member)
    assert "Europe/Berlin" in text_of(shown.data)


async def test_a_drill_nudges_its_learner_by_dm_when_time_is_up(
    fake: FakeDiscord, team_bot: Bot, clock: ShiftedClock
) -> None:
    ana = fake.new_user("ana")
    started = await command(fake, "drill", {"which": "a-cpu-at-80"}, ana)
    assert started.data["flags"] & EPHEMERAL
    clock.advance(60 * 60)
    opened = await fake.wait_for(
        lambda call: call.method == "POST" and call.path == "/users/@me/channels", timeout=5
    )
    dm = str(opened.response["id"])
    nudge = await fake.wait_for(posted_in(dm), timeout=5)
    assert "Time's up" in text_of(nudge.body)


async def test_a_review_reminder_comes_by_dm_and_its_buttons_are_its_learners(
    fake: FakeDiscord, team_bot: Bot, clock: ShiftedClock
) -> None:
    ana, ben = fake.new_user("ana"), fake.new_user("ben")
    await command(fake, "drill", {"which": "e07-cdn"}, ana)
    await command(fake, "reveal", {}, ana)
    await command(fake, "rate", {"rating": "again"}, ana)
    clock.advance(2 * 24 * 60 * 60)  # the review is due
    at = clock.now() + timedelta(minutes=2)
    opted = await command(fake, "settings", {"reminders": f"daily {at:%H:%M}"}, ana)
    assert "only when a review is due" in text_of(opted.data)
    clock.advance(5 * 60)
    opened = await fake.wait_for(
        lambda call: call.method == "POST" and call.path == "/users/@me/channels", timeout=5
    )
    dm = str(opened.response["id"])
    posted = await fake.wait_for(posted_in(dm), timeout=5)
    assert "1 review is due: Putting a CDN in front." in text_of(posted.body)
    assert posted.body["allowed_mentions"] == {"parse": []}
    message = posted.response
    assert set(buttons_of(message)) == {"Review now", "Snooze a day", "Stop reminders"}
    refused = await press(fake, "Snooze a day", message, user=ben)
    assert "sent to someone else" in text_of(refused.data)
    snoozed = await press(fake, "Snooze a day", message, user=ana)  # in the DM, for her server
    assert text_of(snoozed.data).strip().startswith("Snoozed: no reminder on")


async def shown_until(fake: FakeDiscord, user: JSON, wanted: str) -> str:
    """/schedule show, asked until it says `wanted` (the sweeper records a refusal just after
    Discord answered it)."""
    for _ in range(50):
        shown = text_of((await command(fake, "schedule show", {}, user)).data)
        if wanted in shown:
            return shown
        await asyncio.sleep(0.1)
    raise AssertionError(f"/schedule show never said {wanted!r}: {shown}")


async def test_a_daily_post_refused_for_missing_access_is_told_to_the_channel(
    fake: FakeDiscord, team_bot: Bot, clock: ShiftedClock
) -> None:
    boss = fake.new_user("boss")
    channel = fake.guilds[0].channel_id
    at = clock.now() + timedelta(minutes=2)
    options = {"time": f"{at:%H:%M}", "tz": "UTC"}
    await command(fake, "schedule daily", options, boss, permissions=MANAGE_GUILD)
    fake.no_access.add(channel)  # the bot was removed from the channel
    clock.advance(5 * 60)
    refused = await fake.wait_for(posted_in(channel), timeout=5)
    assert (refused.status, refused.response["code"]) == (403, 50001)
    shown = await shown_until(fake, boss, "could not be posted")
    assert "Rungs has no access to the channel" in shown
    assert "Discord 403 50001: Missing Access" in shown
    assert "invite Rungs to the channel again" in shown
    tries = sum(1 for call in fake.calls.items if posted_in(channel)(call))
    assert tries == 1  # recorded once, not retried every lease

    fake.no_access.discard(channel)  # invited back: the next post goes out and says so
    clock.advance(24 * 60 * 60)
    posted = await fake.wait_for(lambda c: posted_in(channel)(c) and c.status == 200, timeout=5)
    assert "Posting works again." in text_of(posted.body)
    assert "Daily drill:" in text_of(posted.body)
    assert posted.body["allowed_mentions"] == {"parse": []}


async def test_a_reminder_dm_refused_is_recorded_for_its_learner(
    fake: FakeDiscord, team_bot: Bot, clock: ShiftedClock
) -> None:
    ana = fake.new_user("ana")
    await command(fake, "drill", {"which": "e07-cdn"}, ana)
    await command(fake, "reveal", {}, ana)
    await command(fake, "rate", {"rating": "again"}, ana)
    clock.advance(2 * 24 * 60 * 60)
    at = clock.now() + timedelta(minutes=2)
    await command(fake, "settings", {"reminders": f"daily {at:%H:%M}"}, ana)
    fake.closed_dms.add(ana["id"])
    clock.advance(5 * 60)
    refused = await fake.wait_for(
        lambda c: c.method == "POST" and c.path.endswith("/messages") and c.status == 403,
        timeout=5,
    )
    assert refused.response["code"] == 50007
    for _ in range(50):
        said = text_of((await command(fake, "settings", {}, ana)).data)
        if "could not be posted" in said:
            break
        await asyncio.sleep(0.1)
    assert "Your review reminder of" in said
    assert "Rungs may not send you direct messages" in said


async def test_review_now_in_a_reminder_dm_runs_the_drill_there_for_its_learner(
    fake: FakeDiscord, team_bot: Bot, clock: ShiftedClock
) -> None:
    ana, ben = fake.new_user("ana"), fake.new_user("ben")
    await command(fake, "drill", {"which": "e07-cdn"}, ana)
    await command(fake, "reveal", {}, ana)
    await command(fake, "rate", {"rating": "again"}, ana)
    clock.advance(2 * 24 * 60 * 60)
    at = clock.now() + timedelta(minutes=2)
    await command(fake, "settings", {"reminders": f"daily {at:%H:%M}"}, ana)
    clock.advance(5 * 60)
    opened = await fake.wait_for(
        lambda call: call.method == "POST" and call.path == "/users/@me/channels", timeout=5
    )
    dm = str(opened.response["id"])
    reminder = (await fake.wait_for(posted_in(dm), timeout=5)).response

    started = await press(fake, "Review now", reminder, user=ana)  # in the DM: no guild

    assert "Drill: Putting a CDN in front" in text_of(started.data)
    drill = started.message
    assert drill is not None
    assert drill["channel_id"] == dm
    assert set(buttons_of(drill)) >= {"Answer", "Reveal"}
    assert all(i.startswith("r1:af:") for i in buttons_of(drill).values())
    refused = await press(fake, "Reveal", drill, user=ben)  # a foreign press: refused
    assert "sent to someone else" in text_of(refused.data)

    opened_form = await press(fake, "Answer", drill, user=ana)
    assert opened_form.type == 9  # the answer form, in the DM
    modal = fake.modal_for(opened_form.interaction_id)
    sketch = "Put a CDN in front: edge caches serve static assets, with a TTL and invalidation"
    noted = await fake.wait_for_callback(
        await fake.dispatch_interaction(
            fake.modal_submit(modal, {"sketch": sketch}, user=ana, channel_id=dm)
        )
    )
    assert "Added to your sketch" in str(noted.data), noted.data
    revealed = await press(fake, "Reveal", drill, user=ana)
    assert "covered" in text_of(revealed.data), text_of(revealed.data)
    assert revealed.message is not None
    ratings = buttons_of(revealed.message)
    assert ratings
    assert all(i.startswith("r1:af:") for i in ratings.values())
    suggested = next(label for label in ratings if "suggested" in label)
    rated = await press(fake, suggested, revealed.message, user=ana)
    assert "Next review of Putting a CDN in front" in str(rated.data)  # in her server
