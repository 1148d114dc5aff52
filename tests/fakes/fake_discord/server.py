"""The fake itself: the parts put together on one aiohttp server on loopback (``/api/v10/...``
for REST, ``/gateway`` and ``/resume`` for the gateway)."""

from __future__ import annotations

import itertools
import re
from typing import Self

import yarl
from aiohttp import web

from .gateway import Connection, Session
from .interactions import Interactions
from .payloads import Payloads
from .rate_limits import RateLimitRule
from .records import JSON, Callback, GatewayFrame, InteractionState, Journal, RestCall, user_payload
from .rest import Handler, Rest


class FakeDiscord(Rest, Interactions, Payloads):
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
        self.interactions: dict[str, InteractionState] = {}
        self._by_token: dict[str, InteractionState] = {}
        self.messages: dict[str, JSON] = {}
        self.files: dict[str, bytes] = {}  # attachment id -> the bytes uploaded
        # Channels the bot was removed from (posts there: 403 50001 Missing Access), and users
        # who take no DMs from it (posts in their DM: 403 50007).
        self.no_access: set[str] = set()
        self.closed_dms: set[str] = set()
        self.nonce_messages: dict[str, str] = {}  # enforce_nonce: nonce -> message id
        self.post_delay_s = 0.0  # a slow API: channel posts are made at once, answered this late
        self.commands: dict[str | None, list[JSON]] = {}  # guild id (None: global) -> commands
        self._sessions: dict[str, Session] = {}
        self._connections: set[Connection] = set()
        self._rate_limits: list[RateLimitRule] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        commands = r"/applications/(?P<app>\d+)(/guilds/(?P<guild>\d+))?/commands"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        hook_message = hook + r"/messages/(?P<mid>@original|\d+)"
        channel_message = r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)"
        routes: list[tuple[str, str, Handler]] = [
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
