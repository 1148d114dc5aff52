"""/load and /climb through the real discord.py client against the local fake Discord: the
slash command's options as Discord sends them, the public table in a guild, a one-line reason
for bad input, and a climb's rung buttons."""

from __future__ import annotations

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import EPHEMERAL, Bot, buttons_of, press, text_of
from fakes.fake_discord import FakeDiscord


async def test_load_answers_the_guild_with_the_table_and_the_verdict(
    fake: FakeDiscord, bot: Bot
) -> None:
    guild = fake.guilds[0].id
    interaction = await fake.dispatch_interaction(
        fake.slash("load", {"rate": "50k", "reads": "100:1"}, guild_id=guild)
    )
    reply = await fake.wait_for_callback(interaction)

    assert reply.elapsed < 3
    assert not reply.data.get("flags", 0) & EPHEMERAL  # the channel's cluster: the team sees it
    shown = text_of(reply.data)
    assert "50k requests/s, reads 100:1" in shown
    assert "◀ breaks first" in shown
    assert "```" in shown  # the table keeps its columns in a code block
    assert "Next rungs" in shown
    assert "Scale the app servers out" in shown
    assert reply.data["allowed_mentions"] == {"parse": []}


async def test_a_bad_rate_gets_one_line_for_the_caller_only(fake: FakeDiscord, bot: Bot) -> None:
    guild = fake.guilds[0].id
    interaction = await fake.dispatch_interaction(
        fake.slash("load", {"rate": "10^12"}, guild_id=guild)
    )
    reply = await fake.wait_for_callback(interaction)

    assert reply.data["flags"] & EPHEMERAL
    assert "The rate must be from 1 to 10,000,000 requests per second." in text_of(reply.data)


async def test_a_climb_rung_is_a_button_that_moves_the_game(fake: FakeDiscord, bot: Bot) -> None:
    guild = fake.guilds[0].id
    started = await fake.wait_for_callback(
        await fake.dispatch_interaction(fake.slash("climb show", {}, guild_id=guild))
    )
    assert "Climb #1: 500 requests/s" in text_of(started.data)
    assert started.message is not None
    labels = buttons_of(started.message)
    assert "Raise to 1,000/s" in labels
    assert "Scale the app servers out" in labels

    raised = await press(fake, "Raise to 1,000/s", started.message, guild_id=guild)

    assert "The load rises to 1,000 requests/s." in text_of(raised.data)
