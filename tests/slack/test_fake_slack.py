"""The fake Slack (tests/fakes/fake_slack) proved against the real slack-bolt AsyncApp.

A minimal Bolt app (defined here, not Rungs code) runs behind its own aiohttp server
(``app.web_app()``, platforms.md section 1.4) or over Socket Mode; its ``AsyncWebClient`` points
at the fake. The tests send signed requests built by the fake and read what Bolt sent back.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt is not installed (extra: slack)")

from aiohttp import web
from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, USER_ID, FakeSlack
from fakes.fake_slack.server import RESPONSE_URL_NUMBER
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

JSON = dict[str, Any]


def section(text: str) -> JSON:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str, value: str, text: str = "Press") -> JSON:
    return {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": text},
    }


PRESS_BLOCKS = [section("Press it"), {"type": "actions", "elements": [button("press", "7")]}]
ANSWER_MODAL: JSON = {
    "type": "modal",
    "callback_id": "answer",
    "private_metadata": "drill:42",
    "title": {"type": "plain_text", "text": "Your answer"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "answer",
            "label": {"type": "plain_text", "text": "Sketch"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        }
    ],
}
HOME: JSON = {
    "type": "home",
    "blocks": [section("Your progress"), {"type": "actions", "elements": [button("drill", "d1")]}],
}


# -- the Bolt app under test -----------------------------------------------------------------


@dataclass
class Probe:
    """The app, where it listens, and what its listeners saw."""

    app: AsyncApp
    url: str = ""
    outcomes: asyncio.Queue[str] = field(default_factory=asyncio.Queue)

    async def outcome(self) -> str:
        async with asyncio.timeout(2):
            return await self.outcomes.get()


def build_app(fake: FakeSlack) -> Probe:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    probe = Probe(AsyncApp(client=client, signing_secret=fake.signing_secret))
    app = probe.app

    @app.command("/echo")
    async def echo(ack: AsyncAck, respond: AsyncRespond, command: JSON) -> None:
        await ack()
        await respond(f"echo: {command['text']}")

    @app.command("/think")
    async def think(ack: AsyncAck) -> None:
        await ack("thinking...")

    @app.command("/post")
    async def post(ack: AsyncAck, client: AsyncWebClient, command: JSON) -> None:
        await ack()
        await client.chat_postMessage(
            channel=command["channel_id"], text="Press it", blocks=PRESS_BLOCKS
        )

    @app.action("press")
    async def press(ack: AsyncAck, respond: AsyncRespond, action: JSON) -> None:
        await ack()
        await respond(replace_original=True, text=f"pressed {action['value']}")

    @app.command("/modal")
    async def modal(ack: AsyncAck, client: AsyncWebClient, body: JSON) -> None:
        await ack()  # before views_open, as it would be in Rungs; the trigger lives 3 s
        try:
            opened = await client.views_open(trigger_id=body["trigger_id"], view=ANSWER_MODAL)
            probe.outcomes.put_nowait(opened["view"]["id"])
        except SlackApiError as error:
            probe.outcomes.put_nowait(error.response["error"])

    @app.view("answer")
    async def answer(ack: AsyncAck, view: JSON) -> None:
        text = view["state"]["values"]["answer"]["text"]["value"]
        if not text.strip():
            await ack(response_action="errors", errors={"answer": "Write a sketch first"})
            return
        await ack()
        probe.outcomes.put_nowait(f"{view['private_metadata']}: {text}")

    @app.event("app_home_opened")
    async def home(client: AsyncWebClient, event: JSON) -> None:
        await client.views_publish(user_id=event["user"], view=HOME)

    @app.action("drill")
    async def drill(ack: AsyncAck, body: JSON, action: JSON, client: AsyncWebClient) -> None:
        await ack()
        # A click in a view has no response_url: answer in the user's DM.
        await client.chat_postMessage(
            channel=body["user"]["id"], text=f"drill {action['value']} from {body['view']['id']}"
        )

    return probe


@asynccontextmanager
async def serve(probe: Probe) -> AsyncIterator[Probe]:
    runner = web.AppRunner(probe.app.web_app(path="/slack/events"))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    probe.url = f"http://{host}:{port}/slack/events"
    try:
        yield probe
    finally:
        await runner.cleanup()


@pytest.fixture(autouse=True)
def no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's SLACK_* variables must not leak into Bolt or slack_sdk."""
    for name in list(os.environ):
        if name.startswith("SLACK_"):
            monkeypatch.delenv(name)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def bolt(fake: FakeSlack) -> AsyncIterator[Probe]:
    async with serve(build_app(fake)) as probe:
        yield probe


@pytest.fixture
async def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)


# -- HTTP mode -------------------------------------------------------------------------------


async def test_slash_command_reaches_bolt_and_respond_lands_at_the_response_url(
    fake: FakeSlack, bolt: Probe
) -> None:
    outgoing = fake.slash_command("/echo", "hello there")

    status, body, elapsed = await fake.deliver(bolt.url, outgoing)

    assert (status, body) == (200, "")
    assert elapsed < 1
    reply = await fake.wait_for(RESPONSE_URL)
    assert outgoing.response_url == f"{fake.url}/commands/T0RUNGS/{RESPONSE_URL_NUMBER}/{reply.key}"
    assert reply.body == {"text": "echo: hello there"}
    assert reply.ok
    [shown] = fake.messages_in(CHANNEL_ID)
    assert (shown["text"], shown["ephemeral_to"]) == ("echo: hello there", USER_ID)
    [auth] = fake.calls_to("auth.test")  # Bolt checks its token lazily, on the first request
    assert auth.headers["authorization"] == f"Bearer {fake.bot_token}"
    assert fake.warnings == []


@pytest.mark.parametrize(
    ("secret", "age"), [("not-the-secret", 0), (None, 301)], ids=["bad-signature", "stale"]
)
async def test_bolt_refuses_a_bad_signature_and_a_stale_timestamp(
    fake: FakeSlack, bolt: Probe, secret: str | None, age: int
) -> None:
    outgoing = fake.slash_command("/echo", "hi")

    status, body, _ = await fake.deliver(
        bolt.url, outgoing, secret=secret, timestamp=int(time.time()) - age
    )

    assert (status, json.loads(body)) == (401, {"error": "invalid request"})
    assert fake.calls == []  # refused before authorization: not even auth.test


async def test_a_click_on_a_posted_button_replaces_the_message(
    fake: FakeSlack, bolt: Probe
) -> None:
    await fake.deliver(bolt.url, fake.slash_command("/post"))
    posted = await fake.wait_for("chat.postMessage")
    assert posted.headers["content-type"].startswith("application/json")  # blocks go as JSON
    ts = posted.response["ts"]
    click = fake.block_actions("press", message_ts=ts)
    assert click.payload["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": CHANNEL_ID,
        "is_ephemeral": False,
    }
    assert (
        click.payload["actions"][0]["block_id"]
        == posted.response["message"]["blocks"][1]["block_id"]
    )

    status, _, _ = await fake.deliver(bolt.url, click)

    assert status == 200
    await fake.wait_for(RESPONSE_URL)
    message = fake.message(CHANNEL_ID, ts)
    assert message is not None
    assert message["text"] == "pressed 7"
    assert "blocks" not in message  # replace_original replaces the whole message
    assert fake.warnings == []


async def test_a_modal_opens_and_its_submission_is_validated(fake: FakeSlack, bolt: Probe) -> None:
    await fake.deliver(bolt.url, fake.slash_command("/modal"))
    view_id = await bolt.outcome()
    opened = await fake.wait_for("views.open")
    assert opened.body["view"]["callback_id"] == "answer"

    status, body, _ = await fake.deliver(
        bolt.url, fake.view_submission(view_id, {"answer": {"text": " "}})
    )
    assert (status, json.loads(body)) == (
        200,
        {"response_action": "errors", "errors": {"answer": "Write a sketch first"}},
    )

    status, body, _ = await fake.deliver(
        bolt.url, fake.view_submission(view_id, {"answer": {"text": "LB + cache"}})
    )
    assert (status, body) == (200, "")
    assert await bolt.outcome() == "drill:42: LB + cache"


async def test_views_open_refuses_stale_reused_and_unknown_trigger_ids(
    fake: FakeSlack, bolt: Probe, client: AsyncWebClient
) -> None:
    stale = fake.slash_command("/modal")
    fake.advance(3.1)
    await fake.deliver(bolt.url, stale)
    assert await bolt.outcome() == "expired_trigger_id"

    twice = fake.slash_command("/modal")
    await fake.deliver(bolt.url, twice)
    assert (await bolt.outcome()).startswith("V")
    await fake.deliver(bolt.url, twice)  # a duplicate delivery of the same command
    assert await bolt.outcome() == "exchanged_trigger_id"

    with pytest.raises(SlackApiError) as refused:
        await client.views_open(trigger_id="1.2.made-up", view=ANSWER_MODAL)
    assert refused.value.response["error"] == "invalid_trigger_id"


async def test_app_home_opened_publishes_the_home_view(fake: FakeSlack, bolt: Probe) -> None:
    status, _, _ = await fake.deliver(bolt.url, fake.app_home_opened())
    assert status == 200
    await fake.wait_for("views.publish")
    assert fake.home_views[USER_ID]["blocks"][0]["text"]["text"] == "Your progress"
    first_id = fake.home_views[USER_ID]["id"]

    second = fake.app_home_opened()
    assert second.payload["event"]["view"]["id"] == first_id  # Slack sends the current view
    await fake.deliver(bolt.url, second)
    await fake.wait_for("views.publish", nth=2)
    assert fake.home_views[USER_ID]["id"] == first_id  # one Home view per user


async def test_a_click_in_the_home_tab_is_answered_in_the_dm(fake: FakeSlack, bolt: Probe) -> None:
    await fake.deliver(bolt.url, fake.app_home_opened())
    view_id = (await fake.wait_for("views.publish")).response["view"]["id"]
    click = fake.view_actions("drill", view_id=view_id)
    assert click.payload["container"] == {"type": "view", "view_id": view_id}
    assert "response_url" not in click.payload

    status, _, _ = await fake.deliver(bolt.url, click)

    assert status == 200
    posted = await fake.wait_for("chat.postMessage")
    assert posted.response["channel"] == fake.dm_channel(USER_ID) != USER_ID
    [dm] = fake.messages_in(USER_ID)
    assert dm["text"] == f"drill d1 from {view_id}"


# -- Web API ---------------------------------------------------------------------------------


async def test_a_429_raises_without_a_retry_handler(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.rate_limit("chat.postMessage", retry_after=1)

    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel=CHANNEL_ID, text="hi")

    assert limited.value.response.status_code == 429
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "1"
    assert (await client.chat_postMessage(channel=CHANNEL_ID, text="hi"))["ok"]


async def test_a_429_is_retried_by_the_rate_limit_handler(
    fake: FakeSlack, client: AsyncWebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def no_wait(seconds: float) -> None:
        slept.append(seconds)

    # Only the handler module's name `asyncio` is replaced: the retry waits no real second.
    monkeypatch.setattr(builtin_async_handlers, "asyncio", SimpleNamespace(sleep=no_wait))
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    fake.rate_limit("chat.postMessage", times=2, retry_after=3)

    posted = await client.chat_postMessage(channel=CHANNEL_ID, text="hi")

    assert posted["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 429, 200]
    assert len(slept) == 2
    assert all(3 <= s < 4 for s in slept)  # Retry-After plus up to 1 s of jitter


def blocks(n: int) -> list[JSON]:
    return [section(f"#{i}") for i in range(n)]


def modal(**changes: Any) -> JSON:
    return {**ANSWER_MODAL, **changes}


def text(content: str) -> JSON:
    return {"type": "plain_text", "text": content}


def actions(*elements: JSON) -> list[JSON]:
    return [{"type": "actions", "elements": list(elements)}]


MESSAGE, MODAL, HOME_TAB = "chat_postMessage", "views_open", "views_publish"
REFUSED = [
    pytest.param(MESSAGE, blocks(51), "/blocks", id="51-blocks"),
    pytest.param(MESSAGE, [section("x" * 3001)], "/blocks/0/text/text", id="section-3001"),
    pytest.param(
        MESSAGE, [{"type": "header", "text": text("h" * 151)}], "/blocks/0/text/text", id="header"
    ),
    pytest.param(
        MESSAGE, actions(button("a", "1", "b" * 76)), "/blocks/0/elements/0/text/text", id="button"
    ),
    pytest.param(
        MESSAGE, actions(button("a" * 256, "1")), "/blocks/0/elements/0/action_id", id="action_id"
    ),
    pytest.param(
        MESSAGE, [{**section("x"), "block_id": "b" * 256}], "/blocks/0/block_id", id="block_id"
    ),
    pytest.param(HOME_TAB, {"type": "home", "blocks": blocks(101)}, "/view/blocks", id="home-101"),
    pytest.param(MODAL, modal(title=text("t" * 25)), "/view/title/text", id="modal-title"),
    pytest.param(MODAL, modal(submit=text("s" * 25)), "/view/submit/text", id="modal-submit"),
    pytest.param(
        MODAL, modal(private_metadata="m" * 3001), "/view/private_metadata", id="metadata"
    ),
]


@pytest.mark.parametrize(("method", "content", "pointer"), REFUSED)
async def test_payloads_over_slack_limits_are_refused(
    fake: FakeSlack, client: AsyncWebClient, method: str, content: Any, pointer: str
) -> None:
    arguments: JSON = {
        MESSAGE: {"channel": CHANNEL_ID, "text": "fallback", "blocks": content},
        MODAL: {"trigger_id": fake.issue_trigger_id(), "view": content},
        HOME_TAB: {"user_id": USER_ID, "view": content},
    }[method]

    with pytest.raises(SlackApiError) as refused:
        await getattr(client, method)(**arguments)

    # Slack refuses messages as invalid_blocks and views as invalid_arguments.
    assert refused.value.response["error"] == (
        "invalid_blocks" if method == MESSAGE else "invalid_arguments"
    )
    [message] = refused.value.response["response_metadata"]["messages"]
    assert message.startswith("[ERROR] ")
    assert message.endswith(f"[json-pointer:{pointer}]")
    assert fake.messages == {}
    assert fake.views == {}


async def test_payloads_at_the_limits_are_accepted(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert (await client.chat_postMessage(channel=CHANNEL_ID, text="50", blocks=blocks(50)))["ok"]
    long = await client.chat_postMessage(channel=CHANNEL_ID, text="t", blocks=[section("x" * 3000)])
    assert long["ok"]
    view = modal(title=text("t" * 24), private_metadata="m" * 3000)
    assert (await client.views_open(trigger_id=fake.issue_trigger_id(), view=view))["ok"]


async def test_blocks_without_a_text_fallback_are_recorded_as_a_warning(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    with pytest.warns(UserWarning, match="top-level `text`"):  # slack_sdk warns as well
        await client.chat_postMessage(channel=CHANNEL_ID, blocks=PRESS_BLOCKS)

    assert fake.warnings == ["chat.postMessage: blocks without a top-level text fallback"]


async def test_tokens_are_checked(fake: FakeSlack) -> None:
    wrong = AsyncWebClient(token="xoxb-not-ours", base_url=fake.api_url)
    app_token = AsyncWebClient(token=fake.app_token, base_url=fake.api_url)

    with pytest.raises(SlackApiError) as unknown:
        await wrong.chat_postMessage(channel=CHANNEL_ID, text="hi")
    with pytest.raises(SlackApiError) as misused:
        await app_token.chat_postMessage(channel=CHANNEL_ID, text="hi")

    assert unknown.value.response.data == {"ok": False, "error": "invalid_auth"}
    assert misused.value.response["error"] == "not_allowed_token_type"


async def test_messages_keep_their_current_state(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel=CHANNEL_ID, text="v1", blocks=PRESS_BLOCKS)
    updated = await client.chat_update(channel=CHANNEL_ID, ts=posted["ts"], text="v2")
    private = await client.chat_postEphemeral(channel=CHANNEL_ID, user=USER_ID, text="psst")

    assert (updated["channel"], updated["ts"]) == (CHANNEL_ID, posted["ts"])
    message = fake.message(CHANNEL_ID, posted["ts"])
    assert message is not None
    assert message["text"] == "v2"
    assert len(message["blocks"]) == 2  # chat.update keeps the blocks it is not given
    assert set(private.data) == {"ok", "message_ts"}
    for ts in ("1.000000", private["message_ts"]):  # unknown, and ephemeral (response_url only)
        with pytest.raises(SlackApiError) as missing:
            await client.chat_update(channel=CHANNEL_ID, ts=ts, text="v3")
        assert missing.value.response["error"] == "message_not_found"


async def test_form_bodies_are_read_like_json_ones(fake: FakeSlack, client: AsyncWebClient) -> None:
    form = {"channel": CHANNEL_ID, "text": "form", "blocks": json.dumps(PRESS_BLOCKS)}

    posted = await client.api_call("chat.postMessage", data=form)

    assert posted["ok"]
    call = fake.calls_to("chat.postMessage")[0]
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.body["blocks"][1]["elements"][0]["action_id"] == "press"


async def test_unknown_methods_can_be_answered(fake: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as unknown:
        await client.users_info(user=USER_ID)
    assert unknown.value.response["error"] == "unknown_method"

    fake.answer("users.info", {"ok": True, "user": {"id": USER_ID, "tz": "Europe/Paris"}})

    assert (await client.users_info(user=USER_ID))["user"]["tz"] == "Europe/Paris"


async def test_a_response_url_takes_five_posts_within_thirty_minutes(fake: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake.response_url())
    statuses = [(await webhook.send(text=f"#{i}")).status_code for i in range(6)]
    assert statuses == [200] * 5 + [404]
    assert fake.calls[-1].response == {"ok": False, "error": "used_url"}

    late = AsyncWebhookClient(fake.response_url())
    fake.advance(30 * 60 + 1)
    answer = await late.send(text="too late")
    assert (answer.status_code, json.loads(answer.body)["error"]) == (404, "expired_url")


async def test_response_urls_post_replace_and_delete_like_slack(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    private = await client.chat_postEphemeral(
        channel=CHANNEL_ID, user=USER_ID, text="choose", blocks=PRESS_BLOCKS
    )
    click = fake.block_actions("press", message_ts=private["message_ts"])
    assert click.payload["container"]["is_ephemeral"] is True
    assert "message" not in click.payload  # Slack sends no message for an ephemeral one
    assert click.response_url is not None
    webhook = AsyncWebhookClient(click.response_url)

    refused = await webhook.send(text="too big", blocks=blocks(51))
    shared = await webhook.send(text="for everyone", response_type="in_channel")
    replaced = await webhook.send(text="chosen", replace_original=True)

    assert [refused.status_code, shared.status_code, replaced.status_code] == [400, 200, 200]
    assert json.loads(refused.body)["error"] == "invalid_blocks"
    [chosen, public] = fake.messages_in(CHANNEL_ID)  # in ts order
    assert ("ephemeral_to" in public, public["text"]) == (False, "for everyone")
    assert (chosen["ephemeral_to"], chosen["text"]) == (USER_ID, "chosen")
    assert (await webhook.send_dict({"delete_original": True})).status_code == 200
    assert fake.messages_in(CHANNEL_ID) == [public]


# -- Socket Mode -----------------------------------------------------------------------------


@asynccontextmanager
async def socket_mode(fake: FakeSlack) -> AsyncIterator[AsyncSocketModeHandler]:
    handler = AsyncSocketModeHandler(build_app(fake).app, app_token=fake.app_token)
    await handler.connect_async()
    try:
        await fake.wait_connected()
        yield handler
    finally:
        await handler.close_async()


async def test_socket_mode_delivers_envelopes_and_returns_acks(fake: FakeSlack) -> None:
    async with socket_mode(fake):
        opened = await fake.wait_for("apps.connections.open")
        assert opened.headers["authorization"] == f"Bearer {fake.app_token}"

        echo = await fake.push(fake.slash_command("/echo", "over the socket"))
        ack = await fake.wait_ack(echo)
        assert (ack.envelope_id, ack.payload) == (echo, None)
        assert (await fake.wait_for(RESPONSE_URL)).body == {"text": "echo: over the socket"}

        thinking = await fake.wait_ack(await fake.push(fake.slash_command("/think")))
        assert thinking.payload == {"text": "thinking..."}

        # Bolt acks only what a listener handled: Slack would show the user a timeout.
        unknown = await fake.push(fake.slash_command("/unknown"))
        with pytest.raises(AssertionError, match="no ack"):
            await fake.wait_ack(unknown, timeout=0.3)

    assert fake.socket.stray == []  # nothing was acked twice


async def test_socket_mode_acks_carry_view_errors_and_survive_a_reconnect(
    fake: FakeSlack,
) -> None:
    async with socket_mode(fake):
        await fake.push(fake.slash_command("/modal"))
        view_id = (await fake.wait_for("views.open")).response["view"]["id"]

        await fake.request_disconnect()
        await fake.wait_connected(nth=2)  # slack_sdk fetched a fresh URL and reconnected
        assert len(fake.calls_to("apps.connections.open")) == 2

        empty = fake.view_submission(view_id, {"answer": {"text": ""}})
        ack = await fake.wait_ack(await fake.push(empty))
        assert ack.payload == {
            "response_action": "errors",
            "errors": {"answer": "Write a sketch first"},
        }
