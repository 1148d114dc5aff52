"""The fake Discord (tests/fakes/fake_discord/) proved against the real discord.py.

A real ``discord.Client`` with an ``app_commands.CommandTree`` logs in over REST and connects over
the gateway to the fake on loopback; the tests push interactions and read what discord.py sent
back. Only two class attributes are patched: ``Route.BASE`` and ``DEFAULT_GATEWAY``.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Self

import pytest

# "discord.app_commands", not "discord": without discord.py, this very folder (tests/discord)
# would be imported as a namespace package called discord.
pytest.importorskip("discord.app_commands", reason="discord.py is not installed (extra: discord)")
pytest.importorskip("aiohttp", reason="aiohttp is not installed (it comes with discord.py)")

import discord
from discord import app_commands
from fakes.fake_discord import LOADING, FakeDiscord, walk_components

JSON = dict[str, Any]
# The fake holds bots to Discord's 3 s for the first answer; these tests shorten it (the rule is
# the same at any length) so that a handler can be late without the suite waiting 3 s for it.
DEADLINE = 1.0
SLOW = DEADLINE + 0.3  # seconds: past the deadline for the first answer
Interaction = discord.Interaction[discord.Client]


# -- the bot under test ----------------------------------------------------------------------


class PressButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"press:(?P<count>\d+)"
):
    """A persistent button whose state lives in its custom_id."""

    def __init__(self, count: int) -> None:
        super().__init__(discord.ui.Button(label=f"Press ({count})", custom_id=f"press:{count}"))
        self.count = count

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["count"]))

    async def callback(self, interaction: Interaction) -> None:
        count = self.count + 1
        await interaction.response.edit_message(content=f"pressed {count}", view=press_view(count))


def press_view(count: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PressButton(count))
    return view


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Answer", custom_id="answer", style=discord.TextStyle.paragraph, max_length=4000
    )
    note: discord.ui.Label[AnswerModal] = discord.ui.Label(
        text="Note", component=discord.ui.TextInput(custom_id="note", required=False)
    )

    async def on_submit(self, interaction: Interaction) -> None:
        note = self.note.component
        assert isinstance(note, discord.ui.TextInput)
        text = f"answer={self.answer.value} note={note.value}"
        await interaction.response.send_message(text, ephemeral=True)


class ProbeBot(discord.Client):
    def __init__(self, **options: Any) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            guild_ready_timeout=0.1,  # the default waits 2 s after the last GUILD_CREATE
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self.on_tree_error)
        self.errors: asyncio.Queue[BaseException] = asyncio.Queue()
        self.seen: list[int] = []
        add_commands(self.tree)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(PressButton)  # on every start: buttons outlive the process

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # the default sleeps 5 s before every non-initial IDENTIFY

    async def on_interaction(self, interaction: Interaction) -> None:
        self.seen.append(interaction.id)

    async def on_tree_error(
        self, interaction: Interaction, error: app_commands.AppCommandError
    ) -> None:
        self.errors.put_nowait(getattr(error, "original", error))


def add_commands(tree: app_commands.CommandTree[discord.Client]) -> None:
    @tree.command(description="Answer with a button")
    async def ping(interaction: Interaction) -> None:
        await interaction.response.send_message("pong", view=press_view(0))

    @tree.command(description="Repeat the text")
    async def echo(interaction: Interaction, text: str) -> None:
        await interaction.response.send_message(text)

    @tree.command(description="Answer after the deadline, without deferring")
    async def slow(interaction: Interaction) -> None:
        await asyncio.sleep(SLOW)
        await interaction.response.send_message("too late")

    @tree.command(description="Defer, work past the deadline, then edit and follow up")
    async def deferred(interaction: Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(SLOW)
        await interaction.edit_original_response(content="done after the deadline")
        await interaction.followup.send("and a follow-up", ephemeral=True)

    @tree.command(description="Open a modal")
    async def answer(interaction: Interaction) -> None:
        await interaction.response.send_modal(AnswerModal())


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(guilds=2, callback_deadline=DEADLINE) as fake:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", fake.gateway_url)
        yield fake


@asynccontextmanager
async def running(fake: FakeDiscord, **options: Any) -> AsyncIterator[ProbeBot]:
    """login() then connect() in a task: wait_until_ready() before login() raises."""
    bot = ProbeBot(**options)
    await bot.login(fake.token)
    connecting = asyncio.create_task(bot.connect())
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        yield bot
    finally:
        await bot.close()
        await asyncio.wait_for(connecting, 5)


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[ProbeBot]:
    async with running(fake) as bot:
        yield bot


def custom_ids(message: JSON | None) -> list[str]:
    assert message is not None
    return [c["custom_id"] for c in walk_components(message["components"]) if "custom_id" in c]


async def ping(fake: FakeDiscord, guild: int = 0) -> JSON:
    """/ping in a guild; returns the reply message as the fake stores it."""
    iid = await fake.dispatch_interaction(fake.slash("ping", guild_id=fake.guilds[guild].id))
    callback = await fake.wait_for_callback(iid)
    assert (callback.status, callback.type) == (200, 4)
    assert callback.message is not None
    return callback.message


async def next_error(bot: ProbeBot) -> BaseException:
    return await asyncio.wait_for(bot.errors.get(), 5)


# -- tests -------------------------------------------------------------------------------------


async def test_start_up_follows_discords_sequence(fake: FakeDiscord, bot: ProbeBot) -> None:
    rest = [(c.method, c.path, c.status) for c in fake.calls.items]
    assert rest[:2] == [("GET", "/users/@me", 200), ("GET", "/oauth2/applications/@me", 200)]
    hello_beat, identify = fake.frames.items[:2]
    assert (hello_beat.op, identify.op) == (1, 2)  # a heartbeat right after HELLO, then IDENTIFY
    assert identify.d["token"] == fake.token
    assert "intents" in identify.d
    assert {g.id for g in bot.guilds} == {int(g.id) for g in fake.guilds}
    assert bot.get_channel(int(fake.channel_id())) is not None
    assert math.isfinite(bot.latency)  # the heartbeat was acknowledged

    synced = await bot.tree.sync()
    assert {c.name for c in synced} == {"ping", "echo", "slow", "deferred", "answer"}
    put = fake.calls.items[-1]
    assert (put.method, put.path) == ("PUT", f"/applications/{fake.application_id}/commands")
    payload = fake.slash("ping", guild_id=fake.guilds[0].id)
    assert payload["data"]["id"] == next(
        c["id"] for c in fake.commands[None] if c["name"] == "ping"
    )


async def test_slash_command_replies_with_a_button(fake: FakeDiscord, bot: ProbeBot) -> None:
    iid = await fake.dispatch_interaction(fake.slash("ping", guild_id=fake.guilds[0].id))
    callback = await fake.wait_for_callback(iid)

    assert (callback.status, callback.type) == (200, 4)
    assert callback.data["content"] == "pong"
    assert custom_ids(callback.message) == ["press:0"]
    assert callback.elapsed < 1.0
    call = await fake.wait_for(lambda c: c.path.startswith(f"/interactions/{iid}/"))
    assert call.query == {"with_response": "1"}  # the callback-response shape, not a 204
    assert callback.response is not None
    assert callback.message is not None
    assert callback.response["resource"]["message"]["id"] == callback.message["id"]


async def test_button_press_updates_the_message(fake: FakeDiscord, bot: ProbeBot) -> None:
    message = await ping(fake)
    for count in (1, 2):
        iid = await fake.dispatch_interaction(fake.button(f"press:{count - 1}", message))
        callback = await fake.wait_for_callback(iid)
        assert (callback.status, callback.type) == (200, 7)
        assert callback.message is not None
        assert callback.message["id"] == message["id"]
        assert callback.message["content"] == f"pressed {count}"
        assert custom_ids(callback.message) == [f"press:{count}"]
        message = fake.messages[message["id"]]


async def test_slow_handler_without_defer_gets_unknown_interaction(
    fake: FakeDiscord, bot: ProbeBot
) -> None:
    iid = await fake.dispatch_interaction(fake.slash("slow", guild_id=fake.guilds[0].id))
    callback = await fake.wait_for_callback(iid, timeout=SLOW + 2)

    assert (callback.status, callback.error_code) == (404, 10062)
    assert callback.elapsed > DEADLINE
    error = await next_error(bot)
    assert isinstance(error, discord.NotFound)
    assert error.code == 10062


async def test_defer_then_edit_and_follow_up_after_the_deadline(
    fake: FakeDiscord, bot: ProbeBot
) -> None:
    iid = await fake.dispatch_interaction(fake.slash("deferred", guild_id=fake.guilds[0].id))
    callback = await fake.wait_for_callback(iid)
    assert (callback.status, callback.type) == (200, 5)
    assert callback.message is not None
    assert callback.message["flags"] & LOADING

    edit = await fake.wait_for_webhook(iid, "PATCH", timeout=SLOW + 2)
    assert edit.path.endswith("/messages/@original")
    assert (edit.status, edit.body["content"]) == (200, "done after the deadline")
    follow_up = await fake.wait_for_webhook(iid, "POST")
    assert (follow_up.status, follow_up.body["flags"]) == (200, 64)
    original = fake.messages[callback.message["id"]]
    assert original["content"] == "done after the deadline"
    assert not original["flags"] & LOADING
    assert follow_up.response["id"] != original["id"]
    assert bot.errors.empty()


async def test_a_second_delivery_is_refused_with_40060(fake: FakeDiscord, bot: ProbeBot) -> None:
    iid = await fake.dispatch_interaction(fake.slash("ping", guild_id=fake.guilds[0].id))
    await fake.wait_for_callback(iid)
    await fake.redeliver(iid)

    error = await next_error(bot)
    assert isinstance(error, discord.HTTPException)
    assert (error.status, error.code) == (400, 40060)
    first, second = fake.callbacks_for(iid)
    assert (first.status, second.status, second.error_code) == (200, 400, 40060)


async def test_echoed_mentions_never_ping(fake: FakeDiscord, bot: ProbeBot) -> None:
    bob = fake.new_user("bob")
    text = f"@everyone look, <@{bob['id']}>"
    slash = fake.slash("echo", {"text": text}, guild_id=fake.guilds[0].id)
    callback = await fake.wait_for_callback(await fake.dispatch_interaction(slash))

    assert callback.data["allowed_mentions"] == {"parse": []}
    assert callback.message is not None
    assert callback.message["content"] == text
    assert (callback.message["mention_everyone"], callback.message["mentions"]) == (False, [])

    # The fake does resolve pings: the same text with every mention allowed pings both.
    channel = bot.get_channel(int(fake.channel_id()))
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send(text, allowed_mentions=discord.AllowedMentions.all())
    stored = fake.messages[str(sent.id)]
    assert stored["mention_everyone"] is True
    assert [u["id"] for u in stored["mentions"]] == [bob["id"]]


async def test_modal_submit_reaches_the_modal(fake: FakeDiscord, bot: ProbeBot) -> None:
    iid = await fake.dispatch_interaction(fake.slash("answer", guild_id=fake.guilds[0].id))
    callback = await fake.wait_for_callback(iid)
    assert (callback.status, callback.type) == (200, 9)
    modal = fake.modal_for(iid)
    assert [c["type"] for c in modal["components"]] == [1, 18]  # an action row, then a Label

    submit = fake.modal_submit(
        modal, {"answer": "a cache", "note": "sure"}, guild_id=fake.guilds[0].id
    )
    reply = await fake.wait_for_callback(await fake.dispatch_interaction(submit))
    assert (reply.status, reply.type) == (200, 4)
    assert reply.data["content"] == "answer=a cache note=sure"
    assert reply.data["flags"] == 64


async def test_a_button_on_an_old_message_works_after_a_restart(fake: FakeDiscord) -> None:
    async with running(fake):
        message = await ping(fake)
    async with running(fake) as restarted:
        iid = await fake.dispatch_interaction(fake.button("press:0", message))
        callback = await fake.wait_for_callback(iid)
        assert (callback.status, callback.type) == (200, 7)
        assert custom_ids(callback.message) == ["press:1"]
        assert restarted.seen == [int(iid)]
    assert [f.op for f in fake.frames.items].count(2) == 2  # a fresh IDENTIFY, not a RESUME


async def test_reconnect_resumes_and_replays_missed_events(
    fake: FakeDiscord, bot: ProbeBot
) -> None:
    session_id = bot.ws.session_id
    resumed = asyncio.create_task(bot.wait_for("resumed", timeout=5))
    assert await fake.reconnect() == 1
    # Pushed right behind op 7, which the client handles first by closing the socket: the
    # interaction reaches it only by the replay after its RESUME.
    iid = await fake.dispatch_interaction(fake.slash("ping", guild_id=fake.guilds[0].id))

    resume = await fake.wait_for_frame(lambda f: f.op == 6)
    await resumed
    assert (resume.d["token"], resume.d["session_id"]) == (fake.token, session_id)
    assert resume.d["seq"] == 1 + len(fake.guilds)  # READY and the GUILD_CREATEs, not the event
    callback = await fake.wait_for_callback(iid)
    assert (callback.status, callback.type) == (200, 4)
    assert bot.seen == [int(iid)]


async def test_each_shard_answers_its_own_guilds(fake: FakeDiscord) -> None:
    async with (
        running(fake, shard_id=0, shard_count=2) as first,
        running(fake, shard_id=1, shard_count=2) as second,
    ):
        assert [g.id for g in first.guilds] == [int(fake.guilds[0].id)]
        assert [g.id for g in second.guilds] == [int(fake.guilds[1].id)]
        await ping(fake, guild=0)
        await ping(fake, guild=1)
        dm = await fake.dispatch_interaction(fake.slash("ping"))  # DMs go to shard 0
        assert (await fake.wait_for_callback(dm)).status == 200
        assert (len(first.seen), len(second.seen)) == (2, 1)


async def test_429_with_via_is_retried_and_without_via_is_raised(
    fake: FakeDiscord, bot: ProbeBot
) -> None:
    channel = bot.get_channel(int(fake.channel_id()))
    assert isinstance(channel, discord.TextChannel)
    fake.rate_limit("POST", r"/channels/\d+/messages", retry_after=0.2)
    started = time.perf_counter()
    sent = await channel.send("daily drill")

    assert time.perf_counter() - started >= 0.2
    posts = [c for c in fake.calls.items if c.method == "POST" and "/channels/" in c.path]
    assert [c.status for c in posts] == [429, 200]
    assert posts[0].headers["Retry-After"] == "1"
    assert posts[0].headers["X-RateLimit-Remaining"] == "0"
    assert fake.messages[str(sent.id)]["content"] == "daily drill"

    fake.rate_limit("POST", r"/channels/\d+/messages", retry_after=0.2, via=False)
    with pytest.raises(discord.HTTPException) as raised:
        await channel.send("banned by Cloudflare, as discord.py sees it")
    assert raised.value.status == 429
