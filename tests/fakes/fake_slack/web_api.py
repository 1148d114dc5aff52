"""The HTTP face of the fake: ``/api/<method>`` and response_urls (``/commands/<team>/<n>/<key>``).

Reads bodies as slack_sdk sends them (JSON, form fields, query parameters), checks the token,
injects 429s, records every call, and hands the work to the message and view stores.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from .base import ApiError, Clock, Ids
from .files import FileStore
from .messages import MessageStore
from .payloads import Workspace
from .records import RESPONSE_URL, Call, Recorder
from .views import ViewStore

JSON = dict[str, Any]
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")  # JSON strings inside form bodies
SCOPES = "commands,chat:write,im:write,files:write"


def _loads(raw: str, error: str, status: int = 200) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(error, status=status) from None


def _json_object(raw: str, error: str, status: int = 200) -> JSON:
    parsed = _loads(raw, error, status)
    if not isinstance(parsed, dict):
        raise ApiError(error, status=status)
    return parsed


async def _read_body(request: web.Request) -> JSON:
    # slack_sdk sends ``params`` (auth.test, apps.connections.open) as a query string on a POST.
    body: JSON = dict(request.query)
    raw = await request.text()
    if not raw:
        return body
    if request.content_type == "application/json":
        body.update(_json_object(raw, "invalid_json"))
        return body
    body.update(parse_qsl(raw, keep_blank_values=True))
    for name in JSON_FIELDS:  # Slack accepts these as JSON strings in a form
        if isinstance(body.get(name), str):
            body[name] = _loads(body[name], "invalid_json")
    return body


def _headers(request: web.Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items()}


class WebApi:
    def __init__(self, ws: Workspace, bot_token: str, app_token: str, recorder: Recorder) -> None:
        self.ws, self.bot_token, self.app_token, self.recorder = ws, bot_token, app_token, recorder
        self.clock = Clock()
        ids = Ids()
        self.chat = MessageStore(ws, self.clock, ids)
        self.views = ViewStore(ws, self.clock, ids)
        self.uploads = FileStore(self.chat, ids)
        self.rate_limits: dict[str, list[int]] = {}  # method -> Retry-After of the next 429s
        self.canned: dict[str, JSON] = {}
        self.delays: dict[str, float] = {}  # method -> seconds each call takes to answer
        self.issue_ws_url: Callable[[], str] = lambda: ""
        self._handlers: dict[str, Callable[[JSON], JSON]] = {
            "auth.test": self._auth_test,
            "apps.connections.open": lambda _: {"ok": True, "url": self.issue_ws_url()},
            **self.chat.handlers(),
            **self.views.handlers(),
            **self.uploads.handlers(),
        }

    def routes(self) -> list[web.RouteDef]:
        return [
            web.route("*", "/api/{method}", self.handle_api),
            web.post("/commands/{team}/{number}/{key}", self.handle_respond),
            *self.uploads.routes(),
        ]

    async def handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method, {}, _headers(request))
        answer_headers: dict[str, str] = {}
        try:
            call.body = await _read_body(request)
            auth = call.headers.get("authorization", "")
            token = auth.removeprefix("Bearer ") if auth else call.body.pop("token", "")
            pending = self.rate_limits.get(method)
            if pending:
                answer_headers["Retry-After"] = str(pending.pop(0))
                raise ApiError("ratelimited", status=429)
            self._check_token(method, str(token))
            call.response = self._answer(method, call.body)
            await asyncio.sleep(self.delays.get(method, 0.0))  # a slow Slack: done, answered late
            if method == "auth.test":
                answer_headers["x-oauth-scopes"] = SCOPES  # Bolt reads the bot's scopes here
        except ApiError as error:
            call.status, call.response = error.status, error.body
        await self.recorder.add(call)
        return web.json_response(call.response, status=call.status, headers=answer_headers)

    def _answer(self, method: str, body: JSON) -> JSON:
        if method in self.canned:
            return copy.deepcopy(self.canned[method])  # a copy per call
        handler = self._handlers.get(method)
        if handler is None:
            raise ApiError("unknown_method")
        return handler(body)

    def _check_token(self, method: str, token: str) -> None:
        if not token:
            raise ApiError("not_authed")
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if token == wanted:
            return
        if token in {self.app_token, self.bot_token}:
            raise ApiError("not_allowed_token_type")
        raise ApiError("invalid_auth")

    async def handle_respond(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        call = Call(RESPONSE_URL, {}, _headers(request), key=key)
        try:
            call.body = _json_object(await request.text() or "{}", "invalid_payload", 400)
            call.response = self.chat.respond(key, call.body)
        except ApiError as error:
            call.status, call.response = error.status, error.body
        await self.recorder.add(call)
        return web.json_response(call.response, status=call.status)

    def _auth_test(self, _: JSON) -> JSON:
        return {
            "ok": True,
            "url": f"https://{self.ws.team_domain}.slack.com/",
            "team": "Rungs Study",
            "user": "rungs",
            "team_id": self.ws.team_id,
            "user_id": self.ws.bot_user_id,
            "bot_id": self.ws.bot_id,
            "is_enterprise_install": False,
        }
