"""Team study on Slack, with the real Bolt app and its sweeper against the fake Slack: a timed
challenge answered privately through the form and revealed to the channel at its deadline,
the leaderboard, admin-only daily drills and the personal time's-up nudge."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, FakeSlack
from shifted_clock import ShiftedClock
from slack_harness import JSON, Replica, action_id_for, http_replica, texts

from engine.content.loader import Content

ANA = {"user_id": "U0ANA", "user_name": "ana"}
BEN = {"user_id": "U0BEN", "user_name": "ben"}
BOSS = "U0BOSS"
STRONG = (
    "Put a load balancer in front of several stateless app servers, move sessions to Redis, "
    "health checks pull dead servers out, autoscale on CPU, and scale the database with read "
    "replicas and a cache."
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def replica(
    fake: FakeSlack, tmp_path: Path, content: Content, clock: ShiftedClock
) -> AsyncIterator[Replica]:
    admins = frozenset({BOSS})
    async with http_replica(fake, tmp_path / "rungs.db", content, clock, admins) as running:
        yield running


async def slash(fake: FakeSlack, url: str, command: str, text: str, **who: str) -> JSON:
    outgoing = fake.slash_command(command, text, **who)
    status, body, _ = await fake.deliver(url, outgoing)
    assert status == 200, body
    key = str(outgoing.response_url).rsplit("/", 1)[-1]
    call = await fake.wait_for(lambda c: c.method == RESPONSE_URL and c.key == key)
    assert call.status == 200, call.response
    return call.body


async def answer_through_the_form(
    fake: FakeSlack, url: str, message: JSON, text: str, who: dict[str, str]
) -> JSON:
    opened_before = len(fake.calls_to("views.open"))
    action_id = action_id_for(message, "r1:ca:")
    status, _, _ = await fake.deliver(
        url, fake.block_actions(action_id, message_ts=message["ts"], **who)
    )
    assert status == 200
    opened = await fake.wait_for("views.open", nth=opened_before + 1)
    assert opened.ok, opened.response
    noted_before = len(fake.calls_to("chat.postEphemeral"))
    submission = fake.view_submission(
        opened.response["view"]["id"], {"sketch": {"sketch": text}}, **who
    )
    status, _, _ = await fake.deliver(url, submission)
    assert status == 200
    noted = await fake.wait_for("chat.postEphemeral", nth=noted_before + 1)
    assert noted.ok, noted.response
    return noted.body


async def test_a_challenge_is_answered_privately_and_revealed_at_its_deadline(
    fake: FakeSlack, replica: Replica, clock: ShiftedClock
) -> None:
    started = await slash(fake, replica.url, "/challenge", "start a-cpu-at-80 2m", **ANA)
    assert started["response_type"] == "in_channel"
    assert "Team challenge" in texts(started)
    assert "<!date^" in texts(started)  # Slack's own countdown formatting
    prompt = fake.messages_in(CHANNEL_ID)[-1]

    ana_note = await answer_through_the_form(fake, replica.url, prompt, STRONG, ANA)
    assert ana_note["user"] == ANA["user_id"]
    await answer_through_the_form(fake, replica.url, prompt, "a bigger server", BEN)
    # Nothing of either answer reached the channel.
    public = [m for m in fake.messages_in(CHANNEL_ID) if "ephemeral_to" not in m]
    assert all("Redis" not in texts(m) for m in public)

    status = await slash(fake, replica.url, "/challenge", "status", **BEN)
    assert "ana" in texts(status)
    assert "ben" in texts(status)

    clock.advance(121)
    reveal = await fake.wait_for(
        lambda c: c.method == "chat.postMessage" and "together you covered" in texts(c.body),
        timeout=5,
    )
    assert reveal.ok, reveal.response
    assert reveal.body["channel"] == CHANNEL_ID
    shown = texts(reveal.body)
    assert "ana" in shown
    assert "ben" in shown
    assert "covered" in shown
    assert fake.warnings == []

    board = await slash(fake, replica.url, "/leaderboard", "week", **BEN)
    lines = texts(board)
    assert lines.index("ana") < lines.index("ben")  # the stronger answer leads


async def test_only_the_starter_or_an_admin_ends_a_challenge_early(
    fake: FakeSlack, replica: Replica
) -> None:
    await slash(fake, replica.url, "/challenge", "start a-cpu-at-80 5m", **ANA)
    refused = await slash(fake, replica.url, "/challenge", "end", **BEN)
    assert "together you covered" not in texts(refused)
    ended = await slash(
        fake, replica.url, "/rungs", "challenge end", user_id=BOSS, user_name="boss"
    )
    assert "together you covered" in texts(ended)
    assert ended["response_type"] == "in_channel"


async def test_a_daily_drill_needs_an_admin(fake: FakeSlack, replica: Replica) -> None:
    refused = await slash(fake, replica.url, "/schedule", "daily 09:00 Europe/Berlin", **BEN)
    assert "admin" in texts(refused).lower()
    set_by_list = await slash(
        fake, replica.url, "/schedule", "daily 09:00 Europe/Berlin", user_id=BOSS, user_name="b"
    )
    assert "09:00" in texts(set_by_list)
    # A workspace admin, as users.info tells it, may change it too.
    fake.answer("users.info", {"ok": True, "user": {"id": "U0ADMIN", "is_admin": True}})
    changed = await slash(
        fake, replica.url, "/schedule", "daily 18:30 America/New_York", user_id="U0ADMIN"
    )
    assert "18:30" in texts(changed)
    shown = await slash(fake, replica.url, "/schedule", "", **BEN)
    assert "18:30" in texts(shown)
    assert "America/New_York" in texts(shown)


async def test_a_drill_nudges_its_learner_when_time_is_up(
    fake: FakeSlack, replica: Replica, clock: ShiftedClock
) -> None:
    await slash(fake, replica.url, "/drill", "a-cpu-at-80", **ANA)
    clock.advance(60 * 60)
    nudge = await fake.wait_for(
        lambda c: c.method == "chat.postEphemeral" and "Time's up" in texts(c.body), timeout=5
    )
    assert nudge.ok, nudge.response
    assert nudge.body["user"] == ANA["user_id"]
    assert nudge.body["channel"] == CHANNEL_ID


@pytest.mark.parametrize(
    ("command", "text", "asks"),
    [
        ("/schedule", "daily 09:00 Europe/Berlin", True),
        ("/schedule", "off", True),
        ("/challenge", "end", True),  # someone else's challenge, before its deadline
        ("/schedule", "", False),
        ("/challenge", "status", False),
        ("/trace", "GET /u/7", False),
        ("/schedule", "daily 25:00 Nowhere/City", False),  # refused by the parser first
    ],
)
async def test_only_commands_whose_rules_need_it_ask_slack_who_is_an_admin(
    fake: FakeSlack, replica: Replica, command: str, text: str, asks: bool
) -> None:
    await slash(fake, replica.url, "/challenge", "start a-cpu-at-80 5m", **ANA)
    before = len(fake.calls_to("users.info"))

    await slash(fake, replica.url, command, text, **BEN)

    assert (len(fake.calls_to("users.info")) > before) is asks


async def test_a_review_reminder_comes_by_dm_and_its_buttons_are_its_learners(
    fake: FakeSlack, replica: Replica, clock: ShiftedClock
) -> None:
    await slash(fake, replica.url, "/drill", "e07-cdn", **ANA)
    await slash(fake, replica.url, "/reveal", "", **ANA)
    await slash(fake, replica.url, "/rate", "again", **ANA)
    clock.advance(2 * 24 * 60 * 60)  # the review is due
    at = clock.now() + timedelta(minutes=2)
    opted = await slash(fake, replica.url, "/settings", f"reminders=daily {at:%H:%M}", **ANA)
    assert "only when a review is due" in texts(opted)
    clock.advance(5 * 60)
    posted = await fake.wait_for(
        lambda c: c.method == "chat.postMessage" and "review is due" in texts(c.body), timeout=5
    )
    assert posted.ok, posted.response
    assert posted.body["channel"] == ANA["user_id"]  # the app's DM with her
    assert "1 review is due: Putting a CDN in front." in texts(posted.body)
    channel, ts = str(posted.response["channel"]), str(posted.response["ts"])
    message = fake.message(channel, ts)
    assert message is not None
    for who, expected in ((BEN, "sent to someone else"), (ANA, "Snoozed: no reminder on")):
        action = action_id_for(message, "r1:rm:snooze:")
        clicked = fake.block_actions(action, message_ts=ts, channel_id=channel, **who)
        status, _, _ = await fake.deliver(replica.url, clicked)
        assert status == 200
        await fake.wait_for(
            lambda c, text=expected: c.method == RESPONSE_URL and text in texts(c.body),
            timeout=5,
        )


async def test_a_daily_post_refused_with_not_in_channel_is_told_to_the_channel(
    fake: FakeSlack, replica: Replica, clock: ShiftedClock
) -> None:
    at = clock.now() + timedelta(minutes=2)
    boss = {"user_id": BOSS, "user_name": "boss"}
    await slash(fake, replica.url, "/schedule", f"daily {at:%H:%M} UTC", **boss)
    fake.api.chat.not_in.add(CHANNEL_ID)  # the app was removed from the channel
    clock.advance(5 * 60)
    refused = await fake.wait_for(
        lambda c: c.method == "chat.postMessage" and c.body.get("channel") == CHANNEL_ID,
        timeout=5,
    )
    assert refused.response["error"] == "not_in_channel"
    for _ in range(50):
        shown = texts(await slash(fake, replica.url, "/schedule", "show", **BEN))
        if "could not be posted" in shown:
            break
        await asyncio.sleep(0.1)
    assert "Rungs has no access to the channel" in shown
    assert "(Slack not_in_channel)" in shown
    assert "invite Rungs to the channel again" in shown

    fake.api.chat.not_in.discard(CHANNEL_ID)
    clock.advance(24 * 60 * 60)
    posted = await fake.wait_for(
        lambda c: c.method == "chat.postMessage" and c.ok and "Daily drill" in texts(c.body),
        timeout=5,
    )
    assert "Posting works again." in texts(posted.body)


async def test_review_now_in_a_reminder_dm_runs_the_drill_there_for_its_learner(
    fake: FakeSlack, replica: Replica, clock: ShiftedClock
) -> None:
    await slash(fake, replica.url, "/drill", "e07-cdn", **ANA)
    await slash(fake, replica.url, "/reveal", "", **ANA)
    await slash(fake, replica.url, "/rate", "again", **ANA)
    clock.advance(2 * 24 * 60 * 60)
    at = clock.now() + timedelta(minutes=2)
    await slash(fake, replica.url, "/settings", f"reminders=daily {at:%H:%M}", **ANA)
    clock.advance(5 * 60)
    posted = await fake.wait_for(
        lambda c: c.method == "chat.postMessage" and "review is due" in texts(c.body), timeout=5
    )
    dm = str(posted.response["channel"])
    reminder = fake.message(dm, str(posted.response["ts"]))
    assert reminder is not None

    async def press(message: JSON, prefix: str, who: dict[str, str]) -> None:
        action = action_id_for(message, prefix)
        clicked = fake.block_actions(action, message_ts=message["ts"], channel_id=dm, **who)
        status, _, _ = await fake.deliver(replica.url, clicked)
        assert status == 200

    await press(reminder, "r1:rm:review:", ANA)
    await fake.wait_for(
        lambda c: c.method == RESPONSE_URL and "Drill: Putting a CDN in front" in texts(c.body),
        timeout=5,
    )
    drill = fake.messages_in(dm)[-1]
    assert "Drill: Putting a CDN in front" in texts(drill)

    # Someone else's press of her Reveal acts for them, on nothing of hers: refused.
    await press(drill, "r1:rv:", BEN)
    await fake.wait_for(
        lambda c: c.method == RESPONSE_URL and "No drill is running" in texts(c.body), timeout=5
    )

    opened_before = len(fake.calls_to("views.open"))
    await press(drill, "r1:an", ANA)  # the answer form, from the DM
    opened = await fake.wait_for("views.open", nth=opened_before + 1)
    sketch = "Put a CDN in front: edge caches serve static assets, with a TTL and invalidation"
    submission = fake.view_submission(
        opened.response["view"]["id"], {"sketch": {"sketch": sketch}}, **ANA
    )
    status, _, _ = await fake.deliver(replica.url, submission)
    assert status == 200
    await fake.wait_for(
        lambda c: c.method.startswith("chat.post") and "Added to your sketch" in texts(c.body),
        timeout=5,
    )
    await press(drill, "r1:rv:", ANA)
    revealed = await fake.wait_for(
        lambda c: c.method == RESPONSE_URL and "covered" in texts(c.body), timeout=5
    )
    assert "Putting a CDN in front" in texts(revealed.body)
