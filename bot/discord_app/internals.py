"""Every use of discord.py's private API, in one place, checked at start-up.

Rungs runs discord.py's gateway and HTTP layer but reads interactions as JSON and answers them
with JSON (see client.py and wire.py), which needs a few things discord.py does not promise to
keep: the gateway's event parsers, the bot's HTTP session, the webhook adapter that answers
interactions, and the class attributes naming Discord's addresses. `check()` looks for each of
them before the bot connects, so a discord.py release that moved one fails start-up with a
clear message instead of failing the first interaction. pyproject.toml pins the range tested.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, MultipartParameters, Route
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

TESTED = ">=2.6,<2.8"  # the discord.py releases these internals were read from and tested on

JSON = dict[str, Any]


class InternalsMovedError(RuntimeError):
    """discord.py no longer has something Rungs relies on."""


def check() -> None:
    """Raise InternalsMovedError naming what is missing, if anything."""
    problems = []
    client = discord.Client(intents=discord.Intents.none())
    parsers = getattr(getattr(client, "_connection", None), "parsers", None)
    if not isinstance(parsers, dict) or "INTERACTION_CREATE" not in parsers:
        problems.append("the gateway's event parsers (ConnectionState.parsers)")
    if not hasattr(client.http, "_HTTPClient__session"):
        problems.append("the bot's HTTP session (HTTPClient.__session)")
    for method, wanted in (
        ("create_interaction_response", {"session", "proxy", "proxy_auth", "params"}),
        (
            "edit_original_interaction_response",
            {"session", "proxy", "proxy_auth", "payload", "multipart", "files"},
        ),
    ):
        found = getattr(AsyncWebhookAdapter, method, None)
        if found is None or not wanted <= set(inspect.signature(found).parameters):
            problems.append(f"AsyncWebhookAdapter.{method}({', '.join(sorted(wanted))})")
    if not isinstance(getattr(Route, "BASE", None), str):
        problems.append("discord.http.Route.BASE")
    if not hasattr(DiscordWebSocket, "DEFAULT_GATEWAY"):
        problems.append("discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY")
    if problems:
        raise InternalsMovedError(
            f"discord.py {discord.__version__} no longer has what Rungs uses of its internals: "
            f"{'; '.join(problems)}. Rungs is tested with discord.py {TESTED}: "
            f"pip install 'discord.py{TESTED}'"
        )


def point_at(api_base: str, gateway_url: str) -> None:
    """Send REST calls and the gateway connection to these addresses (a proxy, a fake). They are
    class attributes in discord.py, so this holds for every client of the process."""
    Route.BASE = api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def take_gateway_event(client: discord.Client, event: str, parse: Callable[[JSON], None]) -> None:
    """Have every shard's gateway hand `event` to `parse` as JSON, instead of discord.py's own
    parser (which would build objects nobody reads)."""
    client._connection.parsers[event] = parse


def http_session(http: HTTPClient) -> aiohttp.ClientSession:
    """The bot's HTTP session, opened at login: the one `discord.Interaction` answers with."""
    session: aiohttp.ClientSession = http._HTTPClient__session  # type: ignore[attr-defined]
    return session


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent with a message: part `files[n]` of a multipart body."""

    filename: str
    data: bytes
    media_type: str


def multipart(payload: JSON, files: Sequence[Upload]) -> MultipartParameters:
    """`payload_json` and one `files[n]` part per file, as discord.py's own
    `handle_message_parameters` lays them out (with each file's real type rather than
    application/octet-stream). The `discord.File`s let discord.py rewind them on a retry."""
    if not files:
        return MultipartParameters(payload=payload, multipart=None, files=None)
    wrapped = [discord.File(io.BytesIO(f.data), f.filename) for f in files]
    parts: list[JSON] = [{"name": "payload_json", "value": discord.utils._to_json(payload)}]
    parts += [
        {
            "name": f"files[{index}]",
            "value": file.fp,
            "filename": upload.filename,
            "content_type": upload.media_type,
        }
        for index, (upload, file) in enumerate(zip(files, wrapped, strict=True))
    ]
    return MultipartParameters(payload=None, multipart=parts, files=wrapped)


async def create_interaction_response(
    http: HTTPClient,
    interaction_id: int,
    token: str,
    payload: JSON,
    files: Sequence[Upload] = (),
) -> None:
    """`POST /interactions/{id}/{token}/callback` through discord.py's webhook adapter: its
    rate-limit handling and errors, as `interaction.response.*` would."""
    await async_context.get().create_interaction_response(
        interaction_id,
        token,
        session=http_session(http),
        proxy=http.proxy,
        proxy_auth=http.proxy_auth,
        params=multipart(payload, files),
    )


async def edit_original_response(
    http: HTTPClient,
    application_id: int,
    token: str,
    payload: JSON,
    files: Sequence[Upload] = (),
) -> None:
    """`PATCH /webhooks/{application}/{token}/messages/@original` the same way."""
    params = multipart(payload, files)
    await async_context.get().edit_original_interaction_response(
        application_id,
        token,
        session=http_session(http),
        proxy=http.proxy,
        proxy_auth=http.proxy_auth,
        payload=params.payload,
        multipart=params.multipart,
        files=params.files,
    )
