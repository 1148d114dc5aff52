"""DEBUG logs of the real bot, through the handler `rungs` sets up, grepped for secrets: the
bot token and every interaction token stay out, in text and JSON lines alike."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import Bot
from fakes.fake_discord import FakeDiscord

from bot.logs import TEXT_FORMAT, CorrelationFilter, JsonFormatter, RedactSecrets


@pytest.fixture(params=["text", "json"])
def debug_log(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """What `setup_logging("DEBUG", format)` installs, on a stream the test can read."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    json_lines = request.param == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(CorrelationFilter())
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_debug_logs_hold_no_token(
    fake: FakeDiscord, bot: Bot, debug_log: io.StringIO
) -> None:
    guild = fake.guilds[0].id
    interaction = await fake.dispatch_interaction(
        fake.slash("trace", {"method": "GET", "path": "/u/7"}, guild_id=guild)
    )
    reply = await fake.wait_for_callback(interaction)
    assert reply.message is not None
    token = fake.interactions[interaction].token
    logged = f"/interactions/{interaction}/[secret]/callback"
    for _ in range(500):  # discord.py logs the request once its answer is back: wait for it
        if logged in debug_log.getvalue():
            break
        await asyncio.sleep(0.01)
    written = debug_log.getvalue()
    assert logged in written
    assert token not in written
    assert fake.token not in written
