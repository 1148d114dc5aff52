# ruff: noqa: ASYNC109  # the wait_* helpers take a timeout: it bounds every wait in the tests
"""REST v10: routing, authorisation, JSON in and out exactly as discord.py expects it, and the
plain endpoints (the bot user, the application, the gateway address, command registration,
channel messages, DM channels). Every call is recorded in ``calls`` once answered."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import BodyPartReader, web

from .limits import command_errors, message_errors
from .rate_limits import RateLimited, RateLimits
from .records import JSON, DiscordError, Journal, Reply, RestCall, form_error, now_iso
from .uploads import Upload
from .world import World

Handler = Callable[["RestCall", re.Match[str]], Awaitable[Reply]]


class Rest(RateLimits, World):
    """The REST entry point (``/api/v10/...``) and its plain routes."""

    token: str
    calls: Journal[RestCall]
    nonce_messages: dict[str, str]  # a nonce posted with enforce_nonce -> its message id
    post_delay_s: float  # how long a channel message POST takes to be answered
    _routes: list[tuple[str, re.Pattern[str], Handler]]

    async def wait_for(
        self, predicate: Callable[[RestCall], bool], timeout: float = 5.0
    ) -> RestCall:
        """The first recorded REST call (past or future) matching ``predicate``."""
        return await self.calls.wait(predicate, timeout)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        call = RestCall(request.method, path, dict(request.query), None, time.perf_counter())
        headers: dict[str, str] | None = None
        try:
            call.body, call.files = await read_body(request)
            status, body = await self._route(call, request)
        except RateLimited as limited:
            status, body, headers = 429, limited.body, limited.headers
        except DiscordError as error:
            status, body = error.status, error.body()
        call.status, call.response, call.headers = status, body, dict(headers or {})
        self.calls.add(call)  # recorded once answered, so waiters see the status
        return json_response(status, body, headers)

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
            k: v for i, c in enumerate(call.body) for k, v in command_errors(c, f"{i}.").items()
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

    async def _channel_post(self, call: RestCall, match: re.Match[str]) -> Reply:
        if match["cid"] not in self.channels:
            raise DiscordError(404, 10003, "Unknown Channel")
        if match["cid"] in self.no_access:
            raise DiscordError(403, 50001, "Missing Access")
        recipients = self.channels[match["cid"]].get("recipients") or [{}]
        if recipients[0].get("id") in self.closed_dms:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        data = call.body if isinstance(call.body, dict) else {}
        problems = message_errors(data)
        if not (data.get("content") or data.get("embeds") or data.get("components") or call.files):
            problems["content"] = "Cannot send an empty message"
        if problems:
            raise form_error(problems)
        nonce = data.get("nonce")
        if data.get("enforce_nonce") and nonce is not None and len(str(nonce)) > 25:
            raise form_error({"nonce": "Must be 25 or fewer in length."})
        # enforce_nonce: a nonce the bot used in the last few minutes returns that message and
        # posts nothing (Discord's API reference, Create Message). The fake remembers for ever.
        seen = self.nonce_messages.get(str(nonce)) if data.get("enforce_nonce") else None
        if seen is not None and seen in self.messages:
            return 200, self.messages[seen]
        message = self._new_message(data, channel_id=match["cid"], files=call.files)
        if data.get("enforce_nonce") and nonce is not None:
            self.nonce_messages[str(nonce)] = message["id"]
        await asyncio.sleep(self.post_delay_s)  # a slow API: posted at once, answered late
        return 200, message

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
        problems = message_errors(data)
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


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
    """Discord's answers pass Google's front end (``Via``), unless ``headers`` say otherwise."""
    extra = {"Via": "1.1 google"} if headers is None else dict(headers)
    if body is None:
        return web.Response(status=204, headers=extra)
    # Exactly "application/json": discord.py's json_or_text() compares the header verbatim.
    all_headers = {"Content-Type": "application/json", **extra}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


async def read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """The JSON body, or the ``payload_json`` part and the ``files[n]`` parts of a multipart
    body (uploads.py)."""
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        return await _multipart(request)
    text = await request.text()
    try:
        return (json.loads(text) if text else None), []
    except ValueError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None


async def _multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    reader = await request.multipart()
    payload: Any = {}
    files: list[Upload] = []
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise DiscordError(400, 50109, "Nested multipart bodies are not accepted.")
        name = part.name or ""
        data = await part.read(decode=False)
        index = _FILE_PART.fullmatch(name)
        if name == "payload_json":
            try:
                payload = json.loads(data.decode())
            except ValueError:
                raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None
        elif index is not None and part.filename:
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            files.append(Upload(int(index[1]), part.filename, content_type, bytes(data)))
    return payload, files


_FILE_PART = re.compile(r"files\[(\d{1,5})\]")
