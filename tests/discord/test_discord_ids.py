"""A challenge's id acts only in its channel, on the real discord.py bot against the fake
Discord: #study's Join button (or its answer form) used from #other in the same server, or from
a DM, gets a short private refusal and nobody is credited at the reveal."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import EPHEMERAL, JSON, Bot, buttons_of, start_bot, text_of
from fakes.fake_discord import Callback, FakeDiscord

from engine.content.loader import Content


@pytest.fixture
async def team_bot(fake: FakeDiscord, tmp_path: Path, content: Content) -> AsyncIterator[Bot]:
    bot = await start_bot(fake, tmp_path / "ids.db", content)
    yield bot
    await bot.stop()


# A DM on Discord belongs to no server, so the challenge is not even in its workspace.
REFUSED = {"other": "runs in another channel", "dm": "not here"}


def other_channel(fake: FakeDiscord) -> str:
    """A second text channel, #other, in the first server."""
    study = fake.channels[fake.channel_id()]
    other = fake.snowflake()
    fake.channels[other] = {**study, "id": other, "name": "other", "position": 1}
    return other


async def _started(fake: FakeDiscord, ana: JSON) -> tuple[JSON, int]:
    payload = fake.slash(
        "challenge start", {"drill": "a-cpu-at-80", "duration": "5m"}, ana, fake.guilds[0].id
    )
    started = await fake.wait_for_callback(await fake.dispatch_interaction(payload))
    assert started.message is not None
    join = buttons_of(started.message)["Join"]
    return started.message, int(join.rsplit(":", 1)[-1])


async def _entries(bot: Bot, challenge_id: int) -> list[str]:
    return [e.user.user_id for e in await bot.store.challenge_entries(challenge_id)]


def _where(fake: FakeDiscord, place: str) -> dict[str, Any]:
    if place == "dm":
        return {"guild_id": None}
    return {"guild_id": fake.guilds[0].id, "channel_id": other_channel(fake)}


@pytest.mark.parametrize("place", ["other", "dm"])
async def test_join_from_another_channel_or_a_dm_is_refused(
    fake: FakeDiscord, team_bot: Bot, place: str
) -> None:
    ana, ben = fake.new_user("ana"), fake.new_user("ben")
    message, challenge_id = await _started(fake, ana)
    join = buttons_of(message)["Join"]

    # In a DM the message travels without its server (a copy of it posted there).
    shown = {k: v for k, v in message.items() if place != "dm" or k != "guild_id"}
    pressed = fake.button(join, shown, user=ben, **_where(fake, place))
    refused: Callback = await fake.wait_for_callback(await fake.dispatch_interaction(pressed))

    assert refused.data["flags"] & EPHEMERAL
    assert REFUSED[place] in text_of(refused.data)
    assert await _entries(team_bot, challenge_id) == []


@pytest.mark.parametrize("place", ["other", "dm"])
async def test_the_answer_form_from_another_channel_or_a_dm_is_refused(
    fake: FakeDiscord, team_bot: Bot, place: str
) -> None:
    ana, ben = fake.new_user("ana"), fake.new_user("ben")
    message, challenge_id = await _started(fake, ana)
    form = buttons_of(message)["Answer"]  # the modal carries the same id as its custom_id

    submitted = fake.modal_submit(
        form, {"sketch": "stateless servers behind a balancer"}, user=ben, **_where(fake, place)
    )
    refused = await fake.wait_for_callback(await fake.dispatch_interaction(submitted))

    assert REFUSED[place] in text_of(refused.data)
    assert await _entries(team_bot, challenge_id) == []


async def test_the_join_button_in_its_own_channel_joins(fake: FakeDiscord, team_bot: Bot) -> None:
    ana, ben = fake.new_user("ana"), fake.new_user("ben")
    message, challenge_id = await _started(fake, ana)
    pressed = fake.button(
        buttons_of(message)["Join"], message, user=ben, guild_id=fake.guilds[0].id
    )
    joined = await fake.wait_for_callback(await fake.dispatch_interaction(pressed))
    assert "another channel" not in text_of(joined.data)
    assert await _entries(team_bot, challenge_id) == [ben["id"]]


async def test_a_refused_trace_button_leaves_the_channels_message_as_it_is(
    fake: FakeDiscord, team_bot: Bot
) -> None:
    """A step button of a trace that is not kept here (evicted, or a forged id) answers the
    presser alone, in a new private message; the trace message, the channel's, is not
    replaced by the refusal. A real step still edits the message in place."""
    ana, ben = fake.new_user("ana"), fake.new_user("ben")
    traced = fake.slash("trace", {"method": "GET", "path": "/u/7"}, ana, fake.guilds[0].id)
    answered = await fake.wait_for_callback(await fake.dispatch_interaction(traced))
    assert answered.message is not None
    message = fake.messages[answered.message["id"]]
    before = text_of(message)

    # The message as a client that forges ids shows it: its Next button carries trace #999.
    copy = json.loads(json.dumps(message).replace(buttons_of(message)["Next"], "r1:ts:999:2"))
    forged = fake.button("r1:ts:999:2", copy, user=ben, guild_id=fake.guilds[0].id)
    refused = await fake.wait_for_callback(await fake.dispatch_interaction(forged))

    assert refused.type == 4  # a new message, not an update (7) of the trace's
    assert refused.data["flags"] & EPHEMERAL
    assert "Trace #999 is no longer kept here" in text_of(refused.data)
    assert text_of(fake.messages[message["id"]]) == before

    step = fake.button(buttons_of(message)["Next"], message, user=ben, guild_id=fake.guilds[0].id)
    stepped = await fake.wait_for_callback(await fake.dispatch_interaction(step))
    assert stepped.type == 7
    assert "2/11" in text_of(stepped.data)
