"""Fixtures of the Discord bot tests: the fake Discord with discord.py pointed at it, and the
real bot running in this process (`discord_harness.start_bot`).

discord.py is imported inside the fixtures: without it (the discord extra), every test module
here skips itself, and this file must still import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from engine.content.loader import Content

if TYPE_CHECKING:
    from discord_harness import Bot
    from fakes.fake_discord import FakeDiscord


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    import discord
    from fakes.fake_discord import FakeDiscord

    from bot.discord_app.run import point_at
    from bot.settings import Settings

    async with FakeDiscord(guilds=2) as server:
        settings = Settings(
            discord_api_base=server.base_url, discord_gateway_url=str(server.gateway_url)
        )
        monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket,
            "DEFAULT_GATEWAY",
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        point_at(settings)  # what `rungs discord` does with RUNGS_DISCORD_API_BASE and _GATEWAY_URL
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path, content: Content) -> AsyncIterator[Bot]:
    from discord_harness import start_bot

    running = await start_bot(fake, tmp_path / "bot.db", content)
    yield running
    await running.stop()
