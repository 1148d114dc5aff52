"""The real Rungs Slack app (slack-bolt's AsyncApp) against a local fake of Slack, over loopback,
with correctly signed requests: commands, buttons, the answer form, App Home, bad signatures,
pings, failures."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, USER_ID, FakeSlack
from slack_harness import (
    JSON,
    Replica,
    action_id_for,
    button_values,
    http_replica,
    texts,
)

from engine.content.loader import Content

ACK_LIMIT_S = 3.0


@pytest.fixture(autouse=True)
def no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)


async def slash(fake: FakeSlack, url: str, command: str, text: str = "", **who: str) -> JSON:
    """Send a signed slash command; return what the app posted to its response_url."""
    outgoing = fake.slash_command(command, text, **who)
    status, body, elapsed = await fake.deliver(url, outgoing)
    assert status == 200, body
    assert elapsed < ACK_LIMIT_S
    call = await fake.wait_for(lambda c: c.method == RESPONSE_URL and c.key == _key(outgoing))
    assert call.status == 200, call.response
    return call.body


def _key(outgoing: object) -> str:
    url = str(getattr(outgoing, "response_url", ""))
    return url.rsplit("/", 1)[-1]


def latest(fake: FakeSlack, channel: str = CHANNEL_ID) -> JSON:
    messages = fake.messages_in(channel)
    assert messages, f"nothing posted in {channel}"
    return messages[-1]


async def click(fake: FakeSlack, url: str, message: JSON, engine_prefix: str, **who: str) -> None:
    outgoing = fake.block_actions(
        action_id_for(message, engine_prefix), message_ts=message["ts"], **who
    )
    status, body, _ = await fake.deliver(url, outgoing)
    assert status == 200, body


async def test_trace_posts_to_the_channel_with_step_buttons(
    fake: FakeSlack, replica: Replica
) -> None:
    body = await slash(fake, replica.url, "/trace", "GET /u/7")
    assert body["response_type"] == "in_channel"
    assert "GET /u/7" in texts(body)
    assert body["text"]  # the plain-text fallback
    message = latest(fake)
    assert "ephemeral_to" not in message
    assert any(v.startswith("r1:ts:") for v in button_values(message))
    assert fake.warnings == []


async def test_next_updates_the_trace_message_in_place(fake: FakeSlack, replica: Replica) -> None:
    await slash(fake, replica.url, "/trace", "GET /u/7")
    message = latest(fake)
    before = texts(message)
    count = len(fake.messages_in(CHANNEL_ID))
    await click(fake, replica.url, message, "r1:ts:")
    await fake.wait_for(RESPONSE_URL, nth=2)
    after = fake.message(CHANNEL_ID, message["ts"])
    assert after is not None
    assert texts(after) != before
    assert "2/" in texts(after)
    assert len(fake.messages_in(CHANNEL_ID)) == count  # replaced, not a new message


async def test_the_umbrella_command_is_the_same_command(fake: FakeSlack, replica: Replica) -> None:
    body = await slash(fake, replica.url, "/rungs", "trace GET /u/9")
    assert body["response_type"] == "in_channel"
    assert "GET /u/9" in texts(body)
    helped = await slash(fake, replica.url, "/rungs")
    assert "/trace" in texts(helped)


async def test_the_warm_cache_is_shared_by_the_channel(fake: FakeSlack, replica: Replica) -> None:
    await slash(fake, replica.url, "/trace", "GET /u/7", user_id="U0ANA", user_name="ana")
    await slash(fake, replica.url, "/trace", "GET /u/7", user_id="U0BEN", user_name="ben")
    second = await fake.wait_for(RESPONSE_URL, nth=2)
    assert "Trace #2" in texts(second.body)  # one cluster for the channel
    message = latest(fake)
    await click(fake, replica.url, message, "r1:ta:", user_id="U0BEN", user_name="ben")
    await fake.wait_for(RESPONSE_URL, nth=3)
    assert "cache hit" in texts(fake.message(CHANNEL_ID, message["ts"])).lower()


async def test_drill_answer_form_reveal_and_rating(fake: FakeSlack, replica: Replica) -> None:
    drill = await slash(fake, replica.url, "/drill", "a-cpu-at-80")
    assert drill["response_type"] == "ephemeral"
    message = latest(fake)
    assert message.get("ephemeral_to") == USER_ID

    await click(fake, replica.url, message, "r1:an")
    opened = await fake.wait_for("views.open")
    assert opened.ok, opened.response
    view_id = opened.response["view"]["id"]

    sketch = (
        "Scale vertically first, then put a load balancer in front of several stateless app "
        "servers, move sessions to Redis, add health checks and autoscaling on CPU."
    )
    submission = fake.view_submission(view_id, {"sketch": {"sketch": sketch}})
    status, _, _ = await fake.deliver(replica.url, submission)
    assert status == 200
    noted = await fake.wait_for("chat.postEphemeral")
    assert noted.ok, noted.response
    assert noted.body["channel"] == CHANNEL_ID
    assert noted.body["user"] == USER_ID

    assert "sketch" in texts(latest(fake)).lower()
    await click(fake, replica.url, message, "r1:rv:")  # Reveal, on the drill's own message
    revealed = await fake.wait_for(RESPONSE_URL, nth=2)
    assert "covered" in texts(revealed.body).lower()
    reveal_message = latest(fake)
    await click(fake, replica.url, reveal_message, "r1:rt:good:")
    rated = await fake.wait_for(RESPONSE_URL, nth=3)
    assert "review" in texts(rated.body).lower()


async def test_an_empty_answer_form_is_refused_in_the_form(
    fake: FakeSlack, replica: Replica
) -> None:
    await slash(fake, replica.url, "/drill", "a-cpu-at-80")
    await click(fake, replica.url, latest(fake), "r1:an")
    opened = await fake.wait_for("views.open")
    submission = fake.view_submission(opened.response["view"]["id"], {"sketch": {"sketch": " "}})
    status, body, _ = await fake.deliver(replica.url, submission)
    assert status == 200
    assert json.loads(body)["response_action"] == "errors"


async def test_answer_without_text_opens_the_form(fake: FakeSlack, replica: Replica) -> None:
    outgoing = fake.slash_command("/answer", "")
    status, _, _ = await fake.deliver(replica.url, outgoing)
    assert status == 200
    opened = await fake.wait_for("views.open")
    assert opened.ok, opened.response
    assert opened.body["trigger_id"] == outgoing.trigger_id


@pytest.mark.parametrize("bad", ["secret", "timestamp"])
async def test_bad_signatures_get_401_and_change_nothing(
    fake: FakeSlack, replica: Replica, tmp_path: Path, bad: str
) -> None:
    outgoing = fake.slash_command("/trace", "GET /u/7")
    overrides: dict[str, object] = (
        {"secret": "not-the-secret"} if bad == "secret" else {"timestamp": int(_now()) - 301}
    )
    status, _, _ = await fake.deliver(replica.url, outgoing, **overrides)
    assert status == 401
    # A good command after it, in another channel: once its answer is in, a wrongly accepted
    # request would have been answered too.
    good = fake.slash_command("/trace", "GET /u/8", channel_id="C0OTHER")
    assert (await fake.deliver(replica.url, good))[0] == 200
    await fake.wait_for(lambda c: c.method == RESPONSE_URL, timeout=5)
    assert [c.key for c in fake.calls_to(RESPONSE_URL)] == [good.response_url.rsplit("/", 1)[1]]
    with sqlite3.connect(tmp_path / "rungs.db") as db:
        assert db.execute("SELECT scope FROM clusters").fetchall() == [
            ("slack:T0RUNGS:ch:C0OTHER",)
        ]


def _now() -> float:
    import time

    return time.time()


async def test_app_home_shows_progress_and_a_start_button(
    fake: FakeSlack, replica: Replica
) -> None:
    status, _, _ = await fake.deliver(replica.url, fake.app_home_opened(USER_ID))
    assert status == 200
    published = await fake.wait_for("views.publish")
    assert published.ok, published.response
    home = fake.home_views[USER_ID]
    assert home["type"] == "home"
    assert any(v.startswith("r1:dr:") for v in button_values(home))

    # Start drill in the Home tab: no response_url there, so the drill arrives in the DM.
    start = next(v for v in button_values(home) if v.startswith("r1:dr:"))
    action_id = action_id_for(home, start)
    status, _, _ = await fake.deliver(replica.url, fake.view_actions(action_id, view_id=home["id"]))
    assert status == 200
    posted = await fake.wait_for("chat.postMessage")
    assert posted.ok, posted.response
    assert posted.response["channel"] == FakeSlack.dm_channel(USER_ID)


@pytest.mark.parametrize(
    ("typed", "ping"),
    [
        ("<!channel>", "<!channel>"),
        ("<!here>", "<!here>"),
        ("<!everyone>", "<!everyone>"),
        ("<!subteam^S0TEAM>", "<!subteam"),
        ("<@U0BOSS>", "<@U0BOSS>"),
        ("@here", "@here"),
    ],
)
async def test_typed_pings_are_echoed_without_a_ping(
    fake: FakeSlack, replica: Replica, typed: str, ping: str
) -> None:
    body = await slash(fake, replica.url, "/learn", typed)
    shown = texts(body)
    assert "is not a name" in shown  # the typed text is echoed back…
    assert ping not in shown  # …but cannot ping anyone


async def test_a_failing_request_answers_with_a_reference_and_the_app_carries_on(
    fake: FakeSlack, replica: Replica, tmp_path: Path
) -> None:
    with sqlite3.connect(tmp_path / "rungs.db") as db:
        db.execute("ALTER TABLE drill_sessions RENAME TO drill_sessions_gone")
    body = await slash(fake, replica.url, "/drill", "a-cpu-at-80")
    assert "ref " in texts(body)
    assert "Traceback" not in texts(body)
    traced = await slash(fake, replica.url, "/trace", "GET /u/7")
    assert "GET /u/7" in texts(traced)


async def test_a_rate_limited_post_is_retried(fake: FakeSlack, replica: Replica) -> None:
    fake.rate_limit("views.publish", times=1, retry_after=1)
    status, _, _ = await fake.deliver(replica.url, fake.app_home_opened(USER_ID))
    assert status == 200
    published = await fake.wait_for(lambda c: c.method == "views.publish" and c.ok, timeout=5)
    refused = [c for c in fake.calls_to("views.publish") if c.status == 429]
    assert len(refused) == 1
    assert published.at - refused[0].at >= 1.0


async def test_buttons_still_work_after_a_restart(
    fake: FakeSlack, tmp_path: Path, content: Content
) -> None:
    db = tmp_path / "restart.db"
    async with http_replica(fake, db, content) as before:
        await slash(fake, before.url, "/trace", "GET /u/7")
    message = latest(fake)
    async with http_replica(fake, db, content) as after:
        await click(fake, after.url, message, "r1:ts:")
        await fake.wait_for(RESPONSE_URL, nth=2)
    assert "2/" in texts(fake.message(CHANNEL_ID, message["ts"]))


async def test_a_reveal_quotes_the_sketch_without_a_ping(fake: FakeSlack, replica: Replica) -> None:
    await slash(fake, replica.url, "/drill", "b-read-ladder")
    sketch = "put a redis cache in front (<!here> @channel <!subteam^S1|@devs>) for most reads"
    await slash(fake, replica.url, "/answer", sketch)
    body = await slash(fake, replica.url, "/reveal")
    raw = json.dumps(body, ensure_ascii=False)
    assert "✅ Rung 1: put a cache in front — “put a redis cache in front (&lt;!here&gt;" in raw
    assert "@\u2060channel" in raw
    for live in ("<!here", "<!channel", "<!subteam", "@channel"):
        assert live not in raw
    assert "Again (suggested)" in raw
