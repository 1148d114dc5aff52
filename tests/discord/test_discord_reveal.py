"""A drill's reveal through the real discord.py client and the fake Discord: the learner's
quoted clause comes out escaped (no live @everyone, @here or role mention), and the rating
buttons carry the verdict's suggestion."""

from __future__ import annotations

import re

import pytest

# "discord.app_commands", not "discord": see test_discord_bot.py.
pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import Bot, buttons_of, press, text_of
from fakes.fake_discord import FakeDiscord

LIVE = re.compile(r"@(everyone|here)|<@&\d+>")


async def test_a_quoted_clause_is_shown_without_a_ping(fake: FakeDiscord, bot: Bot) -> None:
    interaction = await fake.dispatch_interaction(fake.slash("drill", {"which": "b-read-ladder"}))
    started = await fake.wait_for_callback(interaction)
    assert started.message is not None
    sketch = "put a redis cache in front (@everyone @here <@&123>) because it answers most reads"
    answered = await fake.dispatch_interaction(fake.slash("answer", {"text": sketch}))
    await fake.wait_for_callback(answered)
    revealed = await press(fake, "Reveal", started.message)
    shown = text_of(revealed.data)
    assert revealed.data["allowed_mentions"] == {"parse": []}
    assert "✅ Rung 1: put a cache in front — “put a redis cache in front (@\u200beveryone" in shown
    assert "<\u200b@&123>" in shown
    assert not LIVE.search(shown)
    assert "Again (suggested)" in buttons_of(revealed.data)
