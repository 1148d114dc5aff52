"""A small, faithful fake of Discord: REST v10 and gateway v10 (JSON text frames) on loopback.

The real discord.py runs against it once two class attributes point here::

    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", fake.gateway_url)

What it emulates (see shared/reference/platforms.md, section 2):

* REST: ``GET /users/@me``, ``GET /oauth2/applications/@me``, ``GET /gateway[/bot]``, command
  registration (global and guild), ``POST /interactions/{id}/{token}/callback`` (``with_response``
  shape), interaction webhooks (follow-ups; get/edit/delete ``@original`` and follow-up messages),
  channel messages and DM channels. Every call is recorded in :attr:`FakeDiscord.calls`.
* Discord's rules: a callback later than 3 s after dispatch gets ``404`` code 10062, a second
  callback for one interaction ``400`` code 40060, a follow-up before the callback or with an
  unknown token ``404`` 10015; message, embed, component and modal limits give ``400`` 50035;
  mentions are resolved with ``allowed_mentions`` (interactions default to users only);
  :meth:`FakeDiscord.rate_limit` answers the next calls to a route with 429 + ``Retry-After`` +
  ``X-RateLimit-*`` (+ ``Via``, without which discord.py assumes a Cloudflare ban).
* Every JSON answer carries ``Content-Type: application/json`` verbatim: discord.py parses
  nothing else (a ``; charset=utf-8`` suffix makes it see a string).
* Gateway: HELLO (short heartbeat), IDENTIFY → READY + one GUILD_CREATE per guild of the shard,
  heartbeat ACKs, RESUME → replay + RESUMED, op 7 RECONNECT on demand, members chunks; events
  are routed to the sessions holding ``(guild_id >> 22) % num_shards`` (DMs: shard 0).

The parts, one concern a module: ``records`` (constants, errors, journals), ``world`` (users,
guilds, channels, stored messages), ``payloads`` (what a test pushes), ``gateway``,
``interactions`` (callbacks, deadlines, webhooks), ``rest`` (routing and the plain endpoints),
``limits`` (body checks, mentions), ``rate_limits`` (429s on demand) and ``server`` (the whole).
"""

from .records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENTS_V2,
    EPHEMERAL,
    LOADING,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    Callback,
    DiscordError,
    FakeGuild,
    GatewayFrame,
    Journal,
    RestCall,
    user_payload,
    walk_components,
)
from .server import FakeDiscord

__all__ = [
    "APPLICATION_COMMAND",
    "AUTOCOMPLETE",
    "COMPONENTS_V2",
    "EPHEMERAL",
    "LOADING",
    "MESSAGE_COMPONENT",
    "MODAL_SUBMIT",
    "SUPPRESS_EMBEDS",
    "SUPPRESS_NOTIFICATIONS",
    "Callback",
    "DiscordError",
    "FakeDiscord",
    "FakeGuild",
    "GatewayFrame",
    "Journal",
    "RestCall",
    "user_payload",
    "walk_components",
]
