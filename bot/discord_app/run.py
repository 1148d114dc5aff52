"""Running the Discord bot, registering its commands, and its invite link."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import aiohttp
import discord

from bot.discord_app import internals
from bot.discord_app.client import RungsDiscord
from bot.discord_app.registration import command_payloads
from bot.metrics import Metrics, metrics_endpoint
from bot.runtime import StartupError, running_tutor
from bot.settings import Settings
from bot.stopping import run_until_stopped

log = logging.getLogger(__name__)

# View Channel, Send Messages, Embed Links: enough to post drills and challenges in a channel.
# Answering slash commands and buttons needs no permission at all.
PERMISSIONS = 1024 | 2048 | 16384


def point_at(settings: Settings) -> None:
    """Check that this discord.py has what Rungs needs of it, then send REST calls and the
    gateway connection where the settings say (a proxy, a fake)."""
    try:
        internals.check()
    except internals.InternalsMovedError as exc:
        raise StartupError(str(exc)) from exc
    internals.point_at(settings.discord_api_base, settings.discord_gateway_url)


def unreachable(settings: Settings, exc: BaseException) -> str:
    """The one line for a Discord API that does not answer at start-up."""
    why = str(exc) or type(exc).__name__
    return f"cannot reach Discord at {settings.discord_api_base} ({why}); check the network."


def token_of(settings: Settings) -> str:
    if settings.discord_token is None or not settings.discord_token.get_secret_value():
        raise StartupError(
            "DISCORD_TOKEN is not set: create a bot in the Discord developer "
            "portal and export its token as DISCORD_TOKEN (see the README)."
        )
    return settings.discord_token.get_secret_value()


async def run(settings: Settings, shard_count: int | None, shard_ids: list[int] | None) -> None:
    token = token_of(settings)
    point_at(settings)
    metrics = Metrics()
    async with running_tutor(settings, observer=metrics) as (tutor, clock):
        client = RungsDiscord(
            tutor,
            clock,
            shard_count=shard_count or 1,
            shard_ids=shard_ids,
            http_trace=metrics.http_trace("discord"),
        )
        try:
            async with metrics_endpoint(metrics, settings):
                # SIGTERM/SIGINT close the client: in-flight answers finish, the sweeper stops;
                # then running_tutor flushes the deferred saves and closes the store.
                await run_until_stopped(client.start(token), client.close())
        except discord.LoginFailure as exc:
            raise StartupError("Discord refused DISCORD_TOKEN: check the bot's token.") from exc
        except (aiohttp.ClientConnectionError, TimeoutError) as exc:
            raise StartupError(unreachable(settings, exc)) from exc
        finally:
            await client.close()


async def sync(settings: Settings, guild_id: int | None) -> int:
    """Register the slash commands once, from one place (not from every running node)."""
    token = token_of(settings)
    point_at(settings)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token)
        app = await client.application_info()
        payload = command_payloads()
        if guild_id is None:
            await client.http.bulk_upsert_global_commands(app.id, payload)
        else:
            await client.http.bulk_upsert_guild_commands(app.id, guild_id, payload)
    except discord.LoginFailure as exc:
        raise StartupError("Discord refused DISCORD_TOKEN: check the bot's token.") from exc
    finally:
        await client.close()
    return len(payload)


async def invite(settings: Settings) -> str:
    token = token_of(settings)
    point_at(settings)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token)
        app = await client.application_info()
    except discord.LoginFailure as exc:
        raise StartupError("Discord refused DISCORD_TOKEN: check the bot's token.") from exc
    finally:
        await client.close()
    return invite_url(app.id)


def invite_url(application_id: int) -> str:
    query = urlencode(
        {
            "client_id": application_id,
            "scope": "bot applications.commands",
            "permissions": PERMISSIONS,
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"
