# ruff: noqa: ASYNC109  # the wait_* helpers take a timeout: it bounds every wait in the tests
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
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, Self, TypeVar

import yarl
from aiohttp import WSMsgType, web

JSON = dict[str, Any]
Reply = tuple[int, Any]  # status and a JSON body; a None body is sent as 204 No Content
OptionValue = str | int | float | bool
# What a user enters in a modal: text (inputs, radio groups), a tick (checkbox), choices (selects).
FieldValue = str | bool | Sequence[str]

DISCORD_EPOCH_MS = 1_420_070_400_000
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
COMPONENTS_V2 = 1 << 15
APP_PERMISSIONS = "2248473465835073"

# Interaction types and the callback types Discord accepts for each.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}
# Gateway opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, REQUEST_MEMBERS = 0, 1, 2, 6, 7, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11

T = TypeVar("T")
_Handler = Callable[["RestCall", re.Match[str]], Awaitable[Reply]]


class DiscordError(Exception):
    """An error answer, shaped like Discord's: ``{"code", "message"[, "errors"]}``."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> JSON:
        body: JSON = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def form_error(errors: Mapping[str, str], prefix: str = "") -> DiscordError:
    """Discord's ``50035 Invalid Form Body`` with errors nested by dotted path."""
    nested: JSON = {}
    for path, text in errors.items():
        node = nested
        for part in f"{prefix}{path}".split("."):
            node = node.setdefault(part, {})
        node["_errors"] = [{"code": "BASE_TYPE_BAD", "message": text}]
    return DiscordError(400, 50035, "Invalid Form Body", nested)


@dataclass
class RestCall:
    method: str
    path: str  # relative to /api/v10, e.g. "/interactions/1/abc/callback"
    query: dict[str, str]
    body: Any
    at: float
    files: list[str] = field(default_factory=list)
    status: int = 0
    response: Any = None
    headers: dict[str, str] = field(default_factory=dict)  # the answer's extra headers (429s)


@dataclass
class Callback:
    """One ``POST /interactions/{id}/{token}/callback``, accepted or not."""

    interaction_id: str
    body: JSON
    elapsed: float  # seconds from dispatch to the callback's arrival
    status: int = 0
    response: JSON | None = None
    message: JSON | None = None  # a snapshot of the message the callback created or updated

    @property
    def type(self) -> int:
        return int(self.body.get("type", 0))

    @property
    def data(self) -> JSON:
        return dict(self.body.get("data") or {})

    @property
    def error_code(self) -> int | None:
        return None if self.status < 400 or self.response is None else self.response.get("code")


@dataclass
class GatewayFrame:
    """One frame the fake received from a client."""

    op: int
    d: Any
    session_id: str | None
    shard: tuple[int, int] | None
    at: float


@dataclass(frozen=True)
class FakeGuild:
    id: str
    name: str
    channel_id: str


@dataclass
class _Interaction:
    id: str
    token: str
    payload: JSON
    dispatched_at: float
    acked_type: int | None = None
    original_id: str | None = None
    followups: list[str] = field(default_factory=list)
    modal: JSON | None = None

    @property
    def type(self) -> int:
        return int(self.payload["type"])

    @property
    def user(self) -> JSON:
        return dict(self.payload.get("member", {}).get("user") or self.payload["user"])


@dataclass(eq=False)
class _Connection:
    ws: web.WebSocketResponse
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    session: _Session | None = None

    async def send(self, frame: JSON) -> None:
        async with self.lock:
            if not self.ws.closed:
                await self.ws.send_str(json.dumps(frame))


@dataclass(eq=False)
class _Session:
    id: str
    shard: tuple[int, int] | None
    connection: _Connection | None
    seq: int = 0
    events: list[JSON] = field(default_factory=list)
    alive: bool = True  # False once the client closed it for good (close code 1000/1001)

    def holds(self, guild_id: str | None) -> bool:
        shard_id, count = self.shard or (0, 1)
        if guild_id is None:
            return shard_id == 0
        return (int(guild_id) >> 22) % count == shard_id


@dataclass
class _RateLimit:
    method: str
    pattern: re.Pattern[str]
    remaining: int
    retry_after: float
    is_global: bool
    via: bool


class Journal(Generic[T]):
    """A list that can be awaited for the first item matching a predicate."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []

    def add(self, item: T) -> None:
        self.items.append(item)
        for predicate, future in self._waiters:
            if not future.done() and predicate(item):
                future.set_result(item)
        self._waiters = [(p, f) for p, f in self._waiters if not f.done()]

    async def wait(self, predicate: Callable[[T], bool], timeout: float = 5.0) -> T:
        for item in self.items:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            recent = "\n  ".join(repr(i) for i in self.items[-8:])
            raise TimeoutError(
                f"nothing matched within {timeout} s; last items:\n  {recent}"
            ) from None


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def walk_components(components: Sequence[JSON]) -> Iterator[JSON]:
    """Every component of a message or modal, depth first (rows, containers, labels...)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            if component.get(key):
                yield from walk_components([component[key]])


def user_payload(user_id: str, name: str, *, bot: bool = False) -> JSON:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "public_flags": 0,
        "bot": bot,
    }


class FakeDiscord:
    """The fake: start it, point discord.py at it, push interactions, assert on what came back."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        guilds: int = 1,
        heartbeat_interval_ms: int = 500,
        callback_deadline: float = 3.0,
        token_ttl: float = 15 * 60.0,
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.callback_deadline = callback_deadline
        self.token_ttl = token_ttl
        self._counter = itertools.count(1)
        self.application_id = self.snowflake()
        self.bot_user = user_payload(self.application_id, "rungs", bot=True)
        self.owner = user_payload(self.snowflake(), "owner")
        self.users: dict[str, JSON] = {}
        self._default_user: JSON | None = None
        self.channels: dict[str, JSON] = {}
        self.guilds = [self._make_guild(i) for i in range(guilds)]
        self.calls: Journal[RestCall] = Journal()
        self.callbacks: Journal[Callback] = Journal()
        self.frames: Journal[GatewayFrame] = Journal()
        self.interactions: dict[str, _Interaction] = {}
        self._by_token: dict[str, _Interaction] = {}
        self.messages: dict[str, JSON] = {}
        self.commands: dict[str | None, list[JSON]] = {}  # guild id (None: global) -> commands
        self._sessions: dict[str, _Session] = {}
        self._connections: set[_Connection] = set()
        self._rate_limits: list[_RateLimit] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        commands = r"/applications/(?P<app>\d+)(/guilds/(?P<guild>\d+))?/commands"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        hook_message = hook + r"/messages/(?P<mid>@original|\d+)"
        channel_message = r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)"
        routes: list[tuple[str, str, _Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET", commands, self._get_commands),
            ("PUT", commands, self._put_commands),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._followup),
            ("GET", hook_message, self._webhook_get),
            ("PATCH", hook_message, self._webhook_edit),
            ("DELETE", hook_message, self._webhook_delete),
            ("POST", r"/channels/(?P<cid>\d+)/messages", self._channel_post),
            ("GET", channel_message, self._channel_get),
            ("PATCH", channel_message, self._channel_edit),
            ("POST", r"/users/@me/channels", self._create_dm),
        ]
        self._routes = [(method, re.compile(path), handler) for method, path, handler in routes]

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        for connection in list(self._connections):
            await connection.ws.close(code=1001, message=b"fake discord closing")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> yarl.URL:
        return yarl.URL(f"ws://127.0.0.1:{self.port}/gateway")

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume"

    # -- test controls -----------------------------------------------------------------------

    def snowflake(self) -> str:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((millis << 22) | (next(self._counter) & 0x3FFFFF))

    def new_user(self, name: str) -> JSON:
        user = user_payload(self.snowflake(), name)
        self.users[user["id"]] = user
        return user

    def rate_limit(
        self,
        method: str,
        path_pattern: str,
        *,
        count: int = 1,
        retry_after: float = 0.2,
        is_global: bool = False,
        via: bool = True,
    ) -> None:
        """Answer the next ``count`` calls matching ``path_pattern`` (a regex over the path
        relative to ``/api/v10``) with 429. ``via=False`` imitates a Cloudflare ban."""
        rule = _RateLimit(method, re.compile(path_pattern), count, retry_after, is_global, via)
        self._rate_limits.append(rule)

    async def dispatch_interaction(self, payload: JSON) -> str:
        """Push INTERACTION_CREATE with a fresh id and token; the 3-s clock starts now."""
        interaction_id, token = self.snowflake(), "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        full = {**payload, "id": interaction_id, "token": token}
        interaction = _Interaction(interaction_id, token, full, time.perf_counter())
        self.interactions[interaction_id] = self._by_token[token] = interaction
        await self.dispatch("INTERACTION_CREATE", full, guild_id=payload.get("guild_id"))
        return interaction_id

    async def redeliver(self, interaction_id: str) -> None:
        """Deliver the same interaction again (what two sessions holding one shard see)."""
        payload = self.interactions[interaction_id].payload
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=payload.get("guild_id"))

    async def dispatch(self, event: str, data: JSON, *, guild_id: str | None = None) -> None:
        sessions = [s for s in self._sessions.values() if s.alive and s.holds(guild_id)]
        if not sessions:
            raise RuntimeError(f"no gateway session holds the shard of guild {guild_id}")
        for session in sessions:
            await self._send_event(session, event, data)

    async def reconnect(self, shard_id: int | None = None) -> int:
        """Send op 7 RECONNECT to the connected sessions (of one shard); returns how many."""
        targets = [
            s
            for s in self._sessions.values()
            if s.connection and (shard_id is None or (s.shard or (0, 1))[0] == shard_id)
        ]
        for session in targets:
            assert session.connection is not None
            await session.connection.send({"op": RECONNECT, "d": None, "s": None, "t": None})
        return len(targets)

    async def wait_for(
        self, predicate: Callable[[RestCall], bool], timeout: float = 5.0
    ) -> RestCall:
        """The first recorded REST call (past or future) matching ``predicate``."""
        return await self.calls.wait(predicate, timeout)

    async def wait_for_callback(self, interaction_id: str, timeout: float = 5.0) -> Callback:
        """The first callback for the interaction, with its body, status and elapsed time."""
        return await self.callbacks.wait(lambda c: c.interaction_id == interaction_id, timeout)

    async def wait_for_webhook(
        self, interaction_id: str, method: str = "POST", timeout: float = 5.0
    ) -> RestCall:
        """The first follow-up (POST) or edit (PATCH) made with the interaction's token."""
        token = self.interactions[interaction_id].token
        prefix = f"/webhooks/{self.application_id}/{token}"
        return await self.wait_for(
            lambda c: c.method == method and c.path.startswith(prefix), timeout
        )

    async def wait_for_frame(
        self, predicate: Callable[[GatewayFrame], bool], timeout: float = 5.0
    ) -> GatewayFrame:
        return await self.frames.wait(predicate, timeout)

    def callbacks_for(self, interaction_id: str) -> list[Callback]:
        return [c for c in self.callbacks.items if c.interaction_id == interaction_id]

    def channel_id(self, guild_id: str | None = None) -> str:
        return self._guild(guild_id or self.guilds[0].id).channel_id

    # -- payload builders --------------------------------------------------------------------

    def slash(
        self,
        name: str,
        options: Mapping[str, OptionValue] | Sequence[JSON] | None = None,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        """A chat-input command. ``name`` may name a subcommand: ``"drill answer"`` or
        ``"admin drill reset"`` (group + subcommand); ``options`` go to the leaf."""
        return self._command_payload(APPLICATION_COMMAND, name, options, user, guild_id, channel_id)

    def autocomplete(
        self,
        name: str,
        options: Mapping[str, OptionValue],
        focused: str,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        """An autocomplete request while the user types option ``focused`` (answered by type 8)."""
        leaf = [{**o, "focused": True} if o["name"] == focused else o for o in _options(options)]
        return self._command_payload(AUTOCOMPLETE, name, leaf, user, guild_id, channel_id)

    def button(
        self,
        custom_id: str,
        message: JSON,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        """A click on a button of ``message`` (a message dict as the fake stores it). The
        message travels with its components: discord.py rebuilds dynamic items from them."""
        return self._component_payload(custom_id, message, None, user, guild_id, channel_id)

    def select(
        self,
        custom_id: str,
        values: Sequence[str],
        message: JSON,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        return self._component_payload(custom_id, message, list(values), user, guild_id, channel_id)

    def modal_submit(
        self,
        modal: JSON | str,
        fields: Mapping[str, FieldValue],
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
        message: JSON | None = None,
    ) -> JSON:
        """A modal submission. ``modal`` is the modal the bot sent (the ``data`` of its type-9
        callback, see :meth:`modal_for`), whose layout is echoed as Discord does: action rows
        (type 1) or labels (type 18) around the inputs; or just a custom_id (action rows)."""
        if isinstance(modal, str):
            custom_id = modal
            components = [_row_input(cid, str(value)) for cid, value in fields.items()]
        else:
            custom_id, components = modal["custom_id"], _submitted(modal["components"], fields)
        data = {"custom_id": custom_id, "components": components}
        if message is not None:
            guild_id = guild_id or message.get("guild_id")
            channel_id = channel_id or message["channel_id"]
        payload = self._base_payload(MODAL_SUBMIT, data, user, guild_id, channel_id)
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        return payload

    def modal_for(self, interaction_id: str) -> JSON:
        """The modal (callback type 9 ``data``) the bot opened for an interaction."""
        modal = self.interactions[interaction_id].modal
        if modal is None:
            raise LookupError(f"interaction {interaction_id} was not answered with a modal")
        return modal

    def _command_payload(
        self,
        kind: int,
        name: str,
        options: Mapping[str, OptionValue] | Sequence[JSON] | None,
        user: JSON | None,
        guild_id: str | None,
        channel_id: str | None,
    ) -> JSON:
        command, *path = name.split()
        leaf = _options(options) if isinstance(options, Mapping) else list(options or [])
        for sub_name, sub_type in zip(reversed(path), (1, 2), strict=False):
            leaf = [{"name": sub_name, "type": sub_type, "options": leaf}]
        registered = self._registered(command, guild_id)
        data: JSON = {"id": registered.get("id") or self.snowflake(), "name": command, "type": 1}
        if leaf:
            data["options"] = leaf
        if registered.get("guild_id"):
            data["guild_id"] = registered["guild_id"]
        return self._base_payload(kind, data, user, guild_id, channel_id)

    def _component_payload(
        self,
        custom_id: str,
        message: JSON,
        values: list[str] | None,
        user: JSON | None,
        guild_id: str | None,
        channel_id: str | None,
    ) -> JSON:
        found = [
            c
            for c in walk_components(message.get("components") or [])
            if c.get("custom_id") == custom_id
        ]
        if not found:
            raise ValueError(f"message {message['id']} has no component {custom_id!r}")
        component = found[0]
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if "id" in component:
            data["id"] = component["id"]
        if values is not None:
            data["values"] = values
        guild_id = guild_id or message.get("guild_id")
        payload = self._base_payload(
            MESSAGE_COMPONENT, data, user, guild_id, channel_id or message["channel_id"]
        )
        payload["message"] = copy.deepcopy(message)
        return payload

    def _base_payload(
        self, kind: int, data: JSON, user: JSON | None, guild_id: str | None, channel_id: str | None
    ) -> JSON:
        user = user or self.default_user
        payload: JSON = {
            "type": kind,
            "application_id": self.application_id,
            "data": data,
            "version": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
            "locale": "en-US",
            "app_permissions": APP_PERMISSIONS,
            "entitlements": [],
        }
        if guild_id is None:
            channel = self._dm_channel(user)
            payload.update(user=user, context=1, authorizing_integration_owners={"0": "0"})
        else:
            guild = self._guild(guild_id)
            channel = {
                **self.channels[channel_id or guild.channel_id],
                "permissions": APP_PERMISSIONS,
            }
            payload.update(
                guild_id=guild.id,
                guild={"id": guild.id, "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=self._member(user, permissions=APP_PERMISSIONS),
                context=0,
                authorizing_integration_owners={"0": guild.id},
            )
        payload.update(channel=channel, channel_id=channel["id"])
        return payload

    @property
    def default_user(self) -> JSON:
        """The user of payloads built without one."""
        if self._default_user is None:
            self._default_user = self.new_user("alice")
        return self._default_user

    def _registered(self, name: str, guild_id: str | None) -> JSON:
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        return {}

    # -- world state -------------------------------------------------------------------------

    def _make_guild(self, index: int) -> FakeGuild:
        # Guild i is on shard i % num_shards (shard = (guild_id >> 22) % num_shards) for any
        # num_shards up to 16: the timestamp part starts at a multiple of lcm(1..16) = 720720.
        base = (int(self.application_id) >> 22) // 720_720 * 720_720
        guild_id = str(((base + index) << 22) | (next(self._counter) & 0x3FFFFF))
        channel_id = self.snowflake()
        self.channels[channel_id] = {
            "id": channel_id,
            "type": 0,
            "guild_id": guild_id,
            "name": "study",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        return FakeGuild(guild_id, f"Guild {index}", channel_id)

    def _guild(self, guild_id: str) -> FakeGuild:
        for guild in self.guilds:
            if guild.id == str(guild_id):
                return guild
        raise ValueError(f"the fake knows no guild {guild_id}")

    def _guild_payload(self, guild: FakeGuild) -> JSON:
        return {
            "id": guild.id,
            "name": guild.name,
            "icon": None,
            "owner_id": self.owner["id"],
            "member_count": 2,
            "large": False,
            "unavailable": False,
            "joined_at": now_iso(),
            "features": [],
            "preferred_locale": "en-US",
            "system_channel_id": guild.channel_id,
            "roles": [
                {"id": guild.id, "name": "@everyone", "permissions": APP_PERMISSIONS, "position": 0,
                 "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0},
            ],
            "channels": [self.channels[guild.channel_id]],
            "members": [self._member(self.bot_user)],
            "threads": [], "presences": [], "voice_states": [], "emojis": [], "stickers": [],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
        }  # fmt: skip

    def _member(self, user: JSON, permissions: str | None = None) -> JSON:
        member: JSON = {
            "user": user,
            "roles": [],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            member["permissions"] = permissions
        return member

    def _dm_channel(self, user: JSON) -> JSON:
        for channel in self.channels.values():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == user["id"]:
                return channel
        channel = {
            "id": self.snowflake(),
            "type": 1,
            "recipients": [user],
            "last_message_id": None,
            "flags": 0,
        }
        self.channels[channel["id"]] = channel
        return channel

    def _new_message(
        self,
        data: JSON,
        *,
        channel_id: str,
        flags: int = 0,
        msg_type: int = 0,
        interaction: _Interaction | None = None,
        files: Sequence[str] = (),
    ) -> JSON:
        message: JSON = {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "type": msg_type,
            "author": self.bot_user,
            "content": "",
            "embeds": [],
            "components": [],
            "attachments": [],
            "flags": flags,
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "pinned": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
        }
        guild_id = self.channels.get(channel_id, {}).get("guild_id")
        if guild_id:
            message["guild_id"] = guild_id
        if interaction is not None:
            message.update(
                application_id=self.application_id,
                webhook_id=self.application_id,
                interaction_metadata={
                    "id": interaction.id,
                    "type": interaction.type,
                    "user": interaction.user,
                    "authorizing_integration_owners": interaction.payload.get(
                        "authorizing_integration_owners", {}
                    ),
                },
            )
        self._write(message, data, files, default_parse=("users",) if interaction else None)
        self.messages[message["id"]] = message
        return message

    def _write(
        self,
        message: JSON,
        data: JSON,
        files: Sequence[str] = (),
        *,
        default_parse: tuple[str, ...] | None = None,
    ) -> None:
        """Apply a create or edit body to a stored message, as Discord renders it."""
        defaults: JSON = {"content": "", "embeds": [], "components": [], "tts": False}
        for key, default in defaults.items():
            if key in data:
                value = data[key] if data[key] is not None else default
                message[key] = copy.deepcopy(value)
        _number_components(message["components"])
        if data.get("flags") is not None:
            kept = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
            message["flags"] = (message["flags"] & EPHEMERAL) | (int(data["flags"]) & kept)
        message["flags"] &= ~LOADING
        if files:
            message["attachments"] = [
                {"id": self.snowflake(), "filename": name, "size": 0, "url": f"https://cdn.invalid/{name}",
                 "proxy_url": f"https://cdn.invalid/{name}"}
                for name in files
            ]  # fmt: skip
        parse = default_parse or ("users", "roles", "everyone")
        everyone, users, roles = _mentions(message["content"], data.get("allowed_mentions"), parse)
        message["mention_everyone"] = everyone
        message["mentions"] = [self.users.get(u) or user_payload(u, f"user{u}") for u in users]
        message["mention_roles"] = roles

    # -- REST --------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        call = RestCall(request.method, path, dict(request.query), None, time.perf_counter())
        headers: dict[str, str] | None = None
        try:
            call.body, call.files = await _read_body(request)
            status, body = await self._route(call, request)
        except _RateLimited as limited:
            status, body, headers = 429, limited.body, limited.headers
        except DiscordError as error:
            status, body = error.status, error.body()
        call.status, call.response, call.headers = status, body, dict(headers or {})
        self.calls.add(call)  # recorded once answered, so waiters see the status
        return _json_response(status, body, headers)

    async def _route(self, call: RestCall, request: web.Request) -> Reply:
        self._apply_rate_limits(call)
        exempt = call.path.startswith(("/interactions/", "/webhooks/", "/gateway"))
        if not exempt and request.headers.get("Authorization") != f"Bot {self.token}":
            raise DiscordError(401, 0, "401: Unauthorized")
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(call.path)
            if match and method == call.method:
                return await handler(call, match)
        raise DiscordError(404, 0, "404: Not Found")

    def _apply_rate_limits(self, call: RestCall) -> None:
        for rule in self._rate_limits:
            if rule.method == call.method and rule.pattern.fullmatch(call.path) and rule.remaining:
                rule.remaining -= 1
                raise _RateLimited(rule)

    async def _get_me(self, call: RestCall, match: re.Match[str]) -> Reply:
        return 200, {
            **self.bot_user,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "locale": "en-US",
        }

    async def _get_application(self, call: RestCall, match: re.Match[str]) -> Reply:
        return 200, {
            "id": self.application_id,
            "name": "Rungs (fake)",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner,
            "verify_key": secrets.token_hex(32),
            "team": None,
            "flags": 0,
            "interactions_endpoint_url": None,
            "bot": self.bot_user,
        }

    async def _get_gateway(self, call: RestCall, match: re.Match[str]) -> Reply:
        return 200, {"url": str(self.gateway_url)}

    async def _get_gateway_bot(self, call: RestCall, match: re.Match[str]) -> Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        return 200, {"url": str(self.gateway_url), "shards": 1, "session_start_limit": limit}

    async def _get_commands(self, call: RestCall, match: re.Match[str]) -> Reply:
        self._check_application(match["app"])
        return 200, self.commands.get(match["guild"], [])

    async def _put_commands(self, call: RestCall, match: re.Match[str]) -> Reply:
        self._check_application(match["app"])
        guild_id = match["guild"]
        if guild_id is not None:
            self._guild(guild_id)
        if not isinstance(call.body, list):
            raise form_error({"_": "Expected a list of commands."})
        errors = {
            k: v for i, c in enumerate(call.body) for k, v in _command_errors(c, f"{i}.").items()
        }
        if errors:
            raise form_error(errors)
        old = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(guild_id, [])}
        stored = []
        for command in call.body:
            key = (command["name"], command.get("type", 1))
            stored.append(
                {"type": 1, "description": "", "options": [], "default_member_permissions": None,
                 "nsfw": False, **command, "id": old.get(key) or self.snowflake(),
                 "application_id": self.application_id, "version": self.snowflake(),
                 **({"guild_id": guild_id} if guild_id else {})}
            )  # fmt: skip
        self.commands[guild_id] = stored
        return 200, stored

    def _check_application(self, app_id: str) -> None:
        if app_id != self.application_id:
            raise DiscordError(403, 50001, "Missing Access")

    async def _callback(self, call: RestCall, match: re.Match[str]) -> Reply:
        interaction = self.interactions.get(match["iid"])
        if interaction is None or interaction.token != match["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        body = call.body if isinstance(call.body, dict) else {}
        callback = Callback(interaction.id, body, call.at - interaction.dispatched_at)
        try:
            message = self._accept_callback(interaction, callback, call.files)
        except DiscordError as error:
            callback.status, callback.response = error.status, error.body()
            self.callbacks.add(callback)
            raise
        reply = self._callback_response(interaction, callback.type, message)
        wanted = call.query.get("with_response", "").lower() in ("1", "true")
        callback.status, callback.response = (200, reply) if wanted else (204, None)
        callback.message = copy.deepcopy(message)
        self.callbacks.add(callback)
        return callback.status, callback.response

    def _accept_callback(
        self, interaction: _Interaction, callback: Callback, files: Sequence[str]
    ) -> JSON | None:
        if callback.elapsed > self.callback_deadline:
            raise DiscordError(404, 10062, "Unknown interaction")
        if interaction.acked_type is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        kind, data = callback.type, callback.data
        if kind not in ALLOWED_CALLBACKS[interaction.type]:
            raise form_error({"type": f"Callback type {kind} is not valid here."})
        if kind in (6, 7) and "message" not in interaction.payload:
            raise form_error({"type": "This interaction has no message to update."})
        check = _CALLBACK_CHECKS.get(kind)
        problems = check(data) if check else {}
        if problems:
            raise form_error(problems, prefix="data.")
        interaction.acked_type = kind
        return self._apply_callback(interaction, kind, data, files)

    def _apply_callback(
        self, interaction: _Interaction, kind: int, data: JSON, files: Sequence[str]
    ) -> JSON | None:
        channel_id = interaction.payload["channel"]["id"]
        msg_type = 20 if interaction.type == APPLICATION_COMMAND else 0
        if kind == 4:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            message = self._new_message(
                data, channel_id=channel_id, flags=flags, msg_type=msg_type,
                interaction=interaction, files=files,
            )  # fmt: skip
        elif kind == 5:
            message = self._new_message(
                {}, channel_id=channel_id, msg_type=msg_type, interaction=interaction
            )
            message["flags"] = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
        elif kind in (6, 7):
            source = interaction.payload["message"]
            message = self.messages.setdefault(source["id"], copy.deepcopy(source))
            if kind == 7:
                self._write(message, data, files, default_parse=("users",))
                message["edited_timestamp"] = now_iso()
        else:
            if kind == 9:
                interaction.modal = copy.deepcopy(data)
                _number_components(interaction.modal["components"])
            return None
        interaction.original_id = message["id"]
        return message

    def _callback_response(
        self, interaction: _Interaction, kind: int, message: JSON | None
    ) -> JSON:
        info: JSON = {"id": interaction.id, "type": interaction.type}
        resource: JSON = {"type": kind}
        if message is not None:
            info.update(
                response_message_id=message["id"],
                response_message_loading=bool(message["flags"] & LOADING),
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            if kind in (4, 7):
                resource["message"] = message
        return {"interaction": info, "resource": resource}

    def _webhook_interaction(self, match: re.Match[str]) -> _Interaction:
        found = self._by_token.get(match["token"])
        if match["app"] != self.application_id or found is None or found.acked_type is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if time.perf_counter() - found.dispatched_at > self.token_ttl:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        return found

    def _webhook_message(self, interaction: _Interaction, message_id: str) -> JSON:
        target = interaction.original_id if message_id == "@original" else message_id
        owned = {interaction.original_id, *interaction.followups}
        if target is None or target not in owned or target not in self.messages:
            raise DiscordError(404, 10008, "Unknown Message")
        return self.messages[target]

    async def _followup(self, call: RestCall, match: re.Match[str]) -> Reply:
        interaction = self._webhook_interaction(match)
        data = call.body if isinstance(call.body, dict) else {}
        problems = _message_errors(data)
        if problems:
            raise form_error(problems)
        original = self.messages.get(interaction.original_id or "")
        if interaction.acked_type == 5 and original and original["flags"] & LOADING:
            # Deprecated but real: the first follow-up after a defer edits the loading message.
            message = original
            self._write(message, data, call.files, default_parse=("users",))
        else:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            channel_id = interaction.payload["channel"]["id"]
            message = self._new_message(
                data, channel_id=channel_id, flags=flags, interaction=interaction, files=call.files
            )
            interaction.followups.append(message["id"])
        wait = call.query.get("wait", "").lower() in ("1", "true")
        return (200, message) if wait else (204, None)

    async def _webhook_get(self, call: RestCall, match: re.Match[str]) -> Reply:
        return 200, self._webhook_message(self._webhook_interaction(match), match["mid"])

    async def _webhook_edit(self, call: RestCall, match: re.Match[str]) -> Reply:
        message = self._webhook_message(self._webhook_interaction(match), match["mid"])
        data = call.body if isinstance(call.body, dict) else {}
        problems = _message_errors(data)
        if problems:
            raise form_error(problems)
        self._write(message, data, call.files, default_parse=("users",))
        message["edited_timestamp"] = now_iso()
        return 200, message

    async def _webhook_delete(self, call: RestCall, match: re.Match[str]) -> Reply:
        message = self._webhook_message(self._webhook_interaction(match), match["mid"])
        del self.messages[message["id"]]
        return 204, None

    async def _channel_post(self, call: RestCall, match: re.Match[str]) -> Reply:
        if match["cid"] not in self.channels:
            raise DiscordError(404, 10003, "Unknown Channel")
        data = call.body if isinstance(call.body, dict) else {}
        problems = _message_errors(data)
        if not (data.get("content") or data.get("embeds") or data.get("components") or call.files):
            problems["content"] = "Cannot send an empty message"
        if problems:
            raise form_error(problems)
        return 200, self._new_message(data, channel_id=match["cid"], files=call.files)

    def _channel_message(self, match: re.Match[str]) -> JSON:
        message = self.messages.get(match["mid"])
        if message is None or message["channel_id"] != match["cid"]:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    async def _channel_get(self, call: RestCall, match: re.Match[str]) -> Reply:
        return 200, self._channel_message(match)

    async def _channel_edit(self, call: RestCall, match: re.Match[str]) -> Reply:
        message = self._channel_message(match)
        if message["author"]["id"] != self.bot_user["id"]:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        data = call.body if isinstance(call.body, dict) else {}
        problems = _message_errors(data)
        if problems:
            raise form_error(problems)
        self._write(message, data, call.files)
        message["edited_timestamp"] = now_iso()
        return 200, message

    async def _create_dm(self, call: RestCall, match: re.Match[str]) -> Reply:
        recipient = str((call.body or {}).get("recipient_id", ""))
        user = self.users.get(recipient)
        if user is None:
            raise DiscordError(400, 50007, "Cannot send messages to this user")
        return 200, self._dm_channel(user)

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        connection = _Connection(ws)
        self._connections.add(connection)
        try:
            if request.query.get("v") != "10" or request.query.get("encoding", "json") != "json":
                await ws.close(code=4012, message=b"Invalid API version or encoding.")
                return ws
            await connection.send(
                {
                    "op": HELLO,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(connection, json.loads(msg.data))
        finally:
            self._connections.discard(connection)
            self._detach(connection, ws.close_code)
        return ws

    def _detach(self, connection: _Connection, close_code: int | None) -> None:
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None
            if close_code in (1000, 1001):
                session.alive = False

    async def _on_frame(self, connection: _Connection, frame: JSON) -> None:
        op, d = frame.get("op"), frame.get("d") or {}
        session = connection.session
        session_id, shard = (session.id, session.shard) if session else (None, None)
        self.frames.add(GatewayFrame(int(op or 0), d, session_id, shard, time.perf_counter()))
        if op == HEARTBEAT:
            await connection.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(connection, d)
        elif op == RESUME:
            await self._resume(connection, d)
        elif session is None:
            await connection.ws.close(code=4003, message=b"Not authenticated.")
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(session, d)
        elif op not in (3, 4):  # presence and voice state updates are accepted and ignored
            await connection.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, connection: _Connection, d: JSON) -> None:
        if connection.session is not None:
            await connection.ws.close(code=4005, message=b"Already authenticated.")
            return
        if d.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = (int(d["shard"][0]), int(d["shard"][1])) if d.get("shard") else None
        if shard is not None and not 0 <= shard[0] < shard[1]:
            await connection.ws.close(code=4010, message=b"Invalid shard.")
            return
        session = _Session(secrets.token_hex(16), shard, connection)
        self._sessions[session.id] = session
        connection.session = session
        guilds = [g for g in self.guilds if session.holds(g.id)]
        ready: JSON = {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": g.id, "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["fake-discord"],
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await self._send_event(session, "READY", ready)
        for guild in guilds:
            await self._send_event(session, "GUILD_CREATE", self._guild_payload(guild))

    async def _resume(self, connection: _Connection, d: JSON) -> None:
        session = self._sessions.get(str(d.get("session_id")))
        if session is None or not session.alive or d.get("token") != self.token:
            await connection.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        session.connection, connection.session = connection, session
        seq = int(d.get("seq") or 0)
        for event in [e for e in session.events if e["s"] > seq]:
            await connection.send(event)
        await self._send_event(session, "RESUMED", {"_trace": ["fake-discord"]})

    async def _members_chunk(self, session: _Session, d: JSON) -> None:
        chunk = {
            "guild_id": str(d.get("guild_id")),
            "members": [self._member(self.bot_user)],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "nonce": d.get("nonce"),
        }
        await self._send_event(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_event(self, session: _Session, event: str, data: JSON) -> None:
        """Number the event in the session; deliver it now or, while the client is away,
        keep it for the replay after its RESUME."""
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        if session.connection is not None:
            await session.connection.send(frame)


# -- helpers ----------------------------------------------------------------------------------


class _RateLimited(Exception):
    def __init__(self, rule: _RateLimit) -> None:
        super().__init__("rate limited")
        self.body: JSON = {
            "message": "You are being rate limited.",
            "retry_after": rule.retry_after,
            "global": rule.is_global,
            "code": 0,
        }
        self.headers = {
            "Retry-After": str(math.ceil(rule.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + rule.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
            "X-RateLimit-Bucket": "fake-" + rule.pattern.pattern.encode().hex()[:16],
            "X-RateLimit-Scope": "global" if rule.is_global else "user",
        }
        if rule.is_global:
            self.headers["X-RateLimit-Global"] = "true"
        if rule.via:
            self.headers["Via"] = "1.1 google"


def _json_response(
    status: int, body: Any, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Discord's answers pass Google's front end (``Via``), unless ``headers`` say otherwise."""
    extra = {"Via": "1.1 google"} if headers is None else dict(headers)
    if body is None:
        return web.Response(status=204, headers=extra)
    # Exactly "application/json": discord.py's json_or_text() compares the header verbatim.
    all_headers = {"Content-Type": "application/json", **extra}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


async def _read_body(request: web.Request) -> tuple[Any, list[str]]:
    """The JSON body, or the ``payload_json`` part and the file names of a multipart body."""
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files = [
            f.filename for k, f in form.items() if k.startswith("files[") and hasattr(f, "filename")
        ]
        raw = form.get("payload_json")
        return (json.loads(str(raw)) if raw else {}), files
    text = await request.text()
    try:
        return (json.loads(text) if text else None), []
    except ValueError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None


def _option_type(value: OptionValue) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    return 10 if isinstance(value, float) else 3


def _options(values: Mapping[str, OptionValue] | None) -> list[JSON]:
    return [{"name": k, "type": _option_type(v), "value": v} for k, v in (values or {}).items()]


def _row_input(custom_id: str, value: str) -> JSON:
    return {"type": 1, "components": [{"type": 4, "custom_id": custom_id, "value": value}]}


def _submitted(components: Sequence[JSON], fields: Mapping[str, FieldValue]) -> list[JSON]:
    """Echo a modal's layout with the user's values, as Discord does on submit."""
    return [_submitted_one(component, fields) for component in components]


def _submitted_one(component: JSON, fields: Mapping[str, FieldValue]) -> JSON:
    echo: JSON = {"type": component["type"], "id": component.get("id")}
    custom_id = component.get("custom_id")
    value = fields.get(str(custom_id))
    if component["type"] == 1:
        echo["components"] = _submitted(component["components"], fields)
    elif component["type"] == 18:
        echo["component"] = _submitted_one(component["component"], fields)
    elif component["type"] == 4:
        text = value if isinstance(value, str) else ""
        if len(text) > int(component.get("max_length") or 4000):
            raise ValueError(f"{custom_id}: longer than the input's max_length")
        if component.get("required", True) and not text:
            raise ValueError(f"{custom_id}: a required input left empty")
        echo.update(custom_id=custom_id, value=text)
    elif component["type"] == 21:  # radio group: the chosen value
        echo.update(custom_id=custom_id, value=value)
    elif component["type"] == 23:  # checkbox: ticked or not
        echo.update(custom_id=custom_id, value=bool(value))
    elif custom_id is not None:  # selects, checkbox groups, file uploads: a list of values
        values = [] if value is None or isinstance(value, bool) else value
        echo.update(
            custom_id=custom_id, values=[values] if isinstance(values, str) else list(values)
        )
    return echo


def _number_components(components: list[JSON]) -> None:
    """Discord gives every component of a stored message a numeric ``id``."""
    every = list(walk_components(components))
    counter = itertools.count(
        max((c["id"] for c in every if isinstance(c.get("id"), int)), default=0) + 1
    )
    for component in every:
        if not isinstance(component.get("id"), int):
            component["id"] = next(counter)


_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def _mentions(
    content: str, allowed: JSON | None, default_parse: tuple[str, ...]
) -> tuple[bool, list[str], list[str]]:
    """Who would be pinged: ``@everyone``/``@here``, users and roles that ``allowed_mentions``
    lets through (interactions and webhooks default to users only, channel messages to all)."""
    parse = set(default_parse if allowed is None else allowed.get("parse") or [])
    users_ok = {str(u) for u in (allowed or {}).get("users") or []}
    roles_ok = {str(r) for r in (allowed or {}).get("roles") or []}
    everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
    users = [u for u in _USER_MENTION.findall(content) if "users" in parse or u in users_ok]
    roles = [r for r in _ROLE_MENTION.findall(content) if "roles" in parse or r in roles_ok]
    return everyone, list(dict.fromkeys(users)), list(dict.fromkeys(roles))


def _too_long(errors: dict[str, str], path: str, text: Any, limit: int) -> int:
    size = len(text or "")
    if size > limit:
        errors[path] = f"Must be {limit} or fewer in length."
    return size


def _message_errors(data: JSON) -> dict[str, str]:
    """Discord's limits on a message body (content, embeds, components)."""
    errors: dict[str, str] = {}
    _too_long(errors, "content", data.get("content"), 2000)
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        errors["embeds"] = "Must be 10 or fewer in length."
    total = 0
    for i, embed in enumerate(embeds):
        total += _too_long(errors, f"embeds.{i}.title", embed.get("title"), 256)
        total += _too_long(errors, f"embeds.{i}.description", embed.get("description"), 4096)
        total += _too_long(
            errors, f"embeds.{i}.footer.text", (embed.get("footer") or {}).get("text"), 2048
        )
        total += _too_long(
            errors, f"embeds.{i}.author.name", (embed.get("author") or {}).get("name"), 256
        )
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors[f"embeds.{i}.fields"] = "Must be 25 or fewer in length."
        for j, item in enumerate(fields):
            total += _too_long(errors, f"embeds.{i}.fields.{j}.name", item.get("name"), 256)
            total += _too_long(errors, f"embeds.{i}.fields.{j}.value", item.get("value"), 1024)
    if total > 6000:
        errors["embeds"] = "Embed size exceeds maximum size of 6000"
    v2 = bool(int(data.get("flags") or 0) & COMPONENTS_V2)
    errors.update(_component_errors(data.get("components") or [], v2=v2))
    return errors


def _component_errors(components: Sequence[JSON], *, v2: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    every = list(walk_components(components))
    ids = [c["custom_id"] for c in every if "custom_id" in c]
    for component in every:
        _too_long(
            errors,
            f"components.custom_id.{component.get('custom_id')}",
            component.get("custom_id"),
            100,
        )
        if component.get("type") == 2:
            _too_long(
                errors, f"components.label.{component.get('custom_id')}", component.get("label"), 80
            )
    if len(ids) != len(set(ids)):
        errors["components"] = "Component custom id cannot be duplicated"
    if v2:
        if len(every) > 40:
            errors["components"] = "Must be 40 or fewer in total."
        return errors
    if len(components) > 5:
        errors["components"] = "Must be 5 or fewer in length."
    for i, row in enumerate(components):
        children = row.get("components") or []
        if row.get("type") != 1:
            errors[f"components.{i}.type"] = "Top-level components must be action rows."
        elif not 1 <= len(children) <= 5:
            errors[f"components.{i}.components"] = "Must be between 1 and 5 in length."
        elif len(children) > 1 and any(c.get("type") != 2 for c in children):
            errors[f"components.{i}.components"] = "A select menu must be alone in its row."
    return errors


def _modal_errors(data: JSON) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 1 <= len(data.get("title") or "") <= 45:
        errors["title"] = "Must be between 1 and 45 in length."
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        errors["custom_id"] = "Must be between 1 and 100 in length."
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors["components"] = "Must be between 1 and 5 in length."
    for component in walk_components(components):
        if component.get("type") == 18:
            _too_long(errors, "components.label", component.get("label"), 45)
        if component.get("type") == 4:
            cid = component.get("custom_id")
            _too_long(errors, f"components.{cid}.label", component.get("label"), 45)
            _too_long(errors, f"components.{cid}.value", component.get("value"), 4000)
            _too_long(errors, f"components.{cid}.placeholder", component.get("placeholder"), 100)
            if int(component.get("max_length") or 0) > 4000:
                errors[f"components.{cid}.max_length"] = "Must be 4000 or less."
    return errors


def _choice_errors(data: JSON) -> dict[str, str]:
    return (
        {"choices": "Must be 25 or fewer in length."} if len(data.get("choices") or []) > 25 else {}
    )


_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


def _command_errors(command: JSON, path: str = "", *, option: bool = False) -> dict[str, str]:
    """Discord's checks on a registered command and its options (names, lengths, counts)."""
    errors: dict[str, str] = {}
    name = str(command.get("name", ""))
    if option or command.get("type", 1) == 1:  # chat input commands and every option
        if not _COMMAND_NAME.fullmatch(name) or name != name.lower():
            errors[f"{path}name"] = "Command name is invalid"
        if not 1 <= len(command.get("description") or "") <= 100:
            errors[f"{path}description"] = "Must be between 1 and 100 in length."
    elif not 1 <= len(name) <= 32:  # user and message commands: free-form names
        errors[f"{path}name"] = "Must be between 1 and 32 in length."
    options = command.get("options") or []
    if len(options) > 25:
        errors[f"{path}options"] = "Must be 25 or fewer in length."
    if len(command.get("choices") or []) > 25:
        errors[f"{path}choices"] = "Must be 25 or fewer in length."
    for i, item in enumerate(options):
        errors.update(_command_errors(item, f"{path}options.{i}.", option=True))
    return errors


_CALLBACK_CHECKS: dict[int, Callable[[JSON], dict[str, str]]] = {
    4: _message_errors,
    7: _message_errors,
    8: _choice_errors,
    9: _modal_errors,
}


__all__ = [
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
