"""429s on the bot's own REST calls: the real bot waits them out as discord.py does (the
`retry_after` of the answer, for a route or globally) and the user still gets the answer. A 429
without `Via` is what discord.py takes for a Cloudflare ban: it gives up, and the bot carries on.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import Bot, text_of
from fakes.fake_discord import FakeDiscord, RestCall

from bot.discord_app import client
from bot.settings import Settings

CALLBACK = r"/interactions/\d+/[^/]+/callback"
EDIT_ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"
RETRY_AFTER_S = 0.3


def calls_for(fake: FakeDiscord, interaction_id: str) -> list[RestCall]:
    token = fake.interactions[interaction_id].token
    return [c for c in fake.calls.items if interaction_id in c.path or token in c.path]


async def trace(fake: FakeDiscord) -> str:
    payload = fake.slash("trace", {"method": "GET", "path": "/u/7"}, guild_id=fake.guilds[0].id)
    return await fake.dispatch_interaction(payload)


@pytest.mark.parametrize("is_global", [False, True], ids=["route", "global"])
async def test_a_rate_limited_callback_is_retried_and_answered(
    fake: FakeDiscord, bot: Bot, is_global: bool
) -> None:
    fake.rate_limit("POST", CALLBACK, retry_after=RETRY_AFTER_S, is_global=is_global)
    interaction = await trace(fake)
    answer = await fake.wait_for_callback(interaction)

    assert (answer.status, answer.type) == (200, 4)
    assert "1/11" in text_of(answer.data)
    assert RETRY_AFTER_S <= answer.elapsed < 3
    limited, accepted = calls_for(fake, interaction)
    assert (limited.status, accepted.status) == (429, 200)
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.headers["Via"]
    assert limited.response["global"] is is_global
    assert accepted.at - limited.at >= RETRY_AFTER_S


async def test_a_rate_limited_edit_after_a_deferral_is_retried(
    fake: FakeDiscord, bot: Bot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "DEFER_AFTER_S", 0.1)
    fake.rate_limit("PATCH", EDIT_ORIGINAL, retry_after=RETRY_AFTER_S)
    locker = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the database for a moment
    # A drill saves its session before it answers (a trace would answer first, then save).
    drill = fake.slash("drill", {"which": "a-cpu-at-80"}, guild_id=fake.guilds[0].id)
    interaction = await fake.dispatch_interaction(drill)
    deferred = await fake.wait_for_callback(interaction)
    assert deferred.type == 5
    locker.execute("COMMIT")
    locker.close()

    token = fake.interactions[interaction].token
    edit = await fake.wait_for(
        lambda c: c.method == "PATCH" and token in c.path and c.status == 200, timeout=8
    )
    assert "Drill:" in text_of(edit.body)
    assert [c.status for c in calls_for(fake, interaction)] == [200, 429, 200]


async def test_a_429_without_via_is_given_up_and_the_bot_carries_on(
    fake: FakeDiscord, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    fake.rate_limit("POST", CALLBACK, via=False)
    with caplog.at_level(logging.WARNING, logger=client.__name__):
        refused = await trace(fake)
        limited = await fake.wait_for(lambda c: refused in c.path)
        assert limited.status == 429
        answered = await fake.wait_for_callback(await trace(fake))
    assert (answered.status, answered.type) == (200, 4)
    assert [c.status for c in calls_for(fake, refused)] == [429]  # no retry: a ban, to discord.py
    assert f"Discord refused the response to interaction {refused}: 0" in caplog.text


async def test_sync_waits_out_a_global_rate_limit(fake: FakeDiscord, tmp_path: Path) -> None:
    from bot.discord_app.run import sync

    fake.rate_limit("PUT", r"/applications/\d+/commands", retry_after=RETRY_AFTER_S, is_global=True)
    settings = Settings(
        discord_token=fake.token,
        discord_api_base=fake.base_url,
        discord_gateway_url=str(fake.gateway_url),
    )
    count = await sync(settings, None)

    puts = [c for c in fake.calls.items if c.method == "PUT"]
    assert [c.status for c in puts] == [429, 200]
    assert puts[0].headers["X-RateLimit-Global"] == "true"
    assert puts[1].at - puts[0].at >= RETRY_AFTER_S
    assert len(fake.commands[None]) == count
